"""Architectures the exporter can build: the OpenAI CLIP ViT family plus a tiny test model."""
from clip_model import ClipConfig

VOCAB = 49408  # CLIP BPE vocabulary, shared by every OpenAI/OpenCLIP ViT model
CONTEXT = 77

CONFIGS = {
    # Tiny: real vocabulary and 224 px input so the real tokenizer and preprocessing apply,
    # everything else shrunk so the committed fixture stays around 2 MB.
    'tiny': ClipConfig('tiny', 16, 224, 32, 32, 2, 2, CONTEXT, VOCAB, 8, 2, 2),
    # Widths, depths and heads from openai/CLIP clip.py _MODELS configs (heads = width / 64).
    'vit-b-32': ClipConfig('vit-b-32', 512, 224, 32, 768, 12, 12, CONTEXT, VOCAB, 512, 12, 8),
    'vit-b-16': ClipConfig('vit-b-16', 512, 224, 16, 768, 12, 12, CONTEXT, VOCAB, 512, 12, 8),
    'vit-l-14': ClipConfig('vit-l-14', 768, 224, 14, 1024, 24, 16, CONTEXT, VOCAB, 768, 12, 12),
    'vit-l-14-336': ClipConfig('vit-l-14-336', 768, 336, 14, 1024, 24, 16, CONTEXT, VOCAB, 768, 12, 12),
}
