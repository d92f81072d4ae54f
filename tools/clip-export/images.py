"""Photo-like reference images and CLIP's torchvision preprocessing (openai/CLIP clip.py _transform)."""
import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter
from torchvision import transforms

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def photo_like(width: int, height: int, seed: int) -> Image.Image:
    """A landscape-ish scene: graded sky, horizon, blurred blobs, grain; smooth like a photo, not flat art."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height)[:, None, None]
    x = np.linspace(0, 1, width)[None, :, None]
    sky_top, sky_bottom, ground = rng.uniform(0, 255, (3, 3))
    horizon = rng.uniform(0.35, 0.7)
    img = np.where(y < horizon, sky_top + (sky_bottom - sky_top) * (y / horizon),
                   ground * (0.6 + 0.4 * (y - horizon) / (1 - horizon)) + 20 * np.sin(9 * x + 3 * y))
    img = np.broadcast_to(img, (height, width, 3)).copy()
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    for _ in range(int(rng.integers(4, 9))):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.05, 0.25) * min(width, height)
        color = tuple(int(v) for v in rng.uniform(0, 255, 3))
        if rng.uniform() < 0.5:
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=color)
        else:
            draw.rectangle([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=color)
    pil = pil.filter(ImageFilter.GaussianBlur(radius=1.5))
    grain = rng.normal(0, 6, (height, width, 3))
    arr = np.clip(np.asarray(pil, dtype=np.float64) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(arr)


def crop_offsets_agree(width: int, height: int, size: int) -> bool:
    """torchvision CenterCrop rounds (h-s)/2, HF CLIPImageProcessor floors it; they agree when the margin is even."""
    short, long = min(width, height), max(width, height)
    new_long = int(size * long / short)
    return (new_long - size) % 2 == 0


def resized_crop_u8(img: Image.Image, size: int) -> np.ndarray:
    """The 8-bit RGB pixels the model sees: bicubic shortest-edge resize then centre crop (HWC)."""
    t = transforms.Compose([
        transforms.Resize(size, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(size),
    ])
    return np.asarray(t(img.convert('RGB')), dtype=np.uint8)


def clip_pixel_tensor(img: Image.Image, size: int) -> torch.Tensor:
    """CLIP's own transform: Resize(bicubic) -> CenterCrop -> RGB -> ToTensor -> Normalize (CHW float32)."""
    t = transforms.Compose([
        transforms.Resize(size, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(size),
        lambda im: im.convert('RGB'),
        transforms.ToTensor(),
        transforms.Normalize(MEAN, STD),
    ])
    return t(img)


def tensor_from_u8(u8: np.ndarray) -> torch.Tensor:
    """Rebuild the normalised tensor from the stored 8-bit crop, the same way the TS tests do."""
    x = torch.from_numpy(u8.astype(np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(MEAN).reshape(3, 1, 1)) / torch.tensor(STD).reshape(3, 1, 1)
