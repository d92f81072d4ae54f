#!/usr/bin/env python3
"""Rewrite a Hugging Face ONNX CLIP folder (separate towers) into the other layouts the workbench reads.

Graph surgery only (renamed inputs/outputs, fixed batch, int32 ids, weight-only int8/uint8), so every
layout holds the *same weights* and must give the same embeddings (the parity self-test). Run with
Debian's python3 (python3-onnx):

  /usr/bin/python3 tools/clip-export/layouts.py --src generated-models/clip-vit-b-32 --out generated-models/layouts-vit-b-32

Writes OUT/immich (OpenCLIP as immich publishes it: batch fixed at 1, int32 `text`, output `embedding`),
OUT/clip-as-service (visual.onnx + textual.onnx, `input` -> `output`, symbolic embedding size) and
OUT/hf-int8 (the Hugging Face configs and tokenizer with onnx/*_int8.onnx and *_uint8.onnx weight-only
quantized towers) and OUT/hf-4bit (the same with onnx/*_q4.onnx, MatMulNBits, and onnx/*_bnb4.onnx, MatMulBnb4:
quant4.py). See README.md.
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from quant4 import quantize_model


def rename(model, inputs, outputs, keep_outputs):
    """Rename graph inputs/outputs (and every node reference), dropping outputs not in keep_outputs."""
    g = model.graph
    mapping = {**inputs, **outputs}
    for vi in list(g.input) + list(g.output):
        vi.name = mapping.get(vi.name, vi.name)
    for node in g.node:
        node.input[:] = [mapping.get(n, n) for n in node.input]
        node.output[:] = [mapping.get(n, n) for n in node.output]
    kept = [o for o in g.output if o.name in keep_outputs]
    del g.output[:]
    g.output.extend(kept)
    return model


def fix_batch(model, size):
    """Fix dimension 0 of every graph input and output (immich's towers are often exported with batch 1)."""
    for vi in list(model.graph.input) + list(model.graph.output):
        d = vi.type.tensor_type.shape.dim[0]
        d.Clear()
        d.dim_value = size
    return model


def symbolic_dim(model, name='embed_dim'):
    """Name the embedding dimension of every output symbolically, as some exports do."""
    for vi in model.graph.output:
        d = vi.type.tensor_type.shape.dim[1]
        d.Clear()
        d.dim_param = name
    return model


def int32_ids(model, name):
    """Make input `name` int32 and cast it to the int64 the graph uses (immich's textual models take int32)."""
    g = model.graph
    inner = name + '_int64'
    for node in g.node:
        node.input[:] = [inner if n == name else n for n in node.input]
    inp = next(i for i in g.input if i.name == name)
    inp.type.tensor_type.elem_type = TensorProto.INT32
    g.node.insert(0, helper.make_node('Cast', [name], [inner], to=TensorProto.INT64, name='ids_to_int64'))
    return model


def quantize_weights(model, dtype):
    """Weight-only quantization: every 2-D float MatMul weight becomes int8/uint8 + DequantizeLinear (per tensor)."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes = []
    for node in g.node:
        if node.op_type in ('MatMul', 'Gemm'):
            for k, name in enumerate(node.input):
                t = inits.get(name)
                if t is None or t.data_type != TensorProto.FLOAT or len(t.dims) != 2:
                    continue
                w = numpy_helper.to_array(t)
                if dtype == 'int8':
                    scale = np.float32(max(np.abs(w).max(), 1e-12) / 127)
                    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
                    zero = np.int8(0)
                else:
                    lo, hi = min(w.min(), 0.0), max(w.max(), 0.0)
                    scale = np.float32(max(hi - lo, 1e-12) / 255)
                    zero = np.uint8(np.clip(np.round(-lo / scale), 0, 255))
                    q = np.clip(np.round(w / scale) + zero, 0, 255).astype(np.uint8)
                qn, sn, zn, dn = name + '_q', name + '_scale', name + '_zero', name + '_deq'
                t.CopyFrom(numpy_helper.from_array(q, qn))
                g.initializer.extend([numpy_helper.from_array(np.array(scale, np.float32), sn),
                                      numpy_helper.from_array(np.array(zero), zn)])
                new_nodes.append(helper.make_node('DequantizeLinear', [qn, sn, zn], [dn], name=name + '_dequantize'))
                node.input[k] = dn
                inits.pop(name)
    for n in reversed(new_nodes):
        g.node.insert(0, n)
    return model


def save(model, path):
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def copy(src, names, dst):
    os.makedirs(dst, exist_ok=True)
    for n in names:
        if os.path.exists(os.path.join(src, n)):
            shutil.copy(os.path.join(src, n), os.path.join(dst, n))


def write_immich(src, out, batch):
    vision = onnx.load(os.path.join(src, 'onnx', 'vision_model.onnx'))
    text = onnx.load(os.path.join(src, 'onnx', 'text_model.onnx'))
    if any(i.name == 'attention_mask' for i in text.graph.input):
        raise SystemExit('immich text towers take no attention_mask: export the source without --text-mask')
    save(fix_batch(rename(vision, {'pixel_values': 'image'}, {'image_embeds': 'embedding'}, {'embedding'}), batch),
         os.path.join(out, 'visual', 'model.onnx'))
    text = int32_ids(rename(text, {'input_ids': 'text'}, {'text_embeds': 'embedding'}, {'embedding'}), 'text')
    save(fix_batch(text, batch), os.path.join(out, 'textual', 'model.onnx'))
    cfg = json.load(open(os.path.join(src, 'config.json')))
    pre = json.load(open(os.path.join(src, 'preprocessor_config.json')))
    size = pre['crop_size']['height']
    json.dump({'embed_dim': cfg['projection_dim'],
               'vision_cfg': {'image_size': size, 'layers': cfg['vision_config']['num_hidden_layers'],
                              'width': cfg['vision_config']['hidden_size'], 'patch_size': cfg['vision_config']['patch_size']},
               'text_cfg': {'context_length': cfg['text_config']['max_position_embeddings'], 'vocab_size': cfg['text_config']['vocab_size'],
                            'width': cfg['text_config']['hidden_size'], 'layers': cfg['text_config']['num_hidden_layers']}},
              open(os.path.join(out, 'config.json'), 'w'), indent=1)
    json.dump({'size': [size, size], 'mode': 'RGB', 'mean': pre['image_mean'], 'std': pre['image_std'],
               'interpolation': 'bicubic', 'resize_mode': 'shortest', 'fill_color': 0},
              open(os.path.join(out, 'visual', 'preprocess_cfg.json'), 'w'), indent=1)
    copy(src, ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'], os.path.join(out, 'textual'))


def write_clip_as_service(src, out):
    vision = onnx.load(os.path.join(src, 'onnx', 'vision_model.onnx'))
    text = onnx.load(os.path.join(src, 'onnx', 'text_model.onnx'))
    save(symbolic_dim(rename(vision, {'pixel_values': 'input'}, {'image_embeds': 'output'}, {'output'})), os.path.join(out, 'visual.onnx'))
    save(symbolic_dim(rename(text, {'input_ids': 'input'}, {'text_embeds': 'output'}, {'output'})), os.path.join(out, 'textual.onnx'))
    copy(src, ['tokenizer.json', 'tokenizer_config.json'], out)


def copy_configs(src, out):
    """The source folder without its graphs (and references): the quantized towers are the only variants."""
    shutil.copytree(src, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns('broken', 'reference*', '*.onnx', '*.onnx_data'))


def write_quantized(src, out):
    copy_configs(src, out)
    for tower in ('vision_model', 'text_model'):
        for dtype in ('int8', 'uint8'):
            m = quantize_weights(onnx.load(os.path.join(src, 'onnx', tower + '.onnx')), dtype)
            save(m, os.path.join(out, 'onnx', f'{tower}_{dtype}.onnx'))


def write_4bit(src, out, q4_block, bnb4_block, bnb4_type):
    """transformers.js's 4-bit files: *_q4.onnx (MatMulNBits, symmetric, block q4_block) and *_bnb4.onnx (MatMulBnb4)."""
    copy_configs(src, out)
    for tower in ('vision_model', 'text_model'):
        for suffix, args in (('q4', ('q4', q4_block)), ('bnb4', ('bnb4', bnb4_block, bnb4_type))):
            m = onnx.load(os.path.join(src, 'onnx', tower + '.onnx'))
            n = quantize_model(m, *args)
            save(m, os.path.join(out, 'onnx', f'{tower}_{suffix}.onnx'))
            print(f'{tower}_{suffix}.onnx: {n} MatMul weights quantized')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--src', required=True, help='Hugging Face layout folder with onnx/vision_model.onnx and onnx/text_model.onnx')
    ap.add_argument('--out', required=True)
    ap.add_argument('--layouts', default='immich,clip-as-service,hf-int8,hf-4bit')
    ap.add_argument('--batch', type=int, default=1, help='batch size the immich towers fix')
    ap.add_argument('--q4-block', type=int, choices=(16, 32, 64, 128), default=32, help='MatMulNBits block size (transformers.js: 32)')
    ap.add_argument('--bnb4-block', type=int, default=64, help='MatMulBnb4 block size (bitsandbytes default 64)')
    ap.add_argument('--bnb4-type', choices=('nf4', 'fp4'), default='nf4')
    ap.add_argument('--fixture', action='store_true',
                    help='the committed test fixture: no tokenizer copies, clip-as-service/visual.onnx only, hf-* towers only (tests borrow the rest)')
    a = ap.parse_args()
    wanted = a.layouts.split(',')
    if 'immich' in wanted:
        write_immich(a.src, os.path.join(a.out, 'immich'), a.batch)
    if 'clip-as-service' in wanted:
        write_clip_as_service(a.src, os.path.join(a.out, 'clip-as-service'))
    if 'hf-int8' in wanted:
        write_quantized(a.src, os.path.join(a.out, 'hf-int8'))
    if 'hf-4bit' in wanted:
        write_4bit(a.src, os.path.join(a.out, 'hf-4bit'), a.q4_block, a.bnb4_block, a.bnb4_type)
    if a.fixture:
        for rel in ('immich/textual/tokenizer.json', 'immich/textual/tokenizer_config.json', 'clip-as-service/textual.onnx',
                    'clip-as-service/tokenizer.json', 'clip-as-service/tokenizer_config.json'):
            if os.path.exists(os.path.join(a.out, rel)):
                os.remove(os.path.join(a.out, rel))
        for sub in ('hf-int8', 'hf-4bit'):  # only the quantized towers; tests add tiny-clip's configs and tokenizer
            if os.path.isdir(os.path.join(a.out, sub)):
                for f in os.listdir(os.path.join(a.out, sub)):
                    if f != 'onnx':
                        os.remove(os.path.join(a.out, sub, f))
    for root, _, files in sorted(os.walk(a.out)):
        for f in sorted(files):
            if f.endswith('.onnx'):
                p = os.path.join(root, f)
                print(f'{os.path.relpath(p, a.out)}: {os.path.getsize(p) / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
