// Seeded synthetic CLIP-like embeddings for the attack tests, and a rank-based AUC to judge them.
import { createRng, type Rng } from '../../../../src/main/engine/rng'
import type { EmbeddingRows } from '../../../../src/main/engine/attacks'

/** Mann–Whitney AUC with ties counted one half (equals roc_auc_score). */
export function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b])
  const ranks = new Float64Array(scores.length)
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++
    for (let t = i; t <= j; t++) ranks[idx[t]] = (i + j) / 2 + 1
    i = j + 1
  }
  let pos = 0
  let sumPos = 0
  for (let i = 0; i < labels.length; i++)
    if (labels[i] === 1) {
      pos++
      sumPos += ranks[i]
    }
  const neg = labels.length - pos
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg)
}

function unit(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0))
  return v.map((x) => x / norm)
}

/**
 * n items of dimension d; `memberEvery` > 0 makes every such item a member. Members' images align
 * more with their captions (higher CSA) and are shifted along the first axis, as training would do.
 */
export function syntheticRows(n: number, d: number, seed: number, memberEvery: number, rng: Rng = createRng(seed)): EmbeddingRows {
  const image = new Float32Array(n * d)
  const text = new Float32Array(n * d)
  const truth = new Int8Array(n)
  for (let i = 0; i < n; i++) {
    const member = memberEvery > 0 && i % memberEvery === 0
    truth[i] = member ? 1 : 0
    const t = unit(Float64Array.from({ length: d }, () => rng.normal()))
    const img = Float64Array.from({ length: d }, (_, j) => t[j] * (member ? 2.5 : 0.8) + (rng.normal() / Math.sqrt(d)) * 2 + (member && j === 0 ? 0.8 : 0))
    text.set(t, i * d)
    image.set(unit(img), i * d)
  }
  return { n, image, text, truth }
}
