"""Deliberately broken model folders for load-error checks, built from the tiny architecture."""
import os
import shutil

import onnx
import torch

from clip_model import Clip, init_random, parameter_counts
from configs import CONFIGS
from onnx_export import VisionExport, export, export_separate
from reference import write_configs


def write_mismatched_vision(path, seed):
    """A small vision tower projecting to 24 dims, to pair with a 16-dim text tower (\"towers disagree\")."""
    tiny = CONFIGS['tiny']
    cfg = tiny.__class__(**{**tiny.__dict__, 'embed_dim': 24, 'vision_width': 8, 'vision_heads': 1})
    other = Clip(cfg).eval()
    init_random(other, seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    export(VisionExport(other), (torch.zeros(1, 3, 224, 224),), path, ['pixel_values'], ['image_embeds', 'last_hidden_state'],
           {'pixel_values': {0: 'batch_size'}, 'image_embeds': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size'}})


def write_broken(out, seed):
    """Load-error cases built from the tiny architecture (small, any size model shows the same errors)."""
    C = CONFIGS
    tiny = Clip(C['tiny']).eval()
    init_random(tiny, seed)
    base = os.path.join(out, 'broken')
    good = os.path.join(base, '_tiny')
    os.makedirs(os.path.join(good, 'onnx'), exist_ok=True)
    export_separate(tiny, C['tiny'], os.path.join(good, 'onnx'), True, False)
    write_configs(good, C['tiny'], seed, parameter_counts(tiny))

    def case(name, edit):
        d = os.path.join(base, name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(good, d)
        edit(os.path.join(d, 'onnx'))

    case('missing-text-tower', lambda d: os.remove(os.path.join(d, 'text_model.onnx')))
    case('not-onnx', lambda d: open(os.path.join(d, 'text_model.onnx'), 'wb').write(b'<html>404 Not Found</html>\n'))

    def truncate(d):
        p = os.path.join(d, 'vision_model.onnx')
        data = open(p, 'rb').read()
        open(p, 'wb').write(data[: len(data) // 3])
    case('truncated-vision', truncate)

    def rename_input(d):
        p = os.path.join(d, 'vision_model.onnx')
        m = onnx.load(p)
        m.graph.input[0].name = 'input'
        for node in m.graph.node:
            node.input[:] = ['input' if i == 'pixel_values' else i for i in node.input]
        onnx.save(m, p)
    case('wrong-input-name', rename_input)

    case('towers-disagree', lambda d: write_mismatched_vision(os.path.join(d, 'vision_model.onnx'), seed + 1))
    shutil.rmtree(good)
