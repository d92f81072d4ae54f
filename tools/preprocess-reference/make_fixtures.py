#!/usr/bin/python3
"""Write CLIP image-preprocessing reference fixtures (test/fixtures/preprocess) with PIL + torchvision.

Run with Debian's Python (PIL, numpy, torch, torchvision):  /usr/bin/python3 tools/preprocess-reference/make_fixtures.py
For every generated image it records
  (a) the Hugging Face CLIPImageProcessor pipeline, re-implemented step for step on PIL/numpy exactly as
      transformers' image_transforms does it (convert('RGB'), PIL resize, center_crop with floor offsets,
      rescale in float64 then float32, normalise in float32), stored as the uint8 crop (PNG) plus the
      sha256 of the float32 CHW tensor and sampled values;
  (b) the torchvision pipeline of OpenAI CLIP's `_transform` (Resize(BICUBIC) on the PIL image as opened,
      CenterCrop, convert('RGB'), ToTensor, Normalize), stored the same way, with its cosine to (a).
transformers itself is not installed here; (a) follows its source (image_transforms.py, image_processing_clip.py).
"""
import hashlib
import json
import math
import os
import shutil
import struct
import zlib

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image, ImageCms

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'preprocess')
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
RESCALE = 0.00392156862745098


def photo_like(w, h, seed, noise=3.0):
    """Smooth colour gradients and blobs plus Gaussian noise: resize errors show up, PNGs stay small."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    u, v = x / max(w - 1, 1), y / max(h - 1, 1)
    chans = []
    for c in range(3):
        f1, f2, ph = rng.uniform(1, 4), rng.uniform(1, 4), rng.uniform(0, 2 * math.pi)
        base = 128 + 70 * np.sin(2 * math.pi * f1 * u + ph) * np.cos(2 * math.pi * f2 * v)
        cx, cy = rng.uniform(0.2, 0.8, 2)
        base += 60 * np.exp(-((u - cx) ** 2 + (v - cy) ** 2) / 0.02) * (1 if c != 1 else -1)
        base += 25 * (((x // 16 + y // 16) % 2) - 0.5)  # hard edges: ringing of the bicubic kernel
        chans.append(base + rng.normal(0, noise, (h, w)))
    return np.clip(np.rint(np.stack(chans, -1)), 0, 255).astype(np.uint8)


def png_chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png16(path, arr):
    """16-bit PNG writer (PIL cannot save 16-bit RGB): colour type 2 for HxWx3, 0 for HxW."""
    h, w = arr.shape[:2]
    colour = 2 if arr.ndim == 3 else 0
    raw = b''.join(b'\x00' + arr[y].astype('>u2').tobytes() for y in range(h))
    ihdr = struct.pack('>IIBBBBB', w, h, 16, colour, 0, 0, 0)
    data = b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) + png_chunk(b'IDAT', zlib.compress(raw, 9)) + png_chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)


def make_images():
    """Yield (file name, writer) for every fixture image; each writer saves to the given path."""
    p = photo_like
    yield 'photo-500x375.jpg', lambda f: Image.fromarray(p(500, 375, 1)).save(f, quality=90)
    yield 'photo-401x300.png', lambda f: Image.fromarray(p(401, 300, 2)).save(f)
    yield 'photo-223x300.png', lambda f: Image.fromarray(p(223, 300, 3)).save(f)
    yield 'tiny-7x5.png', lambda f: Image.fromarray(p(7, 5, 4, noise=40)).save(f)
    yield 'pixel-1x1.png', lambda f: Image.fromarray(np.array([[[200, 30, 90]]], np.uint8)).save(f)
    yield 'thin-3x400.png', lambda f: Image.fromarray(p(3, 400, 5, noise=20)).save(f)
    yield 'gray-256x200.png', lambda f: Image.fromarray(p(256, 200, 6)[..., 0]).save(f)
    yield 'gray-200x150.jpg', lambda f: Image.fromarray(p(200, 150, 7)[..., 1]).save(f, quality=85)
    yield 'palette-alpha-90x120.png', lambda f: palette_alpha(p(90, 120, 8)).save(f, transparency=0)
    yield 'rgba-120x96.png', lambda f: Image.fromarray(with_alpha(p(120, 96, 9))).save(f)
    yield 'la-160x120.png', lambda f: Image.fromarray(with_alpha(p(160, 120, 10))[..., [0, 3]], 'LA').save(f)
    yield 'cmyk-150x100.jpg', lambda f: Image.fromarray(p(150, 100, 11)).convert('CMYK').save(f, quality=92)
    yield 'rgb16-120x90.png', lambda f: write_png16(f, p(120, 90, 12).astype(np.uint16) * 256 + 200)  # MSB = p; v/257 would differ
    yield 'gray16-120x90.png', lambda f: write_png16(f, (p(120, 90, 13)[..., 0].astype(np.uint16) * 3))
    yield 'lossy-150x100.webp', lambda f: Image.fromarray(p(150, 100, 14)).save(f, quality=80)
    yield 'alpha-120x90.webp', lambda f: Image.fromarray(with_alpha(p(120, 90, 15))).save(f, quality=80)
    yield 'anim-120x90.gif', animated_gif
    yield 'exif-rotated-150x100.jpg', exif_rotated
    yield 'srgb-icc-120x90.png', lambda f: Image.fromarray(p(120, 90, 17)).save(f, icc_profile=srgb_icc())
    yield 'gif-transparent-90x60.gif', lambda f: palette_alpha(p(90, 60, 20)).save(f, transparency=0)
    yield 'bilevel-64x48.png', lambda f: Image.fromarray(p(64, 48, 21)[..., 0] > 128).save(f)
    yield 'photo-120x90.tif', lambda f: Image.fromarray(p(120, 90, 22)).save(f)
    yield 'small-150x100.png', lambda f: Image.fromarray(p(150, 100, 18, noise=12)).save(f)


def with_alpha(rgb):
    h, w = rgb.shape[:2]
    alpha = np.tile(np.linspace(0, 255, w).astype(np.uint8), (h, 1))
    alpha[: h // 4] = 0  # fully transparent band: its RGB must survive (alpha dropped, not composited)
    return np.dstack([rgb, alpha])


def palette_alpha(rgb):
    return Image.fromarray(rgb).quantize(colors=64, method=Image.Quantize.MEDIANCUT)


def animated_gif(path):
    frames = [Image.fromarray(photo_like(120, 90, 16 + k)).quantize(colors=128) for k in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)


def exif_rotated(path):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display; PIL (and so CLIP) ignores it
    Image.fromarray(photo_like(150, 100, 19)).save(path, quality=90, exif=exif.tobytes())


def srgb_icc():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()


def hf_output_size(w, h, cfg):
    """transformers get_resize_output_image_size(default_to_square=False) for shortest_edge; else {height,width}."""
    if 'shortest_edge' in cfg['size']:
        s = cfg['size']['shortest_edge']
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = s, int(s * long / short)
        return (new_short, new_long) if w <= h else (new_long, new_short)
    return cfg['size']['width'], cfg['size']['height']


def hf_center_crop(arr, ch, cw):
    """transformers image_transforms.center_crop: floor offsets, zero padding when the image is smaller.

    Returns the crop and its offsets in the resized image's coordinates (negative where padded)."""
    h, w = arr.shape[:2]
    top, left = (h - ch) // 2, (w - cw) // 2
    if top >= 0 and left >= 0:
        return arr[top:top + ch, left:left + cw], (top, left)
    nh, nw = max(ch, h), max(cw, w)
    canvas = np.zeros((nh, nw, 3), arr.dtype)
    tp, lp = math.ceil((nh - h) / 2), math.ceil((nw - w) / 2)
    canvas[tp:tp + h, lp:lp + w] = arr
    ct, cl = top + tp, left + lp
    return canvas[max(0, ct):min(nh, ct + ch), max(0, cl):min(nw, cl + cw)], (top, left)


