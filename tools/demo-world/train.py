"""Trains demo-clip-s and demo-clip-l from scratch on the emoji-demo members, the reference demo-clip-ref on half of
them (left out of emoji-calibration) and demo-clip-ref-openmoji on the disjoint OpenMoji corpus (issue 17), and
exports them in the Hugging Face ONNX layout with tokenizer, preprocessor config, config and model card (issue 3).
Run with Debian's /usr/bin/python3."""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time

# One BLAS/OpenMP thread per model: bitwise-reproducible runs, and on 2 shared cores two single-threaded trainings
# side by side measured ~5x faster than one run with 2 threads (OpenMP spin-waiting under load).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_model import CLIP  # noqa: E402
from demo_data import Dataset, augment, normalise  # noqa: E402
from evaluate import evaluate  # noqa: E402
from export import export_model  # noqa: E402
from wordpiece import WordPieceTokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DATASET = os.path.join(REPO, "resources", "datasets", "emoji-demo")
# demo-clip-ref's training corpus (build-ref.mjs): OpenMoji renders of every emoji-demo concept, no evaluation image.
REF_DATASET = os.path.join(HERE, "openmoji-ref")
# demo-clip-ref's evaluation split (build-calibration.mjs): emoji-demo without the renders demo-clip-ref trained on.
CALIBRATION_DATASET = os.path.join(REPO, "resources", "datasets", "emoji-calibration")

COMMON = dict(image_size=32, patch=8, context=32, dim=128, dropout=0.1)
RECIPE = dict(batches_per_pass=8, label_smoothing=0.0, lr=1e-3, warmup_epochs=1, weight_decay=0.1, betas=(0.9, 0.98), eps=1e-6,
              shift_px=3, scale=0.1, rotate_deg=10, flip=0.5, brightness=0.3, contrast=0.3, saturation=0.4)
MODELS = {
    "demo-clip-s": dict(COMMON, v_width=128, v_layers=4, v_heads=4, t_width=128, t_layers=3, t_heads=4,
                        epochs=10, seed=1),
    "demo-clip-l": dict(COMMON, v_width=160, v_layers=6, v_heads=5, t_width=160, t_layers=3, t_heads=5,
                        epochs=12, seed=2),
    # demo-clip-s's architecture (a few MB, half of l's training time); one render per concept, so twice the batches
    # per pass keep batches at ~117 captions, and 10 epochs of two passes show each concept 20 times, as demo-clip-s
    # sees each member concept. Fixed before any measurement; no evaluation label chose it.
    "demo-clip-ref-openmoji": dict(COMMON, v_width=128, v_layers=4, v_heads=4, t_width=128, t_layers=3, t_heads=4,
                                   epochs=10, seed=3, batches_per_pass=16, train_data=REF_DATASET),
    # The reference as LiRA's are made: demo-clip-l's architecture and epochs, trained on part of the target's own
    # training data (the first half of the member emojis, Dataset.known_half), which emoji-calibration leaves out.
    # Seed and ~113-caption batches (4 a pass over 450 emojis) as demo-clip-ref-openmoji's. Fixed before measuring
    # (docs/attacks.md, "The demo world's reference"); seeds 4-7 were measured too and are reported there.
    "demo-clip-ref": dict(COMMON, v_width=160, v_layers=6, v_heads=5, t_width=160, t_layers=3, t_heads=5,
                          epochs=12, seed=3, batches_per_pass=4, train_split="known-half"),
}


