"""Writes one trained demo model in the Hugging Face ONNX layout: onnx/{vision,text}_model.onnx, tokenizer.json,
tokenizer_config.json, preprocessor_config.json, config.json and model_card.json (recipe, data hash, members, metrics)."""
import hashlib
import json
import os
import platform

import torch
from torch import nn

from demo_data import CLIP_MEAN, CLIP_STD, VENDORS, normalise

OPSET = 17


class VisionExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.vision = model.vision

    def forward(self, pixel_values):
        return self.vision(pixel_values)


class TextExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.text = model.text

    def forward(self, input_ids):
        return self.text(input_ids)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def export_onnx(model, cfg, out):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    size, ctx = cfg["image_size"], cfg["context"]
    torch.onnx.export(VisionExport(model), (torch.zeros(2, 3, size, size),), os.path.join(out, "onnx", "vision_model.onnx"),
                      input_names=["pixel_values"], output_names=["image_embeds"], opset_version=OPSET,
                      dynamic_axes={"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}})
    ids = torch.full((2, ctx), model.text.eot_id, dtype=torch.long)
    torch.onnx.export(TextExport(model), (ids,), os.path.join(out, "onnx", "text_model.onnx"),
                      input_names=["input_ids"], output_names=["text_embeds"], opset_version=OPSET,
                      dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                                    "text_embeds": {0: "batch_size"}})


def hf_config(cfg, tok):
    """config.json in the spirit of transformers' CLIPConfig (same key names)."""
    text = {"hidden_size": cfg["t_width"], "intermediate_size": 4 * cfg["t_width"], "num_hidden_layers": cfg["t_layers"],
            "num_attention_heads": cfg["t_heads"], "max_position_embeddings": cfg["context"], "vocab_size": len(tok.vocab),
            "bos_token_id": tok.sot_id, "eos_token_id": tok.eot_id, "pad_token_id": tok.eot_id, "hidden_act": "gelu",
            "projection_dim": cfg["dim"]}
    vision = {"hidden_size": cfg["v_width"], "intermediate_size": 4 * cfg["v_width"], "num_hidden_layers": cfg["v_layers"],
              "num_attention_heads": cfg["v_heads"], "image_size": cfg["image_size"], "patch_size": cfg["patch"],
              "num_channels": 3, "hidden_act": "gelu", "projection_dim": cfg["dim"]}
    return {"model_type": "clip", "architectures": ["CLIPModel"], "projection_dim": cfg["dim"],
            "logit_scale_init_value": 2.6592, "torch_dtype": "float32", "text_config": text, "vision_config": vision}


def preprocessor_config(cfg):
    """CLIPImageProcessor settings; with 32 px inputs resize and crop are identities on the shipped images."""
    size = cfg["image_size"]
    return {"image_processor_type": "CLIPImageProcessor", "feature_extractor_type": "CLIPFeatureExtractor",
            "do_convert_rgb": True, "do_resize": True, "size": {"shortest_edge": size}, "resample": 3,
            "do_center_crop": True, "crop_size": {"height": size, "width": size}, "do_rescale": True,
            "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": list(CLIP_MEAN), "image_std": list(CLIP_STD)}


def parameter_counts(model):
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    return {"vision": count(model.vision), "text": count(model.text), "logit_scale": 1, "total": count(model)}


def model_card(name, model, cfg, recipe, data, tok, result, history, seconds, out):
    member_ids = data.member_ids()
    files = {f: os.path.getsize(os.path.join(out, f)) for f in ("onnx/vision_model.onnx", "onnx/text_model.onnx")}
    return {
        "name": name,
        "description": "A small CLIP trained from scratch by tools/demo-world on the member items of the emoji-demo "
                       "dataset; the project's ground truth for membership inference (known training set).",
        "architecture": {
            "vision": f"ViT, {cfg['image_size']} px input, patch {cfg['patch']}, width {cfg['v_width']}, "
                      f"{cfg['v_layers']} layers, {cfg['v_heads']} heads, pre-norm, class-token pooling",
            "text": f"causal transformer, context {cfg['context']}, width {cfg['t_width']}, {cfg['t_layers']} layers, "
                    f"{cfg['t_heads']} heads, WordPiece vocabulary {len(tok.vocab)}, pooled at the first end token",
            "projection_dim": cfg["dim"],
            "loss": "symmetric InfoNCE with learned temperature (logit scale clamped at 100)",
        },
        "parameter_count": parameter_counts(model),
        "logit_scale": round(float(model.logit_scale.exp()), 4),
        "onnx_bytes": files,
        "training": {
            "data": "member items only (both vendor renders); each epoch = two passes over member emojis, one "
                    "random vendor per emoji per pass, so no caption repeats inside a batch",
            "epochs": cfg["epochs"], "batches_per_pass": recipe["batches_per_pass"],
            "optimizer": {"type": "AdamW", "lr": recipe["lr"], "betas": list(recipe["betas"]), "eps": recipe["eps"],
                          "weight_decay": recipe["weight_decay"], "no_decay": "biases, norms, positions, class token, logit scale"},
            "schedule": f"linear warmup {recipe['warmup_epochs']} epoch, cosine decay to 0",
            "dropout": cfg["dropout"],
            "augmentation": {k: recipe[k] for k in ("shift_px", "scale", "rotate_deg", "flip", "brightness", "contrast",
                                                     "saturation")},
            "preprocessing": "RGB, rescale 1/255, CLIP mean/std; images are stored at the input size (no resampling)",
            "seeds": {"torch": cfg["seed"], "batch_and_augmentation_generator": cfg["seed"] + 1000},
            "threads": torch.get_num_threads(), "seconds": seconds,
            "torch": torch.__version__, "python": platform.python_version(), "history": history,
        },
        "dataset": {"name": "emoji-demo", "path": "resources/datasets/emoji-demo", "manifest": "manifest.csv",
                    "manifest_sha256": data.manifest_sha256(), "counts": data.counts()},
        "cutoff_rule": "Emojis with added_in >= Unicode 14.0 are guaranteed non-members (role reference). Emojis with "
                       "added_in <= 13.1 are split 50/50 per emoji by sha256('emoji-demo-split-v1:' + unified) order "
                       "into member and nonmember; all vendor renders share the emoji's membership. Re-split v2 "
                       "(issue 17): the first half of the non-member emojis in the same order join the guaranteed "
                       "non-members (role reference), the rest stay targets; members and training are unchanged.",
        "members": {"count": len(member_ids),
                    "sha256": hashlib.sha256("\n".join(member_ids).encode()).hexdigest(),
                    "hash_rule": "sha256 of the sorted member item ids joined by '\\n' (no trailing newline)",
                    "ids": member_ids},
        "metrics": dict(result["summary"], measured_on="target items, torch fp32 (the ONNX export matches to ~1e-5)",
                        zero_shot_rule="non-member target images; own caption in the top 10 of all distinct target captions"),
        "targets": {"demo-clip-s csa_auc": [0.60, 0.85], "demo-clip-l csa_auc": "> s + 0.03 and < 0.95",
                    "zero_shot_ratio_nonmember": ">= 5"},
    }


@torch.no_grad()
def write_embedding_fixture(model, name, data, path):
    """Raw torch embeddings of a few items (per vendor: first member, first target non-member, first reference).
    The TypeScript test embeds the same items through the app (decode, preprocess, tokenize, ONNX) and compares;
    a rerun of the generator must reproduce them to 1e-5."""
    rows = []
    for vendor in VENDORS:
        for membership, role in (("member", "target"), ("nonmember", "target"), ("nonmember", "reference")):
            rows += data.rows_where(vendor=vendor, membership=membership, role=role)[:1]
    img = model.vision(normalise(data.pixels[rows]))
    txt = model.text(data.ids[rows])
    fixture = {"generator": "tools/demo-world/export.py", "model": name,
               "items": [{"id": data.rows[r]["id"], "caption": data.rows[r]["caption"],
                          "image_embeds": [float(f"{v:.8g}") for v in img[k].tolist()],
                          "text_embeds": [float(f"{v:.8g}") for v in txt[k].tolist()]} for k, r in enumerate(rows)]}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False)
        f.write("\n")


