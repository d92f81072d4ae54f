// CSA, the cosine similarity attack (Ko et al. 2023, docs/attacks.md "CSA"): score = ⟨ê_I, ê_T⟩, or the model's own
// pairwise score where it has one (SigLIP: sigmoid(exp(t)·⟨ê_I, ê_T⟩ + b)).
import { WorkbenchError } from '../../../shared/contract/errors'
import type { ScoreRule } from '../../../shared/contract/models'

function checkShape(name: string, x: ArrayLike<number>, n: number, d: number): void {
  if (x.length !== n * d) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `${name} has ${x.length} values but ${n} rows of dimension ${d} need ${n * d}.`,
      hint: 'Pass embeddings as one row-major Float32Array of n × d values.'
    })
  }
}

/** A copy of x (n × d, row-major) with every row scaled to unit L2 norm; a zero row is an error. */
export function l2NormalizeRows(x: Float32Array, n: number, d: number): Float32Array {
  checkShape('The embedding matrix', x, n, d)
  const out = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < d; j++) sum += x[i * d + j] * x[i * d + j]
    const norm = Math.sqrt(sum)
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new WorkbenchError({
        code: 'bad-item',
        message: `Embedding row ${i} has norm ${norm}, so it cannot be normalised.`,
        item: String(i),
        hint: "Recompute this item's embedding; an all-zero or non-finite output means the model run failed."
      })
    }
    for (let j = 0; j < d; j++) out[i * d + j] = x[i * d + j] / norm
  }
  return out
}

/**
 * Row-wise cosine ⟨ê_I(i), ê_T(i)⟩ of already L2-normalised embeddings, accumulated in float64 and
 * clamped to [−1, 1] (float32 rounding of unit vectors can overshoot by ~1e-7).
 */
export function csaScores(imageEmb: Float32Array, textEmb: Float32Array, n: number, d: number): Float64Array {
  checkShape('The image embedding matrix', imageEmb, n, d)
  checkShape('The text embedding matrix', textEmb, n, d)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let dot = 0
    const base = i * d
    for (let j = 0; j < d; j++) dot += imageEmb[base + j] * textEmb[base + j]
    out[i] = Math.max(-1, Math.min(1, dot))
  }
  return out
}

/**
 * The model's pairwise score from row-wise cosines: SigLIP's match probability sigmoid(exp(t)·cos + b), strictly
 * increasing in cos (float64 saturates to 1 only above a logit of ~36.7); the cosines themselves under the cosine rule.
 */
export function pairwiseScores(cos: Float64Array, rule: ScoreRule | null | undefined): Float64Array {
  if (!rule || rule.kind === 'cosine') return cos
  const scale = Math.exp(rule.logitScale)
  return cos.map((c) => 1 / (1 + Math.exp(-(scale * c + rule.logitBias))))
}
