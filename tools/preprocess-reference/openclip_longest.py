#!/usr/bin/python3
"""OpenCLIP `resize_mode: "longest"` reference pixels (test/fixtures/preprocess-longest) with PIL + torchvision.

  /usr/bin/python3 tools/preprocess-reference/openclip_longest.py

open_clip is not installed here; its inference transform for "longest" (open_clip/transform.py, image_transform:
ResizeKeepRatio(size, longest=1) then CenterCropOrPad(size, fill=fill_color), then convert('RGB')) is written out
below with the torchvision functions it calls, on the images of test/fixtures/preprocess (made by
make_fixtures.py). For each case the uint8 RGB result is stored as a PNG plus the resized size and padding.
"""
import json
import os

import numpy as np
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.transforms import InterpolationMode

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'preprocess')
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'preprocess-longest')
MODES = {'bicubic': InterpolationMode.BICUBIC, 'bilinear': InterpolationMode.BILINEAR}


def keep_ratio_size(img, target, longest=1.0):
    """ResizeKeepRatio.get_params without the random factors: scale by the longest side's ratio, Python round()."""
    h, w = img.size[::-1]
    ratio_h, ratio_w = h / target[0], w / target[1]
    ratio = max(ratio_h, ratio_w) * longest + min(ratio_h, ratio_w) * (1. - longest)
    return [round(x * 1. / ratio) for x in (h, w)]


def center_crop_or_pad(img, size, fill):
    """open_clip's center_crop_or_pad: pad left/top by floor, right/bottom by ceil of the difference, then crop."""
    w, h = img.size
    ch, cw = size
    if cw > w or ch > h:
        ltrb = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        img = F.pad(img, ltrb, fill=fill)
        w, h = img.size
        if (w, h) == (cw, ch):
            return img, ltrb
    top, left = int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))
    return F.crop(img, top, left, ch, cw), [0, 0, 0, 0]


def longest(img, size, interpolation, fill):
    resized = keep_ratio_size(img, size)
    img = F.resize(img, resized, MODES[interpolation])
    out, pad = center_crop_or_pad(img, size, fill)
    return np.array(out.convert('RGB')), resized, pad


def main():
    os.makedirs(OUT, exist_ok=True)
    src = json.load(open(os.path.join(SRC, 'expected.json')))
    names = sorted({r['file'] for r in src['images']})
    cases = [(n, [224, 224], 'bicubic', 0) for n in names]
    # Non-square targets, bilinear, a grey fill colour, and exact-ratio / upscaling inputs.
    cases += [('photo-401x300.png', [160, 224], 'bicubic', 0), ('photo-223x300.png', [224, 160], 'bilinear', 128),
              ('rgba-120x96.png', [64, 64], 'bicubic', 255), ('la-160x120.png', [96, 96], 'bilinear', 77),
              ('tiny-7x5.png', [12, 12], 'bicubic', 200), ('thin-3x400.png', [100, 100], 'bicubic', 31),
              ('palette-alpha-90x120.png', [64, 64], 'bicubic', 0), ('bilevel-64x48.png', [40, 40], 'bicubic', 255),
              ('anim-120x90.gif', [96, 96], 'bicubic', 5), ('gif-transparent-90x60.gif', [64, 64], 'bilinear', 2),
              ('palette-alpha-90x120.png', [64, 64], 'bicubic', 1), ('cmyk-150x100.jpg', [96, 96], 'bicubic', 100),
              ('bilevel-64x48.png', [40, 40], 'bilinear', 77)]
    records = []
    for i, (name, size, interp, fill) in enumerate(cases):
        im = Image.open(os.path.join(SRC, name))
        pixels, resized, pad = longest(im, size, interp, fill)
        png = f'{name.rsplit(".", 1)[0]}.{size[0]}x{size[1]}.{interp}.fill{fill}.png'
        Image.fromarray(pixels).save(os.path.join(OUT, png))
        records.append({'file': name, 'pilMode': im.mode, 'size': size, 'interpolation': interp, 'fill_color': fill,
                        'resized': resized, 'padLTRB': pad, 'png': png})
        print(f'{name:28s} {im.mode:5s} {size} {interp:8s} fill {fill:3d} -> resized {resized} pad {pad}')
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'generator': 'tools/preprocess-reference/openclip_longest.py', 'pillow': Image.__version__,
                   'images': records}, f, indent=1)


if __name__ == '__main__':
    main()
