"""Folder metadata (HF configs, tokenizer copy, model card) and the PyTorch reference outputs."""
import json
import os
import shutil

import torch
from PIL import Image

from bpe import ClipBpe
from images import MEAN, STD, clip_pixel_tensor, crop_offsets_agree, photo_like, resized_crop_u8, tensor_from_u8

# CLIP_TOKENIZER_DIR: where ../shared is absent (a copied tree on another machine, bench/gpu.sh), any folder with the
# same two files, e.g. test/fixtures/tiny-clip, whose tokenizer is a byte-for-byte copy of the shared one.
TOKENIZER_DIR = os.environ.get('CLIP_TOKENIZER_DIR') or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/fixtures/clip-tokenizer'))
CAPTIONS = [
    'a photo of a cat',
    'a red apple on a wooden table',
    'Two dogs playing in the snow at sunset.',
    "A hand-drawn diagram of the solar system, isn't it?",
    'a very long caption ' + ' '.join(f'with word number {i}' for i in range(40)),
]
# Sizes whose centre-crop margin is even, so torchvision and HF crop offsets agree (images.crop_offsets_agree).
IMAGE_SIZES = [(320, 240), (240, 320), (256, 256), (400, 300), (640, 480), (300, 400), (224, 224), (500, 375)]


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=1)
        f.write('\n')


def write_configs(out, cfg, seed, counts):
    s = cfg.image_size
    write_json(os.path.join(out, 'preprocessor_config.json'), {
        'crop_size': {'height': s, 'width': s}, 'do_center_crop': True, 'do_convert_rgb': True,
        'do_normalize': True, 'do_rescale': True, 'do_resize': True, 'feature_extractor_type': 'CLIPFeatureExtractor',
        'image_mean': list(MEAN), 'image_processor_type': 'CLIPImageProcessor', 'image_std': list(STD),
        'resample': 3, 'rescale_factor': 1 / 255, 'size': {'shortest_edge': s}})
    write_json(os.path.join(out, 'config.json'), {
        'architectures': ['CLIPModel'], 'model_type': 'clip', 'projection_dim': cfg.embed_dim,
        'logit_scale_init_value': 2.6592,
        'text_config': {'hidden_size': cfg.text_width, 'intermediate_size': cfg.text_width * cfg.mlp_ratio,
                        'num_attention_heads': cfg.text_heads, 'num_hidden_layers': cfg.text_layers,
                        'max_position_embeddings': cfg.context_length, 'vocab_size': cfg.vocab_size,
                        'hidden_act': 'quick_gelu', 'layer_norm_eps': cfg.layer_norm_eps,
                        'bos_token_id': 49406, 'eos_token_id': 49407, 'pad_token_id': 49407},
        'vision_config': {'hidden_size': cfg.vision_width, 'intermediate_size': cfg.vision_width * cfg.mlp_ratio,
                          'num_attention_heads': cfg.vision_heads, 'num_hidden_layers': cfg.vision_layers,
                          'image_size': cfg.image_size, 'patch_size': cfg.patch_size, 'num_channels': 3,
                          'hidden_act': 'quick_gelu', 'layer_norm_eps': cfg.layer_norm_eps}})
    write_json(os.path.join(out, 'model_card.json'), {
        'architecture': f'CLIP {cfg.name} (OpenAI CLIP / Hugging Face CLIPModel layout)',
        'weights': f'random, seed {seed}: architecture-compatible stand-in, not a trained model',
        'parameterCount': counts['total'], 'generator': 'tools/clip-export/export.py'})
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(TOKENIZER_DIR, name), os.path.join(out, name))


def reference_images(out, cfg, count, seed):
    os.makedirs(os.path.join(out, 'reference/images'), exist_ok=True)
    os.makedirs(os.path.join(out, 'reference/pixels'), exist_ok=True)
    entries, tensors = [], []
    for i, (w, h) in enumerate(IMAGE_SIZES[:count]):
        assert crop_offsets_agree(w, h, cfg.image_size), (w, h)
        ext = 'png' if i % 2 else 'jpg'
        rel = f'reference/images/scene-{i}.{ext}'
        photo_like(w, h, seed * 1000 + i).save(os.path.join(out, rel), **({'quality': 90} if ext == 'jpg' else {}))
        with Image.open(os.path.join(out, rel)) as img:
            img.load()
            tensor = clip_pixel_tensor(img, cfg.image_size)
            u8 = resized_crop_u8(img, cfg.image_size)
        assert torch.allclose(tensor, tensor_from_u8(u8), atol=1e-5)
        pix = f'reference/pixels/scene-{i}.rgb'
        u8.tofile(os.path.join(out, pix))
        entries.append({'file': rel, 'width': w, 'height': h, 'pixels': pix, 'pixelsShape': list(u8.shape)})
        tensors.append(tensor)
    return entries, torch.stack(tensors)


def write_reference(clip, cfg, out, n_images, n_captions, seed, counts):
    images, pixel_values = reference_images(out, cfg, n_images, seed)
    bpe = ClipBpe(os.path.join(TOKENIZER_DIR, 'tokenizer.json'), cfg.context_length)
    captions = [{'text': t, **dict(zip(('input_ids', 'attention_mask'), bpe(t)))} for t in CAPTIONS[:n_captions]]
    ids = torch.tensor([c['input_ids'] for c in captions], dtype=torch.int64)
    with torch.no_grad():
        image_embeds, _ = clip.image_embeds(pixel_values)
        text_embeds, _ = clip.text_embeds(ids)
    for entry, e in zip(images, image_embeds):
        entry['image_embeds'] = [float(v) for v in e]
    for entry, e in zip(captions, text_embeds):
        entry['text_embeds'] = [float(v) for v in e]
    write_json(os.path.join(out, 'reference.json'), {
        'config': cfg.name, 'seed': seed, 'torch': torch.__version__, 'embedDim': cfg.embed_dim,
        'contextLength': cfg.context_length, 'imageSize': cfg.image_size,
        'parameterCount': counts,
        'pixels': {'layout': 'HWC uint8 after bicubic shortest-edge resize + centre crop (torchvision, as CLIP)',
                   'normalise': 'x = (u8 / 255 - mean[c]) / std[c], CHW float32', 'mean': list(MEAN), 'std': list(STD)},
        'embeds': 'raw tower outputs (not L2-normalised), PyTorch eager float32',
        'images': images, 'captions': captions})
