"""Python side of bench/gpu.sh: photo-like JPEGs, PyTorch CUDA eager on the same weights and images, cosine checks.

  python3 bench/gpu_torch.py photos DIR N            # N JPEGs as bench/photos.ts makes them (500x375, q90)
  python3 bench/gpu_torch.py cos A.jsonl B.jsonl     # min cosine of image_embeds between two `mia embed --out` files
  python3 bench/gpu_torch.py eager --config vit-b-32 --images DIR --dtype fp16 [--check cpu.jsonl]

`eager` is PyTorch's own pipeline: a DataLoader with one worker per core, Pillow decode and CLIP's torchvision
transform (tools/clip-export/images.py), CUDA eager in float32 or float16 autocast, weights from the same config and
seed as tools/clip-export/export.py. It prints one JSON line; with no CUDA it prints {"skipped": reason}.
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Pool

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tools', 'clip-export'))


def photo(args):
    """One 500x375 JPEG, the pattern of bench/photos.ts: gradients plus noise, the index as black/white squares."""
    directory, i = args
    from PIL import Image
    x = np.arange(500)[None, :].repeat(375, 0)
    y = np.arange(375)[:, None].repeat(500, 1)
    p = (y * 500 + x).astype(np.uint64)
    raw = np.zeros((375, 500, 3), np.uint8)
    raw[..., 0] = (x * (i + 3)) & 255
    raw[..., 1] = (y * 2 + i * 7 + ((p * 2654435761 & 0xFFFFFFFF) >> 28).astype(np.int64)) & 255
    raw[..., 2] = ((x + y) * 3 + i) & 255
    for bit in range(14):
        raw[:16, bit * 16:bit * 16 + 16] = 255 if (i >> bit) & 1 else 0
    Image.fromarray(raw).save(os.path.join(directory, f'img-{i:05d}.jpg'), quality=90)


def cmd_photos(a):
    os.makedirs(a.dir, exist_ok=True)
    with Pool(os.cpu_count() or 1) as pool:
        pool.map(photo, [(a.dir, i) for i in range(a.n)], chunksize=64)


def read_embeds(path):
    out = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            out[r['id']] = np.asarray(r['image_embeds'], np.float64)
    return out


def cosines(a, b):
    ids = sorted(set(a) & set(b))
    cos = [float(a[i] @ b[i] / (np.linalg.norm(a[i]) * np.linalg.norm(b[i]))) for i in ids]
    return ids, cos


def cmd_cos(a):
    ids, cos = cosines(read_embeds(a.a), read_embeds(a.b))
    print(json.dumps({'n': len(ids), 'min_cos': min(cos) if cos else None, 'mean_cos': float(np.mean(cos)) if cos else None}))


class Jpegs:
    """The dataset PyTorch users write: Pillow decode, then CLIP's Resize(bicubic) + CenterCrop + Normalize."""

    def __init__(self, files, size):
        self.files, self.size = files, size

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        from PIL import Image
        from images import clip_pixel_tensor
        with Image.open(self.files[i]) as im:
            return clip_pixel_tensor(im, self.size)


def cmd_eager(a):
    import torch
    if not torch.cuda.is_available():
        reason = 'torch.cuda.is_available() is False' + ('' if torch.version.cuda else ' (this PyTorch is built without CUDA)')
        print(json.dumps({'skipped': reason}))
        return
    from clip_model import Clip, init_random
    from configs import CONFIGS
    cfg = CONFIGS[a.config]
    torch.manual_seed(a.seed)
    clip = Clip(cfg).eval()
    init_random(clip, a.seed)  # the weights export.py wrote for this config and seed
    clip = clip.cuda()
    files = sorted(os.path.join(a.images, f) for f in os.listdir(a.images) if f.endswith('.jpg'))
    loader = torch.utils.data.DataLoader(Jpegs(files, cfg.image_size), batch_size=a.batch, num_workers=a.workers,
                                         pin_memory=True, persistent_workers=False, prefetch_factor=4)
    amp = torch.autocast('cuda', dtype=torch.float16, enabled=a.dtype == 'fp16')
    with torch.inference_mode(), amp:
        warm = torch.randn(a.batch, 3, cfg.image_size, cfg.image_size, device='cuda')
        for _ in range(3):
            clip.image_embeds(warm)
        torch.cuda.synchronize()
        t0 = time.time()
        for _ in range(5):
            clip.image_embeds(warm)
        torch.cuda.synchronize()
        bare = 5 * a.batch / (time.time() - t0)
        gpu_ms, embeds = 0.0, []
        t0 = time.time()
        for batch in loader:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            e = clip.image_embeds(batch.cuda(non_blocking=True))[0]
            end.record()
            end.synchronize()
            gpu_ms += start.elapsed_time(end)
            if len(embeds) * a.batch < a.keep:
                embeds.append(e.float().cpu())
        seconds = time.time() - t0
    result = {'images': len(files), 'seconds': seconds, 'images_per_s': len(files) / seconds,
              'bare_images_per_s': bare, 'gpu_busy': gpu_ms / 1000 / seconds, 'workers': a.workers,
              'device': torch.cuda.get_device_name(0), 'torch': torch.__version__}
    if a.check:
        ref = read_embeds(a.check)
        mine = torch.cat(embeds).numpy().astype(np.float64) if embeds else np.zeros((0, cfg.embed_dim))
        stem = lambda f: os.path.splitext(os.path.basename(f))[0]  # noqa: E731 (mia's folder ids drop the extension)
        ours = {stem(files[i]): mine[i] for i in range(min(len(mine), len(files)))}
        theirs = {stem(k): v for k, v in ref.items()}
        ids, cos = cosines(ours, theirs)
        result['cos_to_mia_cpu'] = {'n': len(ids), 'min': min(cos) if cos else None}
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('photos')
    p.add_argument('dir')
    p.add_argument('n', type=int)
    c = sub.add_parser('cos')
    c.add_argument('a')
    c.add_argument('b')
    e = sub.add_parser('eager')
    e.add_argument('--config', required=True)
    e.add_argument('--images', required=True)
    e.add_argument('--dtype', choices=['fp32', 'fp16'], default='fp32')
    e.add_argument('--batch', type=int, default=128)
    e.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    e.add_argument('--seed', type=int, default=0)
    e.add_argument('--check', help='`mia embed --out` file: cosine of these embeddings to PyTorch\'s')
    e.add_argument('--keep', type=int, default=64, help='images whose embeddings --check compares')
    a = ap.parse_args()
    {'photos': cmd_photos, 'cos': cmd_cos, 'eager': cmd_eager}[a.cmd](a)


if __name__ == '__main__':
    main()
