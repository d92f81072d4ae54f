"""Trials behind docs/attacks.md "A same-distribution reference (second trial)", "A reference trained on half of the
target's training set (third trial)" and the fourth trial that became demo-clip-ref: LiRA-style references trained on
Noto/Twemoji renders of emoji-demo (the pool's or, with --known, half the members'), instead of the OpenMoji corpus of
demo-clip-ref-openmoji (then named demo-clip-ref).

--half (the valid form): the pool's emojis in sha256("demo-clip-ref-split-v1:" + unified) order, first half trains the
reference (both renders of an emoji together); a copy of emoji-demo without those renders is written, so the
calibration's regression line and calibrated threshold are fitted on the other half, which the reference never saw.
--known (issue 17, third trial, 2026-12-06): the reference is trained on half of the *target's* training set, as
LiRA's reference models are (trained on population data that overlaps the target's; offline, they must only be OUT
for the items evaluated): the member emojis in sha256("demo-clip-ref-known-v1:" + unified) order, first half. Those
renders leave the evaluation copy, so every evaluated item, member or not, and every pool item is unseen by the
reference; the pool is emoji-demo's whole pool.
--whole: every pool emoji trains it; calibration on emoji-demo then fits its line and threshold on the reference's own
training items (shown only to measure what twice the data would give; not a valid calibration).

Recipe fixed in advance: demo-clip-ref-openmoji's architecture (= demo-clip-s's), seed 3, 10 epochs of two passes,
batches of about 113 captions (round(emojis / 113) batches a pass), train.py's augmentation, optimiser and schedule.
--arch l (fourth trial): demo-clip-l's architecture and 12 epochs instead; `--known --arch l` with seed 3 trains the
same bits as train.py's demo-clip-ref (its evaluation copy equals resources/datasets/emoji-calibration), and
--seed 4..7 gave the seed table of docs/attacks.md.
Run with Debian's /usr/bin/python3; it prints the two `mia run` commands to measure with."""
import argparse
import csv
import hashlib
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as recipe  # noqa: E402
from demo_data import Dataset  # noqa: E402
from evaluate import evaluate  # noqa: E402
from export import export_onnx, hf_config, preprocessor_config, write_json  # noqa: E402
from wordpiece import WordPieceTokenizer  # noqa: E402

SPLIT_SALT = "demo-clip-ref-split-v1:"
KNOWN_SALT = "demo-clip-ref-known-v1:"


def write_manifest(path, header, rows, images):
    os.makedirs(path, exist_ok=True)
    link = os.path.join(path, "images")
    if not os.path.lexists(link):
        os.symlink(images, link)
    with open(os.path.join(path, "manifest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="/tmp/pool-ref-trial")
    parser.add_argument("--whole", action="store_true", help="train on the whole pool (not a valid calibration)")
    parser.add_argument("--known", action="store_true", help="train on half of the target's members (left out of the evaluation)")
    parser.add_argument("--arch", choices=("s", "l"), default="s",
                        help="the reference's architecture and epochs: demo-clip-s's (default, the first three trials') or "
                             "demo-clip-l's (the fourth trial; with --known and seed 3 it is the shipped demo-clip-ref)")
    parser.add_argument("--seed", type=int, default=None, help="the reference's training seed (default 3, as demo-clip-ref-openmoji's)")
    args = parser.parse_args()
    images = os.path.join(recipe.DATASET, "images")
    with open(os.path.join(recipe.DATASET, "manifest.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0].keys())
    source = [r for r in rows if (r["membership"] == "member" if args.known else r["role"] == "reference")]
    salt = KNOWN_SALT if args.known else SPLIT_SALT
    emojis = sorted({r["id"].split("-", 1)[1] for r in source}, key=lambda u: hashlib.sha256((salt + u).encode()).hexdigest())
    chosen = set(emojis if args.whole else emojis[: len(emojis) // 2])
    train_rows = [dict(r, membership="member", role="target") for r in source if r["id"].split("-", 1)[1] in chosen]
    write_manifest(os.path.join(args.out, "train"), header, train_rows, images)
    evaluation = os.path.join(args.out, "emoji-demo-rest")
    taken = {r["id"] for r in train_rows}
    write_manifest(evaluation, header, [r for r in rows if r["id"] not in taken], images)

    data = Dataset(recipe.DATASET)
    tok = WordPieceTokenizer(data.all_captions())
    data.tokenize(tok, recipe.COMMON["context"])
    train_data = Dataset(os.path.join(args.out, "train"))
    train_data.tokenize(tok, recipe.COMMON["context"])
    # The trials' fixed recipe is the OpenMoji reference's (then named demo-clip-ref): its architecture, seed and epochs.
    cfg = dict(recipe.MODELS["demo-clip-ref-openmoji"], batches_per_pass=max(1, round(len(chosen) / 113)))
    if args.arch == "l":
        # The target's own architecture and epochs, as LiRA's reference models have; seed and batching stay the reference's.
        arch = recipe.MODELS["demo-clip-l"]
        cfg.update({k: arch[k] for k in ("v_width", "v_layers", "v_heads", "t_width", "t_layers", "t_heads", "epochs")})
    if args.seed is not None:
        cfg["seed"] = args.seed
    cfg.pop("train_data")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    model, history = recipe.train("pool-ref", cfg, train_data, tok, cfg["epochs"], 0, lambda m: print(m, flush=True), data)
    model.eval()
    result = evaluate(model, data, tok)
    print("final", json.dumps(result["summary"]), flush=True)
    out = os.path.join(args.out, "model")
    export_onnx(model, cfg, out)
    write_json(os.path.join(out, "tokenizer.json"), tok.tokenizer_json())
    write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config(cfg["context"]))
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor_config(cfg))
    write_json(os.path.join(out, "config.json"), hf_config(cfg, tok))
    print(f"{len(chosen)} {'member' if args.known else 'pool'} emojis ({len(train_rows)} renders) trained the reference, batches_per_pass {cfg['batches_per_pass']}")
    dataset = "emoji-demo" if args.whole else evaluation
    print(f"mia run --model demo-clip-l --dataset {dataset} --attack csa --json")
    for mode in ("difference", "regression"):
        print(f"mia run --model demo-clip-l --dataset {dataset} --attack csa --reference-model {out} --calibration {mode} --json")


if __name__ == "__main__":
    main()
