"""The PyTorch researcher's CLIP preprocessing, as CLIPImageProcessor / torchvision do it with Pillow + NumPy:
decode, convert to RGB, resize the shortest side to 224 (bicubic), centre crop 224, scale, normalise, CHW float32.
Prints one JSON line: CPU ms per image for decode alone and for the whole pipeline (process_time, one thread).
Run by bench/preprocess-pool.ts in the same run as the Node measurements; needs Debian's python3-pil and python3-numpy.
"""
import io
import json
import sys
import time

import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def preprocess(data: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(data)).convert('RGB')
    w, h = img.size
    s = 224 / min(w, h)
    img = img.resize((max(224, round(w * s)), max(224, round(h * s))), Image.BICUBIC)
    w, h = img.size
    left, top = (w - 224) // 2, (h - 224) // 2
    img = img.crop((left, top, left + 224, top + 224))
    x = np.asarray(img, dtype=np.float32) / 255.0
    return ((x - MEAN) / STD).transpose(2, 0, 1)


def cpu_ms(fn, runs: int) -> float:
    for _ in range(10):
        fn()
    t0 = time.process_time()
    for _ in range(runs):
        fn()
    return (time.process_time() - t0) * 1000 / runs


def main() -> None:
    data = open(sys.argv[1], 'rb').read()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    decode = cpu_ms(lambda: Image.open(io.BytesIO(data)).convert('RGB').load(), runs)
    full = cpu_ms(lambda: preprocess(data), runs)
    print(json.dumps({'decode_ms': decode, 'pipeline_ms': full, 'pillow': Image.__version__, 'numpy': np.__version__}))


if __name__ == '__main__':
    main()
