"""torch.onnx export of the CLIP towers in the Hugging Face ONNX layout (names and dynamic axes as optimum writes them)."""
import os
import time

import numpy as np
import onnx
import torch
from torch import nn

from onnx_fp16 import convert_to_fp16

OPSET = 17


class VisionExport(nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values):
        return self.clip.image_embeds(pixel_values)


class TextExport(nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids, attention_mask=None):
        return self.clip.text_embeds(input_ids, attention_mask)


class CombinedExport(nn.Module):
    """HF CLIPModel.forward as exported by optimum: normalised embeds and both logit matrices."""

    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids, pixel_values, attention_mask):
        image, _ = self.clip.image_embeds(pixel_values)
        text, _ = self.clip.text_embeds(input_ids, attention_mask)
        image = image / image.norm(p=2, dim=-1, keepdim=True)
        text = text / text.norm(p=2, dim=-1, keepdim=True)
        logits_per_text = self.clip.logit_scale.exp() * text @ image.t()
        return logits_per_text.t(), logits_per_text, text, image


def export(module, args, path, inputs, outputs, axes):
    t0 = time.time()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    return time.time() - t0


def onnx_parameter_count(path):
    """Elements of floating-point initializers of rank >= 1: the rule the TS registry uses."""
    floats = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE, onnx.TensorProto.BFLOAT16}
    m = onnx.load(path, load_external_data=False)
    return sum(int(np.prod(t.dims)) for t in m.graph.initializer if t.data_type in floats and len(t.dims) >= 1)


def dummy_text(cfg, batch=2):
    ids = torch.full((batch, cfg.context_length), 49407, dtype=torch.int64)
    ids[:, 0] = 49406
    ids[:, 1:4] = 320
    return ids, torch.ones_like(ids)


def export_separate(clip, cfg, onnx_dir, static_text, text_mask):
    timings = {}
    pixels = torch.zeros(2, 3, cfg.image_size, cfg.image_size)
    path = os.path.join(onnx_dir, 'vision_model.onnx')
    timings['vision_model.onnx'] = export(VisionExport(clip), (pixels,), path, ['pixel_values'],
                                          ['image_embeds', 'last_hidden_state'],
                                          {'pixel_values': {0: 'batch_size'}, 'image_embeds': {0: 'batch_size'},
                                           'last_hidden_state': {0: 'batch_size'}})
    ids, mask = dummy_text(cfg)
    seq_axes = {0: 'batch_size'} if static_text else {0: 'batch_size', 1: 'sequence_length'}
    clip.text_model.full_context = static_text
    inputs = ['input_ids', 'attention_mask'] if text_mask else ['input_ids']
    args = (ids, mask) if text_mask else (ids,)
    axes = {name: seq_axes for name in inputs}
    axes.update({'text_embeds': {0: 'batch_size'}, 'last_hidden_state': seq_axes})
    path = os.path.join(onnx_dir, 'text_model.onnx')
    timings['text_model.onnx'] = export(TextExport(clip), args, path, inputs, ['text_embeds', 'last_hidden_state'], axes)
    clip.text_model.full_context = False
    return timings


def export_combined(clip, cfg, onnx_dir):
    ids, mask = dummy_text(cfg)
    pixels = torch.zeros(2, 3, cfg.image_size, cfg.image_size)
    text_axes = {0: 'text_batch_size', 1: 'sequence_length'}
    axes = {'input_ids': text_axes, 'attention_mask': text_axes, 'pixel_values': {0: 'image_batch_size'},
            'logits_per_image': {0: 'image_batch_size', 1: 'text_batch_size'},
            'logits_per_text': {0: 'text_batch_size', 1: 'image_batch_size'},
            'text_embeds': {0: 'text_batch_size'}, 'image_embeds': {0: 'image_batch_size'}}
    path = os.path.join(onnx_dir, 'model.onnx')
    return {'model.onnx': export(CombinedExport(clip), (ids, pixels, mask), path,
                                 ['input_ids', 'pixel_values', 'attention_mask'],
                                 ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds'], axes)}


def write_fp16(onnx_dir, names):
    timings = {}
    for name in names:
        t0 = time.time()
        src = os.path.join(onnx_dir, name)
        m = convert_to_fp16(onnx.load(src))
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(onnx_dir, name.replace('.onnx', '_fp16.onnx')))
        timings[name.replace('.onnx', '_fp16.onnx')] = time.time() - t0
    return timings
