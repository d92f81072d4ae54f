// QMIA (Bertran et al., NeurIPS 2023; docs/attacks.md "QMIA"): per-item thresholds from a regression
// fitted on guaranteed non-members only, in the paper's Gaussian form (a mean and a scale per item).
import { WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { centredGram, fitDualRidge, predictDualRidge } from './kernel-ridge'

/** Reference rows beyond this are subsampled (seeded): the dual fit costs O(n³). */
export const QMIA_MAX_REFERENCE = 800
/** E[ln χ²₁] = −γ − ln 2: regressing ln r² under-estimates ln σ² by this much. */
const LOG_CHI2_MEAN = -1.2703628454614782
/** Scales are floored at this fraction of the pooled residual scale, so no item gets a vanishing σ̂. */
const SCALE_FLOOR = 0.1

/** Rows of features (width p) with their base attack score. */
export interface QmiaRows {
  n: number
  features: Float64Array
  score: Float64Array
}

export interface QmiaInput {
  p: number
  /** Guaranteed non-members (D_no): the only rows the regression sees. */
  reference: QmiaRows
  target: QmiaRows
  /** Target FPR α of the per-item thresholds q̂(x) = μ̂(x) + σ̂(x)·Φ⁻¹(1 − α). */
  alpha: number
  seed: number
  signal?: AbortSignal
}

export interface QmiaResult {
  /** (s − μ̂(x)) / σ̂(x) per target: flagged at level α iff above `zThreshold`; its ROC is the QMIA family. */
  scores: Float64Array
  /** The same statistic for the reference rows, from leave-one-out fits (honest calibration). */
  referenceScores: Float64Array
  report: { alpha: number; zThreshold: number; nReference: number; nFit: number; lambdaMean: number; lambdaScale: number; referenceFlagRate: number; targetFlagRate: number }
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new WorkbenchError({ code: 'invalid-input', message: `A normal quantile needs p in (0, 1); got ${p}.` })
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const lowTail = (q: number): number => {
    const r = Math.sqrt(-2 * Math.log(q))
    return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
  }
  let x: number
  if (p < 0.02425) x = lowTail(p)
  else if (p > 1 - 0.02425) x = -lowTail(1 - p)
  else {
    const q = p - 0.5
    const r = q * q
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  }
  return x
}

function pick(rows: QmiaRows, p: number, idx: number[]): QmiaRows {
  const features = new Float64Array(idx.length * p)
  idx.forEach((r, i) => features.set(rows.features.subarray(r * p, (r + 1) * p), i * p))
  return { n: idx.length, features, score: Float64Array.from(idx, (r) => rows.score[r]) }
}

/**
 * Fit μ̂(x) by ridge on the reference scores, then ln σ̂²(x) by ridge on the log squared leave-one-out
 * residuals (+ E[ln χ²₁] correction), both with λ by exact leave-one-out error; score = (s − μ̂)/σ̂.
 */
export function runQmia(input: QmiaInput): QmiaResult {
  const { p, alpha } = input
  if (!(alpha > 0 && alpha < 1)) throw new WorkbenchError({ code: 'invalid-input', item: 'qmia.alpha', message: `QMIA's target FPR must be in (0, 1); got ${alpha}.`, hint: 'Use e.g. 0.01.' })
  if (input.reference.n < 10)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'reference',
      message: `QMIA fits on guaranteed non-members and needs at least 10; the dataset has ${input.reference.n}.`,
      hint: 'Add items with role "reference" (e.g. created after the model was released).'
    })
  const all = Array.from({ length: input.reference.n }, (_, i) => i)
  const fitIdx =
    all.length > QMIA_MAX_REFERENCE
      ? shuffleInPlace(all, createRng(seedOf('qmia-fit', input.seed)))
          .slice(0, QMIA_MAX_REFERENCE)
          .sort((a, b) => a - b)
      : all
  const fitRows = pick(input.reference, p, fitIdx)
  const { gram, mean } = centredGram(fitRows.features, fitRows.n, p)
  const meanFit = fitDualRidge(gram, fitRows.n, fitRows.score, undefined, input.signal)
  const logSq = meanFit.looResiduals.map((r) => Math.log(r * r + 1e-12) - LOG_CHI2_MEAN)
  const scaleFit = fitDualRidge(gram, fitRows.n, logSq, undefined, input.signal)
  const pooled = Math.sqrt(meanFit.looMse)
  const z = (rows: QmiaRows): Float64Array => {
    const mu = predictDualRidge(meanFit, fitRows.features, fitRows.n, mean, rows.features, rows.n, p)
    const logVar = predictDualRidge(scaleFit, fitRows.features, fitRows.n, mean, rows.features, rows.n, p)
    return mu.map((m, i) => (rows.score[i] - m) / Math.max(SCALE_FLOOR * pooled, Math.exp(logVar[i] / 2)))
  }
  const scores = z(input.target)
  // Reference rows that the fit saw get their leave-one-out mean; the scale model is smooth enough to reuse.
  const refZ = z(input.reference)
  const logVarFit = predictDualRidge(scaleFit, fitRows.features, fitRows.n, mean, fitRows.features, fitRows.n, p)
  fitIdx.forEach((r, i) => (refZ[r] = meanFit.looResiduals[i] / Math.max(SCALE_FLOOR * pooled, Math.exp(logVarFit[i] / 2))))
  const zThreshold = normalQuantile(1 - alpha)
  const rate = (v: Float64Array): number => v.reduce((s, x) => s + (x > zThreshold ? 1 : 0), 0) / v.length
  return {
    scores,
    referenceScores: refZ,
    report: { alpha, zThreshold, nReference: input.reference.n, nFit: fitRows.n, lambdaMean: meanFit.lambda, lambdaScale: scaleFit.lambda, referenceFlagRate: rate(refZ), targetFlagRate: rate(scores) }
  }
}
