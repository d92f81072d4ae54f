#!/usr/bin/env python3
"""Write real-architecture CLIP models (random weights) in the Hugging Face ONNX layout, with PyTorch references.

Run with Debian's python3 (torch, torchvision, onnx from apt), e.g.
  /usr/bin/python3 tools/clip-export/export.py --config vit-b-32 --out generated-models/clip-vit-b-32
See README.md next to this file.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from broken import write_broken, write_mismatched_vision  # noqa: E402
from clip_model import Clip, init_random, parameter_counts  # noqa: E402
from configs import CONFIGS  # noqa: E402
from onnx_export import export_combined, export_separate, onnx_parameter_count, write_fp16  # noqa: E402
from reference import CAPTIONS, write_configs, write_reference  # noqa: E402

VARIANTS = ('separate', 'combined', 'fp16', 'combined-fp16')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--config', choices=sorted(CONFIGS), required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--variants', default=','.join(VARIANTS), help=f'comma list of {VARIANTS}')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--images', type=int, default=8)
    ap.add_argument('--captions', type=int, default=len(CAPTIONS))
    ap.add_argument('--static-text', action='store_true', help='text_model.onnx with a fixed 77-token sequence')
    ap.add_argument('--text-mask', action='store_true', help='text_model.onnx also takes attention_mask')
    ap.add_argument('--broken', action='store_true', help='also write load-error cases under OUT/broken/')
    ap.add_argument('--mismatched-vision', action='store_true',
                    help='also write OUT/broken/vision_model_dim24.onnx (for tests that build broken folders)')
    a = ap.parse_args()
    variants = [v for v in a.variants.split(',') if v]
    assert all(v in VARIANTS for v in variants), variants
    cfg = CONFIGS[a.config]
    torch.manual_seed(a.seed)
    t0 = time.time()
    clip = Clip(cfg).eval()
    init_random(clip, a.seed)
    counts = parameter_counts(clip)
    onnx_dir = os.path.join(a.out, 'onnx')
    os.makedirs(onnx_dir, exist_ok=True)
    timings = {'build': time.time() - t0}
    if 'separate' in variants or 'fp16' in variants:
        timings.update(export_separate(clip, cfg, onnx_dir, a.static_text, a.text_mask))
    if 'combined' in variants or 'combined-fp16' in variants:
        timings.update(export_combined(clip, cfg, onnx_dir))
    fp16 = (['vision_model.onnx', 'text_model.onnx'] if 'fp16' in variants else []) + \
        (['model.onnx'] if 'combined-fp16' in variants else [])
    timings.update(write_fp16(onnx_dir, fp16))
    for name, wanted in (('vision_model.onnx', 'separate'), ('text_model.onnx', 'separate'), ('model.onnx', 'combined')):
        if wanted not in variants and os.path.exists(os.path.join(onnx_dir, name)):
            os.remove(os.path.join(onnx_dir, name))
    write_configs(a.out, cfg, a.seed, counts)
    t1 = time.time()
    write_reference(clip, cfg, a.out, a.images, a.captions, a.seed, counts)
    timings['reference'] = time.time() - t1
    if a.broken:
        t1 = time.time()
        write_broken(a.out, a.seed)
        timings['broken'] = time.time() - t1
    if a.mismatched_vision:
        write_mismatched_vision(os.path.join(a.out, 'broken', 'vision_model_dim24.onnx'), a.seed + 1)
    for name in sorted(os.listdir(onnx_dir)):
        n = onnx_parameter_count(os.path.join(onnx_dir, name))
        print(f'{name}: {os.path.getsize(os.path.join(onnx_dir, name)) / 1e6:.1f} MB, {n} parameters in initializers')
    timings['total'] = time.time() - t0
    print(f"{cfg.name}: torch parameters {counts}; timings (s) " + ', '.join(f'{k} {v:.1f}' for k, v in timings.items()))


if __name__ == '__main__':
    main()
