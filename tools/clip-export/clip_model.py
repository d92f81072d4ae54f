"""CLIP in plain PyTorch, parameter-for-parameter like OpenAI CLIP / Hugging Face CLIPModel.

Follows openai/CLIP model.py (VisionTransformer, text Transformer) with the Hugging Face module
layout (separate q/k/v projections with bias, pre_layrnorm, post_layernorm, final_layer_norm),
so a ViT-B/32 built here has the same 151,277,313 parameters as `openai/clip-vit-base-patch32`.
"""
import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ClipConfig:
    name: str
    embed_dim: int
    image_size: int
    patch_size: int
    vision_width: int
    vision_layers: int
    vision_heads: int
    context_length: int
    vocab_size: int
    text_width: int
    text_layers: int
    text_heads: int
    mlp_ratio: int = 4
    layer_norm_eps: float = 1e-5


def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    # OpenAI CLIP's activation (model.py QuickGELU): x * sigmoid(1.702 x).
    return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.scale = self.head_dim ** -0.5
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, block: torch.Tensor = None) -> torch.Tensor:
        b, n, w = x.shape
        q = self.q_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2) * self.scale
        k = self.k_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-1, -2)
        if block is not None:
            # block is True where attention is forbidden (future tokens, padding keys).
            scores = scores.masked_fill(block, float('-inf'))
        attn = torch.softmax(scores, dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, w)
        return self.out_proj(out)


class Mlp(nn.Module):
    def __init__(self, width: int, ratio: int):
        super().__init__()
        self.fc1 = nn.Linear(width, width * ratio)
        self.fc2 = nn.Linear(width * ratio, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(quick_gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-LN residual block (CLIP ResidualAttentionBlock)."""

    def __init__(self, width: int, heads: int, ratio: int, eps: float):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.self_attn = Attention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, ratio)

    def forward(self, x: torch.Tensor, block: torch.Tensor = None) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x), block)
        return x + self.mlp(self.layer_norm2(x))


class VisionTower(nn.Module):
    """ViT: conv patchify (no bias), class token, positions, ln_pre, blocks, ln_post on the class token."""

    def __init__(self, c: ClipConfig):
        super().__init__()
        self.patch_embedding = nn.Conv2d(3, c.vision_width, c.patch_size, c.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(c.vision_width))
        n_pos = (c.image_size // c.patch_size) ** 2 + 1
        self.position_embedding = nn.Parameter(torch.zeros(n_pos, c.vision_width))
        self.pre_layrnorm = nn.LayerNorm(c.vision_width, eps=c.layer_norm_eps)
        self.layers = nn.ModuleList(
            [Block(c.vision_width, c.vision_heads, c.mlp_ratio, c.layer_norm_eps) for _ in range(c.vision_layers)])
        self.post_layernorm = nn.LayerNorm(c.vision_width, eps=c.layer_norm_eps)

    def forward(self, pixel_values: torch.Tensor):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.position_embedding
        x = self.pre_layrnorm(x)
        for layer in self.layers:
            x = layer(x)
        return self.post_layernorm(x[:, 0, :]), x


class TextTower(nn.Module):
    """Causal transformer; pooled at the EOT token (argmax of input_ids, as in CLIP) after final LN."""

    def __init__(self, c: ClipConfig):
        super().__init__()
        self.token_embedding = nn.Embedding(c.vocab_size, c.text_width)
        self.position_embedding = nn.Parameter(torch.zeros(c.context_length, c.text_width))
        self.layers = nn.ModuleList(
            [Block(c.text_width, c.text_heads, c.mlp_ratio, c.layer_norm_eps) for _ in range(c.text_layers)])
        self.final_layer_norm = nn.LayerNorm(c.text_width, eps=c.layer_norm_eps)
        # True when exported with a fixed sequence length (OpenAI-style); else positions are sliced.
        self.full_context = False

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor = None):
        n = input_ids.shape[1]
        pos = self.position_embedding if self.full_context else self.position_embedding[:n]
        x = self.token_embedding(input_ids) + pos
        idx = torch.arange(n, device=input_ids.device)
        block = (idx.reshape(1, -1) > idx.reshape(-1, 1)).reshape(1, 1, n, n)
        if attention_mask is not None:
            block = block | (attention_mask == 0).reshape(attention_mask.shape[0], 1, 1, n)
        for layer in self.layers:
            x = layer(x, block)
        x = self.final_layer_norm(x)
        eot = input_ids.argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0], device=x.device), eot]
        return pooled, x


class Clip(nn.Module):
    def __init__(self, c: ClipConfig):
        super().__init__()
        self.config = c
        self.vision_model = VisionTower(c)
        self.text_model = TextTower(c)
        self.visual_projection = nn.Linear(c.vision_width, c.embed_dim, bias=False)
        self.text_projection = nn.Linear(c.text_width, c.embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def image_embeds(self, pixel_values):
        pooled, hidden = self.vision_model(pixel_values)
        return self.visual_projection(pooled), hidden

    def text_embeds(self, input_ids, attention_mask=None):
        pooled, hidden = self.text_model(input_ids, attention_mask)
        return self.text_projection(pooled), hidden


def init_random(model: Clip, seed: int) -> None:
    """Random weights with CLIP's initialisation scales (model.py initialize_parameters).

    LayerNorm gains and every bias get small random offsets too: identical initializers would be
    de-duplicated by the ONNX exporter and would hide bugs in bias paths.
    """
    g = torch.Generator().manual_seed(seed)
    c = model.config

    def normal_(p, std, mean=0.0):
        with torch.no_grad():
            p.copy_(torch.randn(p.shape, generator=g) * std + mean)

    for name, p in model.named_parameters():
        if name == 'logit_scale':
            continue
        tower_width = c.vision_width if name.startswith('vision') else c.text_width
        layers = c.vision_layers if name.startswith('vision') else c.text_layers
        if any(s in name for s in ('layer_norm', 'layrnorm', 'layernorm')):
            normal_(p, 0.02, 1.0 if name.endswith('weight') else 0.0)
        elif name.endswith('bias'):
            normal_(p, 0.02)
        elif name == 'text_model.token_embedding.weight':
            normal_(p, 0.02)
        elif name == 'text_model.position_embedding':
            normal_(p, 0.01)
        elif name.startswith('vision_model') and ('embedding' in name):
            normal_(p, tower_width ** -0.5)
        elif 'proj' in name and 'self_attn' in name:
            normal_(p, tower_width ** -0.5 if 'out_proj' not in name else (tower_width ** -0.5) * ((2 * layers) ** -0.5))
        elif 'fc1' in name:
            normal_(p, (2 * tower_width) ** -0.5)
        elif 'fc2' in name:
            normal_(p, (tower_width ** -0.5) * ((2 * layers) ** -0.5))
        elif name == 'visual_projection.weight':
            normal_(p, c.vision_width ** -0.5)
        elif name == 'text_projection.weight':
            normal_(p, c.text_width ** -0.5)
        else:
            raise ValueError(f'no initialiser for {name}')


def parameter_counts(model: Clip) -> dict:
    vision = sum(p.numel() for p in model.vision_model.parameters()) + model.visual_projection.weight.numel()
    text = sum(p.numel() for p in model.text_model.parameters()) + model.text_projection.weight.numel()
    return {'vision': vision, 'text': text, 'logit_scale': 1, 'total': vision + text + 1}
