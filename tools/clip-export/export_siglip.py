#!/usr/bin/env python3
"""Write SigLIP / SigLIP 2 models (random weights) as transformers.js / optimum export them, with PyTorch references.

  /usr/bin/python3 tools/clip-export/export_siglip.py --family siglip --out test/fixtures/tiny-siglip
  /usr/bin/python3 tools/clip-export/export_siglip.py --family siglip2 --out test/fixtures/tiny-siglip2
  /usr/bin/python3 tools/clip-export/export_siglip.py --family siglip --config base-224 --out generated-models/siglip-base-224

--config picks the architecture (siglip_configs.py: tiny, base-224, base-384; the vocabulary is always the
generator's own tokenizer's). onnx/vision_model.onnx: pixel_values -> pooler_output (MAP head), last_hidden_state;
onnx/text_model.onnx: input_ids (no attention_mask: SigLIP pads to the fixed length and masks nothing) ->
pooler_output, last_hidden_state; onnx/model.onnx: input_ids + pixel_values -> logits_per_image, logits_per_text,
text_embeds, image_embeds (normalised), with `logit_scale` and `logit_bias` kept as initializers (--fold-combined:
exported with constant folding, then Exp(logit_scale) folded as onnxsim / onnxruntime's offline optimiser do, so the
multiplier exp(t) is a scalar named after the Exp output and `logit_scale` is gone). siglip: text fixed at 64 tokens,
static embedding size; siglip2: dynamic sequence and a symbolic embedding size (read from the first batch).
reference.json: token ids of tricky captions (the ids the TypeScript tokenizer must reproduce), the 8-bit pixels
after the processor's squash resize, raw tower outputs and the pairwise sigmoid scores, all from PyTorch eager.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from images import photo_like  # noqa: E402
from siglip_configs import CONFIG_NAMES, CONTEXT, siglip_config  # noqa: E402
from siglip_model import Siglip, init_random  # noqa: E402
from sp_tokenizers import encode_bpe, encode_unigram, gemma_tokenizer, unigram_tokenizer  # noqa: E402

OPSET = 17
CAPTIONS = [
    'a photo of a cat',
    'Two dogs playing in the snow at sunset.',
    "A hand-drawn   diagram of the solar system, isn't it?",
    'café near the old house',
    'new city 日本 street',
    'a photo of 🐈 at night',
    'a very long caption ' + ' '.join(f'with word number {i}' for i in range(20)),
]
# SigLIP's processor squashes to the square size; the two families' published configs differ in the filter.
RESAMPLE = {'siglip': 3, 'siglip2': 2}
# Source image sizes: the tiny fixture keeps its two small images; larger models get one image per caption, mixing
# upscales, downscales, the exact size and both aspect ratios (the squash resize handles each differently).
IMAGE_SIZES = {'tiny': [(48, 40), (40, 56)]}
LARGE_IMAGES = [(320, 240), (200, 300), (224, 224), (640, 480), (150, 100), (256, 384), (500, 500)]


class Tower(torch.nn.Module):
    def __init__(self, tower):
        super().__init__()
        self.tower = tower

    def forward(self, x):
        return self.tower(x)


class Combined(torch.nn.Module):
    """SiglipModel.forward; the towers and logit parameters keep their Hugging Face names in the graph."""

    def __init__(self, model):
        super().__init__()
        self.vision_model, self.text_model = model.vision_model, model.text_model
        self.logit_scale, self.logit_bias = model.logit_scale, model.logit_bias

    def forward(self, input_ids, pixel_values):
        image, _ = self.vision_model(pixel_values)
        text, _ = self.text_model(input_ids)
        image = image / image.norm(p=2, dim=-1, keepdim=True)
        text = text / text.norm(p=2, dim=-1, keepdim=True)
        logits_per_text = text @ image.t() * self.logit_scale.exp() + self.logit_bias
        return logits_per_text.t(), logits_per_text, text, image


def export(module, args, path, inputs, outputs, axes, fold=True):
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=fold)


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write('\n')


def token_rows(family, tok, captions):
    encode = encode_unigram if family == 'siglip' else encode_bpe
    eos, pad = (1, 1) if family == 'siglip' else (1, 0)
    rows = []
    for text in captions:
        # SigLIP 2 lowercases before tokenizing (paper; transformers' Siglip2Tokenizer); 'text' stays as written.
        body = encode(tok, text.lower() if family == 'siglip2' else text)[: CONTEXT - 1]
        ids = body + [eos]
        rows.append({'text': text, 'input_ids': ids + [pad] * (CONTEXT - len(ids))})
    return rows


def export_graphs(model, cfg, fam, onnx_dir, fold_combined):
    """The three graphs; seconds per graph."""
    s, timings = cfg.image_size, {}
    pixels = torch.zeros(2, 3, s, s)
    ids = torch.ones(2, CONTEXT, dtype=torch.int64)
    symbolic = fam == 'siglip2'
    emb_axes = {0: 'batch_size', 1: 'hidden_size'} if symbolic else {0: 'batch_size'}
    seq = {0: 'batch_size', 1: 'sequence_length'} if symbolic else {0: 'batch_size'}
    t = time.time()
    export(Tower(model.vision_model), (pixels,), os.path.join(onnx_dir, 'vision_model.onnx'), ['pixel_values'],
           ['pooler_output', 'last_hidden_state'],
           {'pixel_values': {0: 'batch_size'}, 'pooler_output': emb_axes, 'last_hidden_state': {0: 'batch_size'}})
    timings['vision'], t = time.time() - t, time.time()
    export(Tower(model.text_model), (ids,), os.path.join(onnx_dir, 'text_model.onnx'), ['input_ids'],
           ['pooler_output', 'last_hidden_state'], {'input_ids': seq, 'pooler_output': emb_axes, 'last_hidden_state': seq})
    timings['text'], t = time.time() - t, time.time()
    text_axes = {0: 'text_batch_size', 1: 'sequence_length'}
    combined = os.path.join(onnx_dir, 'model.onnx')
    export(Combined(model), (ids, pixels), combined, ['input_ids', 'pixel_values'],
           ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds'],
           {'input_ids': text_axes, 'pixel_values': {0: 'image_batch_size'},
            'logits_per_image': {0: 'image_batch_size', 1: 'text_batch_size'},
            'logits_per_text': {0: 'text_batch_size', 1: 'image_batch_size'},
            'text_embeds': {0: 'text_batch_size'}, 'image_embeds': {0: 'image_batch_size'}}, fold=fold_combined)
    timings['combined'] = time.time() - t
    if fold_combined:
        fold_scalar_exp(combined)
    scalars = {i.name: numpy_helper.to_array(i).tolist()
               for i in onnx.load(combined, load_external_data=False).graph.initializer if not i.dims}
    # Unfolded, the loader reads t and b by name; folded, it reads exp(t) off the logits (models/logit-affine.ts).
    if not fold_combined:
        assert {'logit_scale', 'logit_bias'} <= set(scalars), sorted(scalars)
    print(f'model.onnx scalar initializers ({"folded" if fold_combined else "unfolded"}): {scalars}')
    return timings


def fold_scalar_exp(path):
    """Replace Exp(scalar initializer) by its value under the node's output name, as onnxsim or onnxruntime's offline
    optimisation do. torch.onnx's own folding (1.13, and the same pass in 2.x) leaves Exp alone: Exp is not among the
    ops torch/csrc/jit/passes/onnx/constant_fold.cpp evaluates, so its do_constant_folding=True keeps `logit_scale`."""
    model = onnx.load(path)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    for node in [n for n in g.node if n.op_type == 'Exp' and n.input[0] in inits and not inits[n.input[0]].dims]:
        value = np.exp(numpy_helper.to_array(inits[node.input[0]]))
        g.initializer.append(numpy_helper.from_array(value.astype(np.float32), node.output[0]))
        g.node.remove(node)
    used = {i for n in g.node for i in n.input}
    for init in [i for i in g.initializer if i.name not in used]:
        g.initializer.remove(init)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def write_configs(out, fam, cfg, tok):
    vocab, s = len(tok['model']['vocab']), cfg.image_size
    write_json(os.path.join(out, 'tokenizer.json'), tok)
    pad = '</s>' if fam == 'siglip' else '<pad>'
    write_json(os.path.join(out, 'tokenizer_config.json'), {
        'tokenizer_class': 'SiglipTokenizer' if fam == 'siglip' else 'GemmaTokenizerFast', 'model_max_length': CONTEXT,
        'pad_token': pad, 'eos_token': '</s>' if fam == 'siglip' else '<eos>', 'unk_token': '<unk>',
        **({'do_lower_case': True} if fam == 'siglip' else {'add_bos_token': False, 'add_eos_token': True})})
    write_json(os.path.join(out, 'preprocessor_config.json'), {
        'do_convert_rgb': None, 'do_normalize': True, 'do_rescale': True, 'do_resize': True,
        'image_mean': [0.5, 0.5, 0.5], 'image_std': [0.5, 0.5, 0.5], 'image_processor_type': 'SiglipImageProcessor',
        'processor_class': 'SiglipProcessor', 'resample': RESAMPLE[fam], 'rescale_factor': 1 / 255,
        'size': {'height': s, 'width': s}})
    write_json(os.path.join(out, 'config.json'), {
        'architectures': ['SiglipModel'], 'model_type': 'siglip',
        'text_config': {'hidden_size': cfg.text_width, 'num_hidden_layers': cfg.text_layers, 'num_attention_heads': cfg.text_heads,
                        'max_position_embeddings': CONTEXT, 'vocab_size': vocab, 'projection_size': cfg.vision_width,
                        'pad_token_id': 1 if fam == 'siglip' else 0, 'eos_token_id': 1, 'hidden_act': 'gelu_pytorch_tanh'},
        'vision_config': {'hidden_size': cfg.vision_width, 'num_hidden_layers': cfg.vision_layers,
                          'num_attention_heads': cfg.vision_heads, 'image_size': s, 'patch_size': cfg.patch_size,
                          'hidden_act': 'gelu_pytorch_tanh'}})


def write_reference(model, cfg, fam, tok, out, seed, sizes, config_name):
    s = cfg.image_size
    images, tensors = [], []
    os.makedirs(os.path.join(out, 'reference'), exist_ok=True)
    for i, (w, h) in enumerate(sizes):
        rel = f'reference/scene-{i}.png'
        photo_like(w, h, seed * 100 + i).save(os.path.join(out, rel))
        with Image.open(os.path.join(out, rel)) as img:
            u8 = np.asarray(img.convert('RGB').resize((s, s), resample=RESAMPLE[fam]), dtype=np.uint8)
        pix = f'reference/scene-{i}.rgb'
        u8.tofile(os.path.join(out, pix))
        images.append({'file': rel, 'pixels': pix})
        tensors.append((torch.from_numpy(u8.astype(np.float32) / 255.0).permute(2, 0, 1) - 0.5) / 0.5)
    captions = token_rows(fam, tok, CAPTIONS)
    with torch.no_grad():
        image_embeds, _ = model.vision_model(torch.stack(tensors))
        text_embeds, _ = model.text_model(torch.tensor([c['input_ids'] for c in captions]))
        scores = model.score(image_embeds, text_embeds)
    for entry, e in zip(images, image_embeds):
        entry['image_embeds'] = [float(v) for v in e]
    for entry, e in zip(captions, text_embeds):
        entry['text_embeds'] = [float(v) for v in e]
    # The tiny fixtures' reference.json predates `config` and `parameterCount`; leaving them out keeps it reproducible.
    write_json(os.path.join(out, 'reference.json'), {
        'family': fam, **({} if config_name == 'tiny' else {'config': config_name}), 'seed': seed,
        'torch': torch.__version__, 'embedDim': cfg.vision_width, 'contextLength': CONTEXT, 'imageSize': s,
        **({} if config_name == 'tiny' else {'parameterCount': sum(p.numel() for p in model.parameters())}),
        'logitScale': float(model.logit_scale), 'logitBias': float(model.logit_bias),
        'pixels': {'layout': f'HWC uint8 after PIL resize to {s}x{s} (resample {RESAMPLE[fam]}), as SiglipImageProcessor',
                   'normalise': 'x = (u8 / 255 - 0.5) / 0.5, CHW float32', 'mean': [0.5] * 3, 'std': [0.5] * 3},
        'embeds': 'raw pooler_output of each tower (not L2-normalised), PyTorch eager float32',
        'scores': [[float(v) for v in row] for row in scores],
        'images': images, 'captions': captions})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--family', choices=['siglip', 'siglip2'], required=True)
    ap.add_argument('--config', choices=CONFIG_NAMES, default='tiny', help='architecture (siglip_configs.py)')
    ap.add_argument('--out', required=True, help='output folder (real sizes: under the git-ignored generated-models/)')
    ap.add_argument('--seed', type=int, default=3)
    ap.add_argument('--fold-combined', action='store_true',
                    help='model.onnx with exp(logit_scale) folded into an unnamed scalar, as graph optimisers leave it')
    a = ap.parse_args()
    fam, t0 = a.family, time.time()
    tok = unigram_tokenizer() if fam == 'siglip' else gemma_tokenizer()
    cfg = siglip_config(fam, a.config, len(tok['model']['vocab']))
    torch.manual_seed(a.seed)
    model = Siglip(cfg).eval()
    init_random(model, a.seed)
    onnx_dir = os.path.join(a.out, 'onnx')
    os.makedirs(onnx_dir, exist_ok=True)
    timings = {'build': time.time() - t0, **export_graphs(model, cfg, fam, onnx_dir, a.fold_combined)}
    write_configs(a.out, fam, cfg, tok)
    t = time.time()
    sizes = IMAGE_SIZES.get(a.config, LARGE_IMAGES[: len(CAPTIONS)])
    write_reference(model, cfg, fam, tok, a.out, a.seed, sizes, a.config)
    timings['reference'], timings['total'] = time.time() - t, time.time() - t0
    for name in sorted(os.listdir(onnx_dir)):
        print(f'{name}: {os.path.getsize(os.path.join(onnx_dir, name)) / 1e6:.1f} MB')
    n = sum(p.numel() for p in model.parameters())
    print(f'{fam} {a.config}: {n} torch parameters; timings (s) ' + ', '.join(f'{k} {v:.1f}' for k, v in timings.items()))


if __name__ == '__main__':
    main()