def lr_at(step, total, warmup, base):
    """Linear warmup then cosine decay to zero."""
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def make_optimizer(model):
    """AdamW; no weight decay on gains, biases, embeddings of position/class and the temperature (as in CLIP)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim >= 2 and "pos" not in name else no_decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": RECIPE["weight_decay"]},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=RECIPE["lr"], betas=RECIPE["betas"], eps=RECIPE["eps"])


def train(name, cfg, data, tok, epochs, eval_every, log, eval_data=None):
    """One seeded training run; each epoch is two passes over the member emojis, one vendor render per pass (an
    emoji whose other render was dropped as a pixel twin shows its one render in both), so a batch never holds the
    same caption twice (no false negatives in the InfoNCE denominator)."""
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"] + 1000)
    model = CLIP(cfg, len(tok.vocab), tok.eot_id)
    opt = make_optimizer(model)
    members = data.member_emojis()
    n_batches = cfg.get("batches_per_pass", RECIPE["batches_per_pass"])
    total, warmup, step = epochs * 2 * n_batches, RECIPE["warmup_epochs"] * 2 * n_batches, 0
    history = []
    for epoch in range(epochs):
        model.train()
        t0, losses = time.time(), []
        first = torch.randint(0, 2, (len(members),), generator=gen)
        for vendor_pick in (first, 1 - first):
            perm = torch.randperm(len(members), generator=gen)
            for chunk in torch.tensor_split(perm, n_batches):
                rows = [data.row_of(members[i], int(vendor_pick[i])) for i in chunk.tolist()]
                pixels = normalise(augment(data.pixels[rows], gen, RECIPE))
                ids = data.ids[rows]
                ids = ids[:, : int((ids != tok.eot_id).sum(1).max()) + 1]  # causal: columns after the EOT are inert
                for g in opt.param_groups:
                    g["lr"] = lr_at(step, total, warmup, RECIPE["lr"])
                loss = model.loss(pixels, ids, RECIPE["label_smoothing"])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                losses.append(loss.item())
                step += 1
        entry = {"epoch": epoch + 1, "loss": round(sum(losses) / len(losses), 4), "seconds": round(time.time() - t0, 1)}
        if eval_every and ((epoch + 1) % eval_every == 0 or epoch + 1 == epochs):
            entry.update(evaluate(model, eval_data or data, tok)["summary"])
        history.append(entry)
        log(f"{name} {json.dumps(entry)}")
    return model, history


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated model names")
    parser.add_argument("--epochs", type=int, default=0, help="override epochs (trial runs)")
    parser.add_argument("--eval-every", type=int, default=0, help="evaluate every N epochs (trial runs)")
    parser.add_argument("--no-export", action="store_true", help="train and evaluate only")
    parser.add_argument("--save", default="", help="also save the state dict to this folder (analysis of trials)")
    parser.add_argument("--sequential", action="store_true", help="train the models one after the other")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)  # one model of a parallel run
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a recipe or model setting for a trial run, e.g. --set dropout=0.1")
    args = parser.parse_args()
    for item in args.set:
        key, value = item.split("=", 1)
        targets = [RECIPE] if key in RECIPE else list(MODELS.values())
        for t in targets:
            t[key] = type(t[key])(value) if not isinstance(t[key], tuple) else t[key]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    names = args.models.split(",")
    started = time.time()
    if len(names) > 1 and not args.sequential:
        run_in_parallel(names, sys.argv[1:])
    else:
        for name in names:
            train_one(name, args)
    if args.child:
        return
    print(f"total {time.time() - started:.0f}s wall", flush=True)
    if not args.no_export:
        data = Dataset(DATASET)
        write_tokenizer_fixture(WordPieceTokenizer(data.all_captions()), data)


def run_in_parallel(names, argv):
    """One child process per model (each single-threaded), output prefixed by the model name."""
    rest = [a for i, a in enumerate(argv) if a != "--models" and (i == 0 or argv[i - 1] != "--models")]
    children = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--models", n, "--child", *rest]) for n in names]
    codes = [c.wait() for c in children]
    if any(codes):
        sys.exit(f"training failed: exit codes {codes}")


def train_one(name, args):
    data = Dataset(DATASET)
    tok = WordPieceTokenizer(data.all_captions())  # the reference too: same tokenizer as the targets
    data.tokenize(tok, COMMON["context"])
    cfg = MODELS[name]
    eval_data = data
    if cfg.get("train_split") == "known-half":
        train_data = data.with_members(data.known_half())
        eval_data = Dataset(CALIBRATION_DATASET)
        eval_data.tokenize(tok, COMMON["context"])
    else:
        train_data = Dataset(cfg["train_data"]) if "train_data" in cfg else data
        if train_data is not data:
            train_data.tokenize(tok, COMMON["context"])
    epochs = args.epochs or cfg["epochs"]
    t0, c0 = time.time(), time.process_time()
    model, history = train(name, cfg, train_data, tok, epochs, args.eval_every, lambda m: print(m, flush=True), eval_data)
    seconds = {"wall": round(time.time() - t0, 1), "cpu": round(time.process_time() - c0, 1)}
    model.eval()
    result = evaluate(model, eval_data, tok)
    print(name, "final", json.dumps(result["summary"]), json.dumps(seconds), flush=True)
    if args.save:
        os.makedirs(args.save, exist_ok=True)
        torch.save(model.state_dict(), os.path.join(args.save, f"{name}.pt"))
    if not args.no_export:
        export_model(model, name, dict(cfg, epochs=epochs), RECIPE, eval_data, tok, result, history, seconds,
                     os.path.join(REPO, "resources", "models", name), os.path.join(HERE, "fixtures"),
                     train_data if train_data is not data else None)


def write_tokenizer_fixture(tok, data):
    """Caption -> ids as Python computes them; the TypeScript test checks tokenizers.js yields the same."""
    extra = ["An Emoji of a RED Apple!", "C\u00f4te d\u2019Ivoire, S\u00e3o Tom\u00e9 & Pr\u00edncipe",
             "zyxwvut quokka 42nd", "  spaced\tout\u00a0words  ", "keycap: #", "<|endoftext|> inside"]
    captions = sorted(set(data.all_captions()))[::7] + extra
    fixture = {"generator": "tools/demo-world/wordpiece.py", "context_length": COMMON["context"],
               "cases": [{"text": c, "ids": tok.encode(c), "padded": tok.encode_padded(c, COMMON["context"])}
                         for c in captions]}
    path = os.path.join(HERE, "fixtures", "tokenizer-ids.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()[:12]
    print(f"wrote {path} ({len(fixture['cases'])} cases, {digest})")


if __name__ == "__main__":
    main()
