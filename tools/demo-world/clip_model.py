"""Small CLIP (Radford et al. 2021): ViT image tower, causal transformer text tower pooled at the end token,
linear projections and a learned temperature; written with plain ops so it exports cleanly to ONNX."""
import math

import torch
from torch import nn
import torch.nn.functional as F


class Block(nn.Module):
    """Pre-norm transformer block (multi-head self-attention + GELU MLP), as in CLIP."""

    def __init__(self, width, heads, dropout):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.proj = nn.Linear(4 * width, width)
        self.drop = nn.Dropout(dropout)

    def attention(self, x, mask):
        n, s, w = x.shape
        q, k, v = self.qkv(x).reshape(n, s, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(w // self.heads))
        if mask is not None:
            att = att + mask
        y = att.softmax(dim=-1) @ v
        return self.out(y.transpose(1, 2).reshape(n, s, w))

    def forward(self, x, mask=None):
        x = x + self.drop(self.attention(self.ln_1(x), mask))
        return x + self.drop(self.proj(F.gelu(self.fc(self.ln_2(x)))))


class VisionTower(nn.Module):
    """ViT: patch embedding, class token, positions, blocks; the class token is projected to the joint space."""

    def __init__(self, image_size, patch, width, layers, heads, dim, dropout):
        super().__init__()
        self.conv = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        self.cls = nn.Parameter(scale * torch.randn(width))
        self.pos = nn.Parameter(scale * torch.randn((image_size // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.blocks = nn.ModuleList([Block(width, heads, dropout) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)

    def forward(self, pixels):
        x = self.conv(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], dim=1) + self.pos
        x = self.ln_pre(x)
        for block in self.blocks:
            x = block(x)
        return self.proj(self.ln_post(x[:, 0]))


class TextTower(nn.Module):
    """Causal transformer over token ids; the state at the first end token is projected (CLIP's EOT pooling)."""

    def __init__(self, vocab, context, width, layers, heads, dim, eot_id, dropout):
        super().__init__()
        self.eot_id = eot_id
        self.context = context
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(0.01 * torch.randn(context, width))
        self.blocks = nn.ModuleList([Block(width, heads, dropout) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.proj = nn.Linear(width, dim, bias=False)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1), persistent=False)

    def forward(self, ids):
        s = ids.shape[1]
        x = self.tok(ids) + self.pos[:s]
        mask = self.mask[:s, :s]
        for block in self.blocks:
            x = block(x, mask)
        # First end token; with the causal mask everything after it (padding) cannot change the result.
        # Without an end token (over-long input cut without one) the last position is used.
        pos = torch.arange(s, device=ids.device).expand_as(ids)
        score = torch.where(ids == self.eot_id, 2 * s - pos, pos)
        idx = score.argmax(dim=1)
        pooled = torch.gather(x, 1, idx.view(-1, 1, 1).expand(-1, 1, x.shape[2])).squeeze(1)
        return self.proj(self.ln_final(pooled))


class CLIP(nn.Module):
    """The two towers plus the learned logit scale of the symmetric InfoNCE loss."""

    def __init__(self, cfg, vocab, eot_id):
        super().__init__()
        self.vision = VisionTower(cfg["image_size"], cfg["patch"], cfg["v_width"], cfg["v_layers"], cfg["v_heads"],
                                  cfg["dim"], cfg["dropout"])
        self.text = TextTower(vocab, cfg["context"], cfg["t_width"], cfg["t_layers"], cfg["t_heads"], cfg["dim"],
                              eot_id, cfg["dropout"])
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self._init(self.vision, cfg["v_width"])
        self._init(self.text, cfg["t_width"])
        nn.init.normal_(self.text.tok.weight, std=0.02)

    @staticmethod
    def _init(tower, width):
        """OpenAI CLIP's initialisation: residual branches scaled by depth so deeper towers start as stably."""
        proj_std = width ** -0.5 * (2 * len(tower.blocks)) ** -0.5
        for block in tower.blocks:
            nn.init.normal_(block.qkv.weight, std=width ** -0.5)
            nn.init.normal_(block.out.weight, std=proj_std)
            nn.init.normal_(block.fc.weight, std=(2 * width) ** -0.5)
            nn.init.normal_(block.proj.weight, std=proj_std)
            for lin in (block.qkv, block.out, block.fc, block.proj):
                nn.init.zeros_(lin.bias)
        nn.init.normal_(tower.proj.weight, std=width ** -0.5)

    def loss(self, pixels, ids, label_smoothing=0.0):
        img = F.normalize(self.vision(pixels), dim=-1)
        txt = F.normalize(self.text(ids), dim=-1)
        logits = self.logit_scale.clamp(max=math.log(100)).exp() * img @ txt.t()
        labels = torch.arange(len(ids))
        ce = lambda z: F.cross_entropy(z, labels, label_smoothing=label_smoothing)  # noqa: E731
        return (ce(logits) + ce(logits.t())) / 2
