"""PyTorch autodiff reference for the loss + gradient-norm attack's closed form (docs/attacks.md "Loss + gradient norm").

Writes test/main/engine/attacks/fixtures/loss-grad-torch.json: random normalised batches, the per-item symmetric
InfoNCE loss and the norm of d(batch loss)/d(normalised image and text embedding of each item), by torch.autograd.
Run: /usr/bin/python3 tools/stats-reference/loss_grad_reference.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'main', 'engine', 'attacks', 'fixtures', 'loss-grad-torch.json')


def case(b, d, scale, seed):
    g = torch.Generator().manual_seed(seed)
    u = torch.nn.functional.normalize(torch.randn(b, d, generator=g, dtype=torch.float64), dim=1).float().double()
    v = torch.nn.functional.normalize(torch.randn(b, d, generator=g, dtype=torch.float64), dim=1).float().double()
    u.requires_grad_(True)
    v.requires_grad_(True)
    logits = scale * u @ v.T
    target = torch.arange(b)
    row = torch.nn.functional.cross_entropy(logits, target, reduction='none')
    col = torch.nn.functional.cross_entropy(logits.T, target, reduction='none')
    loss = (row + col).mean() / 2
    loss.backward()
    per_item = ((row + col) / 2).detach()
    grad_norm = torch.sqrt((u.grad ** 2).sum(1) + (v.grad ** 2).sum(1))
    return {'b': b, 'd': d, 'scale': scale, 'u': u.detach().flatten().tolist(), 'v': v.detach().flatten().tolist(),
            'loss': per_item.tolist(), 'gradNorm': grad_norm.tolist()}


if __name__ == '__main__':
    cases = [case(4, 3, 1.0, 0), case(16, 8, 14.301, 1), case(33, 12, 100.0, 2)]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'source': f'torch {torch.__version__} autograd', 'cases': cases}, f)
        f.write('\n')
