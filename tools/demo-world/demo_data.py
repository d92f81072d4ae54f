"""The emoji-demo dataset in memory (pixels in [0,1], caption ids, roles) and the training-time augmentation.
Pixels follow the app's preprocessing exactly: RGB, rescale 1/255, CLIP mean/std; images are already 32x32."""
import copy
import csv
import hashlib
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
VENDORS = ("google", "twitter")
# Salt of the order whose first half of the member emojis trains demo-clip-ref (build-calibration.mjs: the same rule).
KNOWN_SALT = "demo-clip-ref-known-v1:"


def normalise(pixels):
    """CLIPImageProcessor's normalisation of [0,1] RGB pixels."""
    mean = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    return (pixels - mean) / std


def augment(x, gen, recipe):
    """Light, seeded augmentation on [0,1] pixels: random affine (shift, scale, rotation, horizontal flip) over a
    white background, then brightness, contrast and saturation jitter. Keeps the model in the generalising regime."""
    n = x.shape[0]
    u = lambda: torch.rand(n, generator=gen) * 2 - 1  # noqa: E731 - uniform in [-1, 1]
    scale = 1 + recipe["scale"] * u()
    angle = math.radians(recipe["rotate_deg"]) * u()
    flip = torch.where(torch.rand(n, generator=gen) < recipe["flip"], -1.0, 1.0)
    shift = recipe["shift_px"] * 2 / x.shape[-1]
    tx, ty = shift * u(), shift * u()
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # Sample (x - 1) with zero padding, then add 1 back: the area outside the image becomes white.
    x = F.grid_sample(x - 1, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + 1
    x = x * (1 + recipe["brightness"] * u()).view(n, 1, 1, 1)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * (1 + recipe["contrast"] * u()).view(n, 1, 1, 1) + mean
    grey = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)
    x = (x - grey) * (1 + recipe["saturation"] * u()).view(n, 1, 1, 1) + grey
    return x.clamp(0, 1)


class Dataset:
    """Rows of manifest.csv with decoded pixels; emojis are keyed by the id without the vendor prefix."""

    def __init__(self, root):
        self.root = root
        self.manifest_path = os.path.join(root, "manifest.csv")
        with open(self.manifest_path, newline="", encoding="utf-8") as f:
            self.rows = list(csv.DictReader(f))
        arrays = [np.asarray(Image.open(os.path.join(root, r["image"])).convert("RGB"), dtype=np.uint8)
                  for r in self.rows]
        self.pixels = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float() / 255.0
        # Renders of each emoji, in vendor order; an emoji whose render was dropped as a pixel twin has only one.
        self.renders = {}
        # (openmoji-ref has one vendor, not in VENDORS: its renders keep manifest order.)
        rank = lambda vendor: VENDORS.index(vendor) if vendor in VENDORS else len(VENDORS)  # noqa: E731
        for i, r in sorted(enumerate(self.rows), key=lambda ir: rank(ir[1]["vendor"])):
            self.renders.setdefault(r["id"].split("-", 1)[1], []).append(i)
        self.ids = None

    def manifest_sha256(self):
        """Dataset hash recorded in the model cards."""
        return hashlib.sha256(open(self.manifest_path, "rb").read()).hexdigest()

    def all_captions(self):
        return [r["caption"] for r in self.rows]

    def tokenize(self, tok, context):
        self.ids = torch.tensor([tok.encode_padded(r["caption"], context) for r in self.rows], dtype=torch.long)

    def member_emojis(self):
        """Sorted emoji keys whose renders are members (the training set)."""
        return sorted({r["id"].split("-", 1)[1] for r in self.rows if r["membership"] == "member"})

    def known_half(self):
        """demo-clip-ref's training emojis: the first half (rounded down) of the member emojis in sha256(KNOWN_SALT +
        emoji) order; emoji-calibration is emoji-demo without their renders."""
        key = lambda u: hashlib.sha256((KNOWN_SALT + u).encode()).hexdigest()  # noqa: E731
        return set(sorted(self.member_emojis(), key=key)[: len(self.member_emojis()) // 2])

    def with_members(self, emojis):
        """The same items, with only these emojis' renders as members (the other members read as non-members): the
        training set of a model trained on part of the members. Pixels, ids and renders are shared."""
        view = copy.copy(self)
        view.member_subset = sorted(emojis)
        view.rows = [r if r["membership"] != "member" or r["id"].split("-", 1)[1] in emojis else dict(r, membership="nonmember")
                     for r in self.rows]
        return view

    def member_ids(self):
        return sorted(r["id"] for r in self.rows if r["membership"] == "member")

    def row_of(self, emoji, pick):
        """Render `pick` (0 or 1) of an emoji; an emoji with a single render always gives that one."""
        renders = self.renders[emoji]
        return renders[pick % len(renders)]

    def rows_where(self, **conditions):
        return [i for i, r in enumerate(self.rows) if all(r[k] == v for k, v in conditions.items())]

    def counts(self):
        """Item counts per (membership, role), as the model card states them."""
        out = {}
        for r in self.rows:
            key = f"{r['membership']}/{r['role']}"
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))