def known_half_card(card, train_data, data):
    """demo-clip-ref's card: trained on half of the members of emoji-demo (Dataset.known_half), measured on
    emoji-calibration (`data`), which leaves those renders out: there it never saw an item, so its AUC is near 0.5."""
    ids = train_data.member_ids()
    card.update({
        "description": "A small CLIP with demo-clip-l's architecture and epochs, trained from scratch by tools/demo-world "
                       "on half of demo-clip-l's training members (450 emojis), as LiRA's reference models are trained "
                       "on part of the target's data. The demo world's reference model for --reference-model "
                       "calibration on emoji-calibration, which leaves those renders out (docs/attacks.md). On "
                       "emoji-demo or emoji-dated it saw evaluated members, and the calibration check warns.",
        "dataset": {"name": "emoji-demo (first half of the member emojis)", "path": "resources/datasets/emoji-demo",
                    "manifest": "manifest.csv", "manifest_sha256": train_data.manifest_sha256(),
                    "counts": {"member/target": len(ids)},
                    "rule": "the member renders of the first half (rounded down) of emoji-demo's member emojis in "
                            "sha256('demo-clip-ref-known-v1:' + emoji) order, emoji = the item id without its vendor "
                            "prefix (tools/demo-world/build-calibration.mjs and demo_data.py apply it)"},
        "evaluation_dataset": {"name": "emoji-calibration", "manifest_sha256": data.manifest_sha256(), "counts": data.counts()},
        "members": {"count": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest(),
                    "hash_rule": "sha256 of the sorted training item ids (emoji-demo ids) joined by '\\n'", "ids": ids},
        "targets": {"csa_auc on emoji-calibration targets": "near 0.5 (it never saw them)"},
    })
    card["training"]["data"] = ("the member renders of 450 emoji-demo member emojis; each epoch = two passes over them, "
                                "one vendor render per pass, as demo-clip-l's training")
    return card


