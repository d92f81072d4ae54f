"""SigLIP / SigLIP 2 in plain PyTorch, module for module like Hugging Face SiglipModel (no transformers needed).

Vision: conv patchify (with bias), learned positions, no class token, pre-LN blocks (gelu tanh), post_layernorm,
then the multihead attention-pooling head (MAP: a learned probe attends over the patches, LN, residual MLP).
Text: token + position embeddings, bidirectional blocks (SigLIP feeds no mask), final LN, pooled at the LAST
position (SigLIP pads every caption to the fixed 64 tokens, so that is the pad or end token), then a linear head.
Score: sigmoid(exp(logit_scale) * cos + logit_bias) (Zhai et al. 2023, "Sigmoid Loss for Language Image Pre-Training").
"""
import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class SiglipConfig:
    name: str
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
    layer_norm_eps: float = 1e-6


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    # SigLIP's hidden_act "gelu_pytorch_tanh".
    return nn.functional.gelu(x, approximate='tanh')


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, q_in: torch.Tensor, kv_in: torch.Tensor) -> torch.Tensor:
        b, n, w = q_in.shape
        m = kv_in.shape[1]
        q = self.q_proj(q_in).reshape(b, n, self.heads, self.head_dim).transpose(1, 2) * self.head_dim ** -0.5
        k = self.k_proj(kv_in).reshape(b, m, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(kv_in).reshape(b, m, self.heads, self.head_dim).transpose(1, 2)
        attn = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        return self.out_proj((attn @ v).transpose(1, 2).reshape(b, n, w))


class Mlp(nn.Module):
    def __init__(self, width: int, ratio: int):
        super().__init__()
        self.fc1 = nn.Linear(width, width * ratio)
        self.fc2 = nn.Linear(width * ratio, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(gelu_tanh(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, width: int, heads: int, ratio: int, eps: float):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.self_attn = Attention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)
        self.mlp = Mlp(width, ratio)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layer_norm1(x)
        x = x + self.self_attn(h, h)
        return x + self.mlp(self.layer_norm2(x))


class PoolingHead(nn.Module):
    """SiglipMultiheadAttentionPoolingHead: probe -> attention over patches -> LN -> residual MLP -> token 0."""

    def __init__(self, c: SiglipConfig):
        super().__init__()
        self.probe = nn.Parameter(torch.zeros(1, 1, c.vision_width))
        self.attention = Attention(c.vision_width, c.vision_heads)
        self.layernorm = nn.LayerNorm(c.vision_width, eps=c.layer_norm_eps)
        self.mlp = Mlp(c.vision_width, c.mlp_ratio)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.attention(self.probe.expand(x.shape[0], 1, -1), x)
        h = h + self.mlp(self.layernorm(h))
        return h[:, 0]


class VisionTower(nn.Module):
    def __init__(self, c: SiglipConfig):
        super().__init__()
        self.patch_embedding = nn.Conv2d(3, c.vision_width, c.patch_size, c.patch_size)
        self.position_embedding = nn.Parameter(torch.zeros((c.image_size // c.patch_size) ** 2, c.vision_width))
        self.layers = nn.ModuleList([Block(c.vision_width, c.vision_heads, c.mlp_ratio, c.layer_norm_eps) for _ in range(c.vision_layers)])
        self.post_layernorm = nn.LayerNorm(c.vision_width, eps=c.layer_norm_eps)
        self.head = PoolingHead(c)

    def forward(self, pixel_values: torch.Tensor):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2) + self.position_embedding
        for layer in self.layers:
            x = layer(x)
        x = self.post_layernorm(x)
        return self.head(x), x


class TextTower(nn.Module):
    def __init__(self, c: SiglipConfig):
        super().__init__()
        self.token_embedding = nn.Embedding(c.vocab_size, c.text_width)
        self.position_embedding = nn.Parameter(torch.zeros(c.context_length, c.text_width))
        self.layers = nn.ModuleList([Block(c.text_width, c.text_heads, c.mlp_ratio, c.layer_norm_eps) for _ in range(c.text_layers)])
        self.final_layer_norm = nn.LayerNorm(c.text_width, eps=c.layer_norm_eps)
        # SigLIP's text head projects to the vision width (text_config.projection_size).
        self.head = nn.Linear(c.text_width, c.vision_width)

    def forward(self, input_ids: torch.Tensor):
        x = self.token_embedding(input_ids) + self.position_embedding[: input_ids.shape[1]]
        for layer in self.layers:
            x = layer(x)
        x = self.final_layer_norm(x)
        return self.head(x[:, -1, :]), x


class Siglip(nn.Module):
    def __init__(self, c: SiglipConfig):
        super().__init__()
        self.config = c
        self.vision_model = VisionTower(c)
        self.text_model = TextTower(c)
        # SigLIP's initial values (log 10 and -10); random offsets below so the export cannot confuse them.
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))
        self.logit_bias = nn.Parameter(torch.tensor(-10.0))

    def score(self, image: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Pairwise probability that image i and text j match: sigmoid(exp(t) cos + b), images x texts."""
        image = image / image.norm(dim=-1, keepdim=True)
        text = text / text.norm(dim=-1, keepdim=True)
        return torch.sigmoid(image @ text.t() * self.logit_scale.exp() + self.logit_bias)


def init_random(model: Siglip, seed: int) -> None:
    """Random weights at transformer scales; LN and biases get offsets (identical initializers would be merged)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == 'logit_scale':
                p.copy_(torch.tensor(math.log(12.5)))
            elif name == 'logit_bias':
                p.copy_(torch.tensor(-6.75))
            elif 'norm' in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02 + (1.0 if name.endswith('weight') else 0.0))
            elif name.endswith('bias'):
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
            else:
                fan_in = p.shape[-1] if p.dim() > 1 else p.shape[0]
                std = 0.02 if 'embedding' in name or 'probe' in name else fan_in ** -0.5
                p.copy_(torch.randn(p.shape, generator=g) * std)
