"""SigLIP / SigLIP 2 architectures export_siglip.py builds.

The base sizes copy google/siglip-base-patch16-224, google/siglip-base-patch16-384 and google/siglip2-base-patch16-224
config.json (vision and text: width 768, 12 layers, 12 heads, MLP 3072 = 4 x width, LayerNorm eps 1e-6; patch 16;
64 text positions; text head 768 -> 768). The vocabulary is NOT the published one (32,000 SentencePiece pieces for
SigLIP, Gemma's 256,000 for SigLIP 2): the generator writes its own small tokenizer (sp_tokenizers.py) and sizes the
token table to it. Parity does not depend on the vocabulary size (a token is one row gathered from the table), so the
ONNX graphs differ from the published ones only in that table's row count and the weights.
"""
from siglip_model import SiglipConfig

CONTEXT = 64  # SigLIP and SigLIP 2 text: 64 positions, captions padded to 64 (tokenizer_config.json model_max_length)

# (image_size, patch_size, vision_width, vision_layers, vision_heads, text_width, text_layers, text_heads)
_SIZES = {
    # Small enough to commit (test/fixtures/tiny-siglip{,2}, about 400 kB each).
    'tiny': (32, 8, 16, 2, 2, 12, 2, 2),
    'base-224': (224, 16, 768, 12, 12, 768, 12, 12),
    'base-384': (384, 16, 768, 12, 12, 768, 12, 12),
}
CONFIG_NAMES = sorted(_SIZES)


def siglip_config(family: str, name: str, vocab: int) -> SiglipConfig:
    """The architecture `name` of `family`, with a token table of `vocab` rows (the generator's tokenizer)."""
    image, patch, vw, vl, vh, tw, tl, th = _SIZES[name]
    return SiglipConfig(family, image, patch, vw, vl, vh, CONTEXT, vocab, tw, tl, th)
