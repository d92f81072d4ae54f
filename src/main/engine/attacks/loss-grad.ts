// Loss + gradient-norm attack (CLIP-MIA-Bench's white-box baseline `baselines/wsa_grad_loss.py`, Gomez 2026;
// docs/attacks.md "Loss + gradient norm"): closed-form symmetric InfoNCE terms from cached embeddings.
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { denseMatrix, fitLogreg } from './logreg'

/** CLIP's trained logit scale saturates at 100 (OpenAI CLIP, OpenCLIP): the default when the export lacks it. */
export const DEFAULT_LOGIT_SCALE = 100

/** Per-item loss and gradient norm of one batch. */
export interface BatchTerms {
  /** ℓ_i = (CE_row_i + CE_col_i) / 2: the item's share of the symmetric InfoNCE loss (× B gives its sum). */
  loss: Float64Array
  /** ‖∂L/∂û_i‖² + ‖∂L/∂v̂_i‖², square-rooted, for the batch loss L = (1/2B) Σ_i (CE_row_i + CE_col_i). */
  gradNorm: Float64Array
}

/**
 * Closed form for one batch of B normalised pairs (u_i image, v_i text, row-major B × d):
 * logits S_ij = s·⟨u_i, v_j⟩, P = row softmax, Q = column softmax; ∂L/∂S_ij = (P_ij + Q_ij − 2δ_ij)/(2B),
 * ∂L/∂u_i = s Σ_j G_ij v_j and ∂L/∂v_j = s Σ_i G_ij u_i.
 */
export function batchLossGrad(u: Float32Array, v: Float32Array, b: number, d: number, scale: number): BatchTerms {
  const S = new Float64Array(b * b)
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < b; j++) {
      let dot = 0
      for (let k = 0; k < d; k++) dot += u[i * d + k] * v[j * d + k]
      S[i * b + j] = scale * dot
    }
  }
  const rowLse = new Float64Array(b)
  const colLse = new Float64Array(b)
  for (let i = 0; i < b; i++) {
    let mr = -Infinity
    let mc = -Infinity
    for (let j = 0; j < b; j++) {
      mr = Math.max(mr, S[i * b + j])
      mc = Math.max(mc, S[j * b + i])
    }
    let sr = 0
    let sc = 0
    for (let j = 0; j < b; j++) {
      sr += Math.exp(S[i * b + j] - mr)
      sc += Math.exp(S[j * b + i] - mc)
    }
    rowLse[i] = mr + Math.log(sr)
    colLse[i] = mc + Math.log(sc)
  }
  const G = new Float64Array(b * b)
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < b; j++) {
      const s = S[i * b + j]
      G[i * b + j] = (Math.exp(s - rowLse[i]) + Math.exp(s - colLse[j]) - (i === j ? 2 : 0)) / (2 * b)
    }
  }
  const loss = new Float64Array(b)
  const gradNorm = new Float64Array(b)
  for (let i = 0; i < b; i++) {
    loss[i] = (rowLse[i] - S[i * b + i] + colLse[i] - S[i * b + i]) / 2
    let sq = 0
    for (let k = 0; k < d; k++) {
      let gu = 0
      let gv = 0
      for (let j = 0; j < b; j++) {
        gu += G[i * b + j] * v[j * d + k]
        gv += G[j * b + i] * u[j * d + k]
      }
      sq += (scale * gu) ** 2 + (scale * gv) ** 2
    }
    gradNorm[i] = Math.sqrt(sq)
  }
  return { loss, gradNorm }
}

export interface LossGradInput {
  d: number
  /** Normalised embeddings of all rows: targets first (nTargets), then reference non-members. */
  image: Float32Array
  text: Float32Array
  nTargets: number
  nReference: number
  batchSize: number
  logitScale: number
  seed: number
  signal?: AbortSignal
  /** Called after each batch with (done, total). */
  onBatch?: (done: number, total: number) => void
}

export interface LossGradResult {
  scores: Float64Array
  /** The same score for the reference rows (they only set the z-scales; the regression never saw them). */
  referenceScores: Float64Array
  loss: Float64Array
  gradNorm: Float64Array
  report: { batchSize: number; batches: number; logitScale: number; nPseudoMembers: number; nReference: number; weights: { loss: number; gradNorm: number }; intercept: number }
}

const meanStd = (x: Float64Array): { mean: number; std: number } => {
  const mean = x.reduce((s, v) => s + v, 0) / x.length
  const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length)
  return { mean, std: std > 0 ? std : 1 }
}