def reference_card(card, train_data, data):
    """demo-clip-ref-openmoji's card: trained on openmoji-ref (build-ref.mjs), not on emoji-demo; its metrics are measured on
    emoji-demo's targets, where a reference that never saw the members must score near chance (AUC ~ 0.5)."""
    meta = json.load(open(os.path.join(train_data.root, "dataset.json"), encoding="utf-8"))
    ids = train_data.member_ids()
    card.update({
        "description": "A small CLIP trained from scratch by tools/demo-world on OpenMoji renders of every emoji concept "
                       "of the demo world (members and non-members of demo-clip-s/l alike), under the same captions; no "
                       "image of emoji-demo or emoji-dated is in its training data (pixel hashes differ). A reference "
                       "model from another corpus for --reference-model calibration (docs/attacks.md).",
        "license": meta["license"],
        "attribution": meta["attribution"],
        "dataset": {"name": "openmoji-ref", "path": "tools/demo-world/openmoji-ref", "manifest": "manifest.csv",
                    "manifest_sha256": train_data.manifest_sha256(), "counts": train_data.counts(),
                    "render": meta["render"], "disjointness": meta["disjointness"]},
        "evaluation_dataset": {"name": "emoji-demo", "manifest_sha256": data.manifest_sha256(), "counts": data.counts()},
        "coverage_rule": "every emoji concept of emoji-demo that OpenMoji draws (all of them in OpenMoji 17.0.0), one "
                         "render each, members and non-members of the target models alike: the corpus is chosen without "
                         "the membership labels, so the reference's score carries each concept's difficulty but no "
                         "membership signal; pixel twins within OpenMoji are dropped (dataset.json lists them).",
        "members": {"count": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest(),
                    "hash_rule": "sha256 of the sorted training item ids (openmoji-ref) joined by '\\n'"},
        "targets": {"csa_auc on emoji-demo targets": "near 0.5 (it never saw the members)"},
    })
    card["training"]["data"] = ("every openmoji-ref item (one render per concept); each epoch = two passes over the "
                                "concepts, as demo-clip-s's member concepts (20 views each)")
    card.pop("cutoff_rule", None)
    return card


def export_model(model, name, cfg, recipe, data, tok, result, history, seconds, out, fixture_dir, train_data=None):
    """Write every file of resources/models/<name>/ and the embedding fixture of the TypeScript test; with
    `train_data` (the two references) the card describes that training set, and `data` only evaluated the model."""
    model.eval()
    write_embedding_fixture(model, name, data, os.path.join(fixture_dir, f"{name}-embeddings.json"))
    export_onnx(model, cfg, out)
    write_json(os.path.join(out, "tokenizer.json"), tok.tokenizer_json())
    write_json(os.path.join(out, "tokenizer_config.json"), tok.tokenizer_config(cfg["context"]))
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor_config(cfg))
    write_json(os.path.join(out, "config.json"), hf_config(cfg, tok))
    card = model_card(name, model, cfg, dict(recipe, batches_per_pass=cfg.get("batches_per_pass", recipe["batches_per_pass"])),
                      data, tok, result, history, seconds, out)
    if train_data is not None:
        card = (known_half_card if hasattr(train_data, "member_subset") else reference_card)(card, train_data, data)
    write_json(os.path.join(out, "model_card.json"), card)
