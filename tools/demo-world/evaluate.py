"""Measures a demo model the way the workbench will: plain cosine-similarity attack (CSA) AUC on the target items,
and zero-shot retrieval of held-out images among all distinct target captions (is the model still generalising?)."""
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from demo_data import normalise

TOP_K = 10


@torch.no_grad()
def embed(model, data, batch=512):
    """L2-normalised image and caption embeddings of every manifest row, in row order."""
    model.eval()
    imgs = [model.vision(normalise(data.pixels[s: s + batch])) for s in range(0, len(data.rows), batch)]
    # Each caption once (vendors share captions), then scattered back to rows.
    captions = sorted({r["caption"] for r in data.rows})
    first = {}
    for i, r in enumerate(data.rows):
        first.setdefault(r["caption"], i)
    uniq = data.ids[[first[c] for c in captions]]
    txt = torch.cat([model.text(uniq[s: s + batch]) for s in range(0, len(uniq), batch)])
    where = {c: i for i, c in enumerate(captions)}
    txt = txt[[where[r["caption"]] for r in data.rows]]
    return F.normalize(torch.cat(imgs), dim=-1), F.normalize(txt, dim=-1)


def zero_shot(img, txt, data, rows, captions):
    """Fraction of images in `rows` whose own caption ranks in the top K among `captions` (distinct texts)."""
    cap_index = {c: i for i, c in enumerate(captions)}
    first_row = {}
    for i, r in enumerate(data.rows):
        first_row.setdefault(r["caption"], i)
    cap_emb = txt[[first_row[c] for c in captions]]
    sims = img[rows] @ cap_emb.t()
    own = torch.tensor([cap_index[data.rows[i]["caption"]] for i in rows])
    own_sim = sims.gather(1, own.view(-1, 1))
    rank = (sims > own_sim).sum(1)
    return float((rank < TOP_K).float().mean())


def evaluate(model, data, tok):
    """Summary numbers (CSA AUC, zero-shot top-10 rates and their ratio to chance) plus per-row CSA scores."""
    img, txt = embed(model, data)
    csa = (img * txt).sum(-1)
    targets = data.rows_where(role="target")
    labels = [1 if data.rows[i]["membership"] == "member" else 0 for i in targets]
    auc = roc_auc_score(labels, csa[targets].numpy())
    captions = sorted({data.rows[i]["caption"] for i in targets})
    chance = TOP_K / len(captions)
    non = data.rows_where(role="target", membership="nonmember")
    mem = data.rows_where(role="target", membership="member")
    ref = data.rows_where(role="reference")
    zs_non = zero_shot(img, txt, data, non, captions)
    zs_mem = zero_shot(img, txt, data, mem, captions)
    summary = {
        "csa_auc": round(float(auc), 4),
        "zero_shot_top10_nonmember": round(zs_non, 4),
        "zero_shot_top10_member": round(zs_mem, 4),
        "zero_shot_chance": round(chance, 5),
        "zero_shot_ratio_nonmember": round(zs_non / chance, 2),
        "mean_csa_member": round(float(csa[mem].mean()), 4),
        "mean_csa_nonmember": round(float(csa[non].mean()), 4),
        "mean_csa_reference": round(float(csa[ref].mean()), 4),
    }
    return {"summary": summary, "csa": csa, "image": img, "text": txt}
