#!/usr/bin/env python3
"""Write tiny SigLIP / SigLIP 2 models (random weights) as transformers.js / optimum export them, with references.

  /usr/bin/python3 tools/clip-export/export_siglip.py --family siglip --out test/fixtures/tiny-siglip
  /usr/bin/python3 tools/clip-export/export_siglip.py --family siglip2 --out test/fixtures/tiny-siglip2

onnx/vision_model.onnx: pixel_values -> pooler_output (MAP head), last_hidden_state; onnx/text_model.onnx:
input_ids (no attention_mask: SigLIP pads to the fixed length and masks nothing) -> pooler_output, last_hidden_state;
onnx/model.onnx: input_ids + pixel_values -> logits_per_image, logits_per_text, text_embeds, image_embeds (normalised),
with `logit_scale` and `logit_bias` kept as initializers. siglip: text fixed at 64 tokens, static embedding size;
siglip2: dynamic sequence and a symbolic embedding size (the loader reads it from the first batch).
reference.json: token ids of tricky captions (the ids the TypeScript tokenizer must reproduce), the 8-bit pixels
after the processor's squash resize, raw tower outputs and the pairwise sigmoid scores, all from PyTorch eager.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from images import photo_like  # noqa: E402
from siglip_model import Siglip, SiglipConfig, init_random  # noqa: E402
from sp_tokenizers import encode_bpe, encode_unigram, gemma_tokenizer, unigram_tokenizer  # noqa: E402

OPSET = 17
CONTEXT = 64
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
        body = encode(tok, text)[: CONTEXT - 1]
        ids = body + [eos]
        rows.append({'text': text, 'input_ids': ids + [pad] * (CONTEXT - len(ids))})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--family', choices=['siglip', 'siglip2'], required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=3)
    a = ap.parse_args()
    fam = a.family
    tok = unigram_tokenizer() if fam == 'siglip' else gemma_tokenizer()
    vocab = len(tok['model']['vocab'])
    cfg = SiglipConfig(fam, 32, 8, 16, 2, 2, CONTEXT, vocab, 12, 2, 2)
    torch.manual_seed(a.seed)
    model = Siglip(cfg).eval()
    init_random(model, a.seed)
    onnx_dir = os.path.join(a.out, 'onnx')
    os.makedirs(onnx_dir, exist_ok=True)
    s = cfg.image_size
    pixels = torch.zeros(2, 3, s, s)
    ids = torch.ones(2, CONTEXT, dtype=torch.int64)
    symbolic = fam == 'siglip2'
    emb_axes = {0: 'batch_size', 1: 'hidden_size'} if symbolic else {0: 'batch_size'}
    seq = {0: 'batch_size', 1: 'sequence_length'} if symbolic else {0: 'batch_size'}
    export(Tower(model.vision_model), (pixels,), os.path.join(onnx_dir, 'vision_model.onnx'), ['pixel_values'],
           ['pooler_output', 'last_hidden_state'],
           {'pixel_values': {0: 'batch_size'}, 'pooler_output': emb_axes, 'last_hidden_state': {0: 'batch_size'}})
    export(Tower(model.text_model), (ids,), os.path.join(onnx_dir, 'text_model.onnx'), ['input_ids'],
           ['pooler_output', 'last_hidden_state'], {'input_ids': seq, 'pooler_output': emb_axes, 'last_hidden_state': seq})
    text_axes = {0: 'text_batch_size', 1: 'sequence_length'}
    export(Combined(model), (ids, pixels), os.path.join(onnx_dir, 'model.onnx'), ['input_ids', 'pixel_values'],
           ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds'],
           {'input_ids': text_axes, 'pixel_values': {0: 'image_batch_size'},
            'logits_per_image': {0: 'image_batch_size', 1: 'text_batch_size'},
            'logits_per_text': {0: 'text_batch_size', 1: 'image_batch_size'},
            'text_embeds': {0: 'text_batch_size'}, 'image_embeds': {0: 'image_batch_size'}}, fold=False)
    inits = {i.name for i in onnx.load(os.path.join(onnx_dir, 'model.onnx')).graph.initializer}
    assert {'logit_scale', 'logit_bias'} <= inits, sorted(inits)[:8]

    write_json(os.path.join(a.out, 'tokenizer.json'), tok)
    pad = '</s>' if fam == 'siglip' else '<pad>'
    write_json(os.path.join(a.out, 'tokenizer_config.json'), {
        'tokenizer_class': 'SiglipTokenizer' if fam == 'siglip' else 'GemmaTokenizerFast', 'model_max_length': CONTEXT,
        'pad_token': pad, 'eos_token': '</s>' if fam == 'siglip' else '<eos>', 'unk_token': '<unk>',
        **({'do_lower_case': True} if fam == 'siglip' else {'add_bos_token': False, 'add_eos_token': True})})
    write_json(os.path.join(a.out, 'preprocessor_config.json'), {
        'do_convert_rgb': None, 'do_normalize': True, 'do_rescale': True, 'do_resize': True,
        'image_mean': [0.5, 0.5, 0.5], 'image_std': [0.5, 0.5, 0.5], 'image_processor_type': 'SiglipImageProcessor',
        'processor_class': 'SiglipProcessor', 'resample': RESAMPLE[fam], 'rescale_factor': 1 / 255,
        'size': {'height': s, 'width': s}})
    write_json(os.path.join(a.out, 'config.json'), {
        'architectures': ['SiglipModel'], 'model_type': 'siglip',
        'text_config': {'hidden_size': cfg.text_width, 'num_hidden_layers': cfg.text_layers, 'num_attention_heads': cfg.text_heads,
                        'max_position_embeddings': CONTEXT, 'vocab_size': vocab, 'projection_size': cfg.vision_width,
                        'pad_token_id': 1 if fam == 'siglip' else 0, 'eos_token_id': 1, 'hidden_act': 'gelu_pytorch_tanh'},
        'vision_config': {'hidden_size': cfg.vision_width, 'num_hidden_layers': cfg.vision_layers,
                          'num_attention_heads': cfg.vision_heads, 'image_size': s, 'patch_size': cfg.patch_size,
                          'hidden_act': 'gelu_pytorch_tanh'}})

    images, tensors = [], []
    os.makedirs(os.path.join(a.out, 'reference'), exist_ok=True)
    for i, (w, h) in enumerate([(48, 40), (40, 56)]):
        rel = f'reference/scene-{i}.png'
        photo_like(w, h, a.seed * 100 + i).save(os.path.join(a.out, rel))
        with Image.open(os.path.join(a.out, rel)) as img:
            u8 = np.asarray(img.convert('RGB').resize((s, s), resample=RESAMPLE[fam]), dtype=np.uint8)
        pix = f'reference/scene-{i}.rgb'
        u8.tofile(os.path.join(a.out, pix))
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
    write_json(os.path.join(a.out, 'reference.json'), {
        'family': fam, 'seed': a.seed, 'torch': torch.__version__, 'embedDim': cfg.vision_width, 'contextLength': CONTEXT,
        'imageSize': s, 'logitScale': float(model.logit_scale), 'logitBias': float(model.logit_bias),
        'pixels': {'layout': f'HWC uint8 after PIL resize to {s}x{s} (resample {RESAMPLE[fam]}), as SiglipImageProcessor',
                   'normalise': 'x = (u8 / 255 - 0.5) / 0.5, CHW float32', 'mean': [0.5] * 3, 'std': [0.5] * 3},
        'embeds': 'raw pooler_output of each tower (not L2-normalised), PyTorch eager float32',
        'scores': [[float(v) for v in row] for row in scores],
        'images': images, 'captions': captions})


if __name__ == '__main__':
    main()