/**
 * Seeded batches of B over targets and reference together, per-item loss and grad norm, z-scored
 * against the reference non-members; pseudo-members = targets with −(z_loss + z_grad) > 0, and a
 * logistic regression on the standardised (loss, grad norm) of pseudo-members (1) vs the rest (0) scores every
 * target by its logit (the log-odds of its probability).
 */
export function runLossGrad(input: LossGradInput): LossGradResult {
  const { d, batchSize, nTargets, nReference } = input
  const n = nTargets + nReference
  if (!(batchSize >= 2)) throw new WorkbenchError({ code: 'invalid-input', item: 'lossGrad.batchSize', message: `The InfoNCE batch needs at least 2 items; got ${batchSize}.`, hint: 'Use e.g. 256.' })
  if (nReference < 2)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'reference',
      message: `Loss-grad z-scores against guaranteed non-members and needs at least 2; the dataset has ${nReference}.`,
      hint: 'Add items with role "reference".'
    })
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    createRng(seedOf('loss-grad-batches', input.seed))
  )
  const loss = new Float64Array(n)
  const gradNorm = new Float64Array(n)
  const batches = Math.max(1, Math.round(n / batchSize))
  for (let bIdx = 0; bIdx < batches; bIdx++) {
    throwIfAborted(input.signal)
    // Equal-sized batches (sizes differ by at most one): a tiny last batch would have a much lower loss.
    const rows = order.slice(Math.floor((bIdx * n) / batches), Math.floor(((bIdx + 1) * n) / batches))
    const u = new Float32Array(rows.length * d)
    const v = new Float32Array(rows.length * d)
    rows.forEach((r, i) => {
      u.set(input.image.subarray(r * d, (r + 1) * d), i * d)
      v.set(input.text.subarray(r * d, (r + 1) * d), i * d)
    })
    const t = batchLossGrad(u, v, rows.length, d, input.logitScale)
    rows.forEach((r, i) => {
      loss[r] = t.loss[i]
      gradNorm[r] = t.gradNorm[i]
    })
    input.onBatch?.(bIdx + 1, batches)
  }
  const lRef = meanStd(loss.subarray(nTargets))
  const gRef = meanStd(gradNorm.subarray(nTargets))
  const zl = loss.map((x) => (x - lRef.mean) / lRef.std)
  const zg = gradNorm.map((x) => (x - gRef.mean) / gRef.std)
  const labels = Uint8Array.from({ length: nTargets }, (_, i) => (-(zl[i] + zg[i]) > 0 ? 1 : 0))
  const X = new Float64Array(nTargets * 2)
  for (let i = 0; i < nTargets; i++) {
    X[2 * i] = zl[i]
    X[2 * i + 1] = zg[i]
  }
  const nPseudo = labels.reduce((s, v) => s + v, 0)
  const design = denseMatrix(X, nTargets, 2)
  // One pseudo-class empty: nothing to learn, fall back to the combined z-score itself (same ranking family).
  if (nPseudo === 0 || nPseudo === nTargets) {
    const combined = (i: number): number => -(zl[i] + zg[i])
    const scores = Float64Array.from({ length: nTargets }, (_, i) => combined(i))
    const referenceScores = Float64Array.from({ length: nReference }, (_, r) => combined(nTargets + r))
    return {
      scores,
      referenceScores,
      loss: loss.slice(0, nTargets),
      gradNorm: gradNorm.slice(0, nTargets),
      report: { batchSize, batches, logitScale: input.logitScale, nPseudoMembers: nPseudo, nReference, weights: { loss: -1, gradNorm: -1 }, intercept: 0 }
    }
  }
  const fit = fitLogreg(design, labels, { signal: input.signal })
  // The logit, not the probability: pseudo-labels cut by a line in the same features are separable, the weights grow
  // large and probabilities round to exactly 1 for many items — ties that would hide every low-FPR threshold.
  const w = fit.model.weights
  const logit = (i: number): number => zl[i] * w[0] + zg[i] * w[1] + fit.model.intercept
  const scores = Float64Array.from({ length: nTargets }, (_, i) => logit(i))
  const referenceScores = Float64Array.from({ length: nReference }, (_, r) => logit(nTargets + r))
  return {
    scores,
    referenceScores,
    loss: loss.slice(0, nTargets),
    gradNorm: gradNorm.slice(0, nTargets),
    report: {
      batchSize,
      batches,
      logitScale: input.logitScale,
      nPseudoMembers: nPseudo,
      nReference,
      weights: { loss: fit.model.weights[0], gradNorm: fit.model.weights[1] },
      intercept: fit.model.intercept
    }
  }
}