def hf_pipeline(im, cfg):
    rgb = im.convert('RGB')
    w, h = hf_output_size(rgb.width, rgb.height, cfg)
    resized = np.array(rgb.resize((w, h), resample=cfg['resample'], reducing_gap=None))
    crop, offset = hf_center_crop(resized, cfg['crop'], cfg['crop'])
    x = (crop.astype(np.float64) * RESCALE).astype(np.float32)
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return crop, np.ascontiguousarray(x.transpose(2, 0, 1)), {'resized': [w, h], 'crop': list(offset)}


def tv_pipeline(im, size):
    """OpenAI CLIP clip.py `_transform`: RGB conversion comes after resize and crop, as there."""
    geo = T.Compose([T.Resize(size, interpolation=T.InterpolationMode.BICUBIC), T.CenterCrop(size)])
    cropped = geo(im).convert('RGB')
    tensor = T.Normalize(MEAN, STD)(T.ToTensor()(cropped))
    return np.array(cropped), tensor.numpy().astype(np.float32)


def samples(t, seed):
    rng = np.random.default_rng(seed)
    c, h, w = t.shape
    pts = [(0, 0, 0), (c - 1, h - 1, w - 1), (1, h // 2, w // 2)]
    pts += [(int(rng.integers(c)), int(rng.integers(h)), int(rng.integers(w))) for _ in range(21)]
    return [[ci, y, x, float(t[ci, y, x])] for ci, y, x in pts]


def tensor_record(t, seed):
    return {'sha256': hashlib.sha256(t.tobytes()).hexdigest(), 'mean': float(t.astype(np.float64).mean()),
            'min': float(t.min()), 'max': float(t.max()), 'samples': samples(t, seed)}


def cosine(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def record_image(name, cfg, seed, variant=''):
    path = os.path.join(OUT, name)
    im = Image.open(path)
    decoded = np.array(im.convert('RGB'))
    stem = name.rsplit('.', 1)[0] + variant
    crop, hf, geo = hf_pipeline(Image.open(path), cfg)
    Image.fromarray(crop).save(os.path.join(OUT, 'expected', stem + '.hf.png'))
    rec = {'file': name, 'pilMode': im.mode, 'width': im.width, 'height': im.height, 'config': cfg,
           'decoded': {'sha256': hashlib.sha256(decoded.tobytes()).hexdigest(),
                       'meanRgb': [float(decoded[..., c].mean()) for c in range(3)]},
           'hf': dict(geo, png=f'expected/{stem}.hf.png', tensor=tensor_record(hf, seed))}
    if decoded.size <= 240 * 180 * 3:
        Image.fromarray(decoded).save(os.path.join(OUT, 'expected', stem + '.rgb.png'))
        rec['decoded']['png'] = f'expected/{stem}.rgb.png'
    if not variant:
        tv_crop, tv = tv_pipeline(Image.open(path), cfg['crop'])
        rec['torchvision'] = {'png': rec['hf']['png'], 'tensor': tensor_record(tv, seed + 1),
                              'cosineToHf': cosine(hf, tv), 'maxAbsDiffToHf': float(np.abs(hf - tv).max())}
        if not np.array_equal(tv_crop, crop):  # store the torchvision crop only where it differs from (a)
            Image.fromarray(tv_crop).save(os.path.join(OUT, 'expected', stem + '.tv.png'))
            rec['torchvision']['png'] = f'expected/{stem}.tv.png'
    return rec


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, 'expected'))
    names = []
    for name, write in make_images():
        write(os.path.join(OUT, name))
        names.append(name)
    clip = {'size': {'shortest_edge': 224}, 'crop': 224, 'resample': 3}
    records = [record_image(n, clip, 100 + i) for i, n in enumerate(names) if not n.startswith('small-')]
    for r in range(6):  # every PIL filter: NEAREST LANCZOS BILINEAR BICUBIC BOX HAMMING, down- and upscaling
        records.append(record_image('small-150x100.png', {'size': {'shortest_edge': 64}, 'crop': 64, 'resample': r}, 200 + r, f'.r{r}'))
        records.append(record_image('tiny-7x5.png', {'size': {'shortest_edge': 16}, 'crop': 12, 'resample': r}, 300 + r, f'.r{r}'))
    records.append(record_image('photo-401x300.png', {'size': {'height': 100, 'width': 90}, 'crop': 96, 'resample': 3}, 400, '.hw'))
    meta = {'generator': 'tools/preprocess-reference/make_fixtures.py', 'pillow': Image.__version__,
            'torch': torch.__version__, 'numpy': np.__version__, 'mean': MEAN, 'std': STD, 'rescale': RESCALE,
            'images': records}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(meta, f, indent=1, separators=(',', ':'))
    for rec in records:
        tv = rec.get('torchvision')
        print(f"{rec['file']:28s} {rec['pilMode']:5s} hf={rec['hf']['resized']} crop={rec['hf']['crop']}"
              + (f" cos(hf,tv)={tv['cosineToHf']:.6f}" if tv else ''))


if __name__ == '__main__':
    main()
