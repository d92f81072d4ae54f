"""PyTorch eager reference speed for bench/embed.ts: the same architecture and seed as export.py, both towers.

Prints one JSON line: {"items", "seconds", "items_per_s", "peak_rss_mb", "threads"}.
Run with Debian's own Python: /usr/bin/python3 tools/clip-export/bench_eager.py --config vit-b-32 --items 256
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_model import Clip, init_random  # noqa: E402
from configs import CONFIGS  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config', default='vit-b-32', choices=sorted(CONFIGS))
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--items', type=int, default=256)
    ap.add_argument('--batch', type=int, default=32)
    a = ap.parse_args()
    cfg = CONFIGS[a.config]
    # All cores, as onnxruntime uses them: a one-thread eager run would flatter the ONNX numbers.
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(a.seed)
    clip = Clip(cfg).eval()
    init_random(clip, a.seed)
    size = cfg.image_size
    # Same work as the bare ONNX run: both towers, caption length 77, inputs made before the clock starts.
    pixels = torch.randn(a.items, 3, size, size)
    ids = torch.randint(1, 49000, (a.items, 77))
    ids[:, -1] = 49407
    with torch.inference_mode():
        clip.image_embeds(pixels[:2])
        t0 = time.time()
        for s in range(0, a.items, a.batch):
            clip.image_embeds(pixels[s:s + a.batch])
            clip.text_embeds(ids[s:s + a.batch])
        seconds = time.time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'items': a.items, 'seconds': seconds, 'items_per_s': a.items / seconds,
                      'peak_rss_mb': rss, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
