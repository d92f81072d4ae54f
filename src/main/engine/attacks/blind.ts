// The blind baseline (docs/attacks.md "Blind baseline"; Das, Zhang & Tramèr 2024): logistic
// regression on model-free caption and image features, scored out-of-fold by stratified k-fold.
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { captionFeatures, imageFeatureVector, IMAGE_FEATURE_DIM, type ImageStats, type SparseRows } from './blind-features'
import { stratifiedFolds } from './folds'
import { fitLogreg, logregScores, type DesignMatrix } from './logreg'

/** Blind AUC at or above this is a distribution-shift warning by itself. */
export const BLIND_WARNING_AUC = 0.6
/** An attack that beats the blind baseline by no more than this is a warning too. */
export const BLIND_WARNING_MARGIN = 0.05

/** Inputs: one caption, optional image stats and one 0/1 label (1 = member) per target item. */
export interface BlindInput {
  captions: string[]
  /** Omit for embedding-only data; the baseline then uses captions alone. */
  images?: ImageStats[]
  labels: Uint8Array
  /** Items with the same key share a fold (e.g. identical captions), so the baseline cannot match near-copies across folds. */
  groups?: string[]
  seed: number
  k?: number
  /** Logistic regression C (scikit-learn convention). */
  c?: number
  signal?: AbortSignal
  /** Called before each fold is fitted (0-based), so a run can say what it is doing (issue 21: no silent gaps). */
  onFold?: (fold: number, k: number) => void
}

/** Out-of-fold scores (P(member)) for every item, the fold of each item and what was used. */
export interface BlindResult {
  scores: Float64Array
  folds: Int32Array
  k: number
  seed: number
  nTextFeatures: number
  nImageFeatures: number
  iterations: number[]
  converged: boolean
}

/** Re-index hashed columns to the buckets actually present, keeping bucket order (same optimum). */
function compactColumns(text: SparseRows): SparseRows {
  const used = [...new Set(text.indices)].sort((a, b) => a - b)
  const map = new Map(used.map((b, i) => [b, i]))
  return { ...text, cols: used.length, indices: Int32Array.from(text.indices, (b) => map.get(b) ?? 0) }
}

/** Dense block standardised with the mean and std (ddof 0) of the training rows only. */
function standardise(dense: Float64Array, p: number, train: Int32Array): Float64Array {
  const n = dense.length / p
  const out = new Float64Array(dense.length)
  for (let j = 0; j < p; j++) {
    let mean = 0
    for (const i of train) mean += dense[i * p + j]
    mean /= train.length
    let ss = 0
    for (const i of train) ss += (dense[i * p + j] - mean) ** 2
    const sd = Math.sqrt(ss / train.length) || 1
    for (let i = 0; i < n; i++) out[i * p + j] = (dense[i * p + j] - mean) / sd
  }
  return out
}

/** Rows `rows` of [text | dense] as a DesignMatrix. */
function stacked(text: SparseRows, dense: Float64Array, p: number, rows: Int32Array): DesignMatrix {
  const { indptr, indices, values } = text
  return {
    rows: rows.length,
    cols: text.cols + p,
    multiply(w, out) {
      rows.forEach((i, r) => {
        let s = 0
        for (let q = indptr[i]; q < indptr[i + 1]; q++) s += values[q] * w[indices[q]]
        for (let j = 0; j < p; j++) s += dense[i * p + j] * w[text.cols + j]
        out[r] = s
      })
    },
    multiplyTransposed(res, out) {
      out.fill(0)
      rows.forEach((i, r) => {
        const v = res[r]
        for (let q = indptr[i]; q < indptr[i + 1]; q++) out[indices[q]] += values[q] * v
        for (let j = 0; j < p; j++) out[text.cols + j] += dense[i * p + j] * v
      })
    }
  }
}

function checkInput(input: BlindInput): void {
  const n = input.labels.length
  if (input.captions.length !== n || (input.images && input.images.length !== n)) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `The blind baseline got ${input.captions.length} captions, ${input.images?.length ?? 'no'} images and ${n} labels.`,
      hint: 'Pass one caption, one image summary and one label per target item.'
    })
  }
}

/** Stratified k-fold (k = 5, seeded) out-of-fold P(member) for every target item; never queries the model. */
export async function blindBaseline(input: BlindInput): Promise<BlindResult> {
  checkInput(input)
  const k = input.k ?? 5
  const n = input.labels.length
  const folds = stratifiedFolds(input.labels, k, input.seed, input.groups)
  const text = compactColumns(captionFeatures(input.captions))
  const p = input.images ? IMAGE_FEATURE_DIM : 0
  const dense = new Float64Array(n * p)
  input.images?.forEach((stats, i) => dense.set(imageFeatureVector(stats), i * p))
  const scores = new Float64Array(n)
  const iterations: number[] = []
  let converged = true
  for (let f = 0; f < k; f++) {
    throwIfAborted(input.signal)
    input.onFold?.(f, k)
    const train = Int32Array.from(folds.reduce<number[]>((a, g, i) => (g !== f && a.push(i), a), []))
    const test = Int32Array.from(folds.reduce<number[]>((a, g, i) => (g === f && a.push(i), a), []))
    const scaled = standardise(dense, p, train)
    const fit = fitLogreg(
      stacked(text, scaled, p, train),
      Uint8Array.from(train, (i) => input.labels[i]),
      { c: input.c, signal: input.signal }
    )
    iterations.push(fit.iterations)
    converged &&= fit.converged
    logregScores(fit.model, stacked(text, scaled, p, test)).forEach((s, r) => (scores[test[r]] = s))
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { scores, folds, k, seed: input.seed, nTextFeatures: text.cols, nImageFeatures: p, iterations, converged }
}

/**
 * The spec's distribution-shift warning, or null: blind AUC ≥ 0.60, or the attack's AUC not more
 * than 0.05 above the blind AUC (a blind baseline above the attack counts as within the margin).
 * With the blind AUC's interval `ci`, a high blind AUC whose interval still includes chance (0.5) is
 * said to be inconclusive rather than a measured shift (issue 22: 20 items, AUC 0.610 [0.360, 0.850]).
 */
export function blindWarning(blindAuc: number, attackAuc: number, ci?: { lo: number; hi: number }): string | null {
  if (!Number.isFinite(blindAuc)) return null
  const shown = (v: number): string => v.toFixed(3)
  const withCI = ci ? `${shown(blindAuc)} [${shown(ci.lo)}, ${shown(ci.hi)}]` : shown(blindAuc)
  if (blindAuc >= BLIND_WARNING_AUC && ci && ci.lo <= 0.5) {
    return `Distribution shift inconclusive: a blind baseline that never queries the model reaches AUC ${withCI} (≥ ${BLIND_WARNING_AUC}), but its interval includes chance (0.5), so these items are too few to tell whether members and non-members differ in their captions or image files. Add items before trusting the attack's result as memorisation.`
  }
  if (blindAuc >= BLIND_WARNING_AUC) {
    return `Distribution shift: a blind baseline that never queries the model reaches AUC ${withCI} (≥ ${BLIND_WARNING_AUC}). Members and non-members differ in their captions or image files, so this benchmark measures that difference, not memorisation.`
  }
  if (Number.isFinite(attackAuc) && attackAuc - blindAuc <= BLIND_WARNING_MARGIN) {
    return `Distribution shift check: the attack's AUC ${shown(attackAuc)} is within ${BLIND_WARNING_MARGIN} of a blind baseline that never queries the model (AUC ${withCI}), so it shows no leakage beyond what caption and image statistics alone reveal.`
  }
  return null
}
