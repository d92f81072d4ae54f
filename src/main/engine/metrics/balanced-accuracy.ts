// Oracle and calibrated balanced accuracy, and membership advantage (attacks.md, "Metrics").
import { WorkbenchError } from '../../../shared/contract/errors'
import type { RocCurve } from './roc'
import type { SortedScores } from './sorted-scores'
import { quantileSorted } from './quantile'

/** The best balanced accuracy over all thresholds of a curve ("oracle", as the paper reports). */
export interface OracleBalancedAccuracy {
  /** max over ROC points of (TPR + TNR) / 2. */
  balancedAccuracy: number
  /** Threshold of the first (highest-threshold) maximising point: member iff score ≥ it; +Infinity if none beats 0.5. */
  threshold: number
  tpr: number
  fpr: number
}

/** Metrics of the rule "member iff score > τ_α", τ_α the (1 − α) quantile of reference non-member scores. */
export interface CalibratedMetrics {
  /** The target FPR α used to place the threshold. */
  alpha: number
  /** τ_α = numpy.quantile(reference, 1 − α) (linear interpolation). */
  threshold: number
  /** The decision rule, stated so every consumer applies the same one. */
  rule: 'score > threshold'
  /** FPR achieved on the target non-members. */
  fpr: number
  /** TPR achieved on the target members. */
  tpr: number
  /** (TPR + 1 − FPR) / 2 on the targets. */
  balancedAccuracy: number
  /** Number of reference non-member scores τ was calibrated on. */
  nReference: number
  /** Fraction of the reference scores themselves above τ (≈ α; shows the quantile's granularity). */
  referenceFpr: number
}

/** Oracle balanced accuracy of a curve and the threshold achieving it. */
export function oracleBalancedAccuracy(curve: RocCurve): OracleBalancedAccuracy {
  const { fpr, tpr, thresholds } = curve
  let best = 0
  let bestValue = -Infinity
  for (let k = 0; k < fpr.length; k++) {
    const v = (tpr[k] + (1 - fpr[k])) / 2
    if (v > bestValue) {
      bestValue = v
      best = k
    }
  }
  return { balancedAccuracy: bestValue, threshold: thresholds[best], tpr: tpr[best], fpr: fpr[best] }
}

/** Membership advantage max(TPR − FPR) over the curve (Yeom et al. 2018); ≥ 0 since (0, 0) is a point. */
export function membershipAdvantage(curve: RocCurve): number {
  let best = -Infinity
  for (let k = 0; k < curve.fpr.length; k++) best = Math.max(best, curve.tpr[k] - curve.fpr[k])
  return best
}

/** How many entries of a descending array are strictly greater than t. */
function countAbove(descending: Float64Array, t: number): number {
  let lo = 0
  let hi = descending.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (descending[mid] > t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Throw `invalid-input` unless α ∈ (0, 1) and the reference scores are non-empty and finite. */
function checkReference(reference: ArrayLike<number>, alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new WorkbenchError({ code: 'invalid-input', message: `alpha must be in (0, 1); got ${alpha}.`, hint: 'Use e.g. 0.01 for a 1 % target FPR.' })
  }
  if (reference.length === 0) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: 'No reference non-member scores to calibrate the threshold on.',
      hint: 'Add items with role "reference" and membership "nonmember", or omit calibration.'
    })
  }
  for (let i = 0; i < reference.length; i++) {
    if (!Number.isFinite(reference[i])) {
      throw new WorkbenchError({ code: 'invalid-input', message: `Reference score ${i} is ${reference[i]}, not a finite number.`, hint: 'Remove reference items whose attack produced no score.' })
    }
  }
}

/**
 * Calibrated threshold metrics (attacks.md): τ_α = numpy.quantile(reference, 1 − α); predict member iff
 * score > τ_α. The strict ">" keeps ties at τ (e.g. many equal scores) from inflating the FPR, as in
 * "reject when the statistic exceeds the critical value".
 */
export function calibratedMetrics(sorted: SortedScores, reference: ArrayLike<number>, alpha = 0.01): CalibratedMetrics {
  checkReference(reference, alpha)
  const ref = Float64Array.from(reference).sort()
  const threshold = quantileSorted(ref, 1 - alpha)
  const fpr = countAbove(sorted.nonmembers, threshold) / sorted.nonmembers.length
  const tpr = countAbove(sorted.members, threshold) / sorted.members.length
  const refDescending = ref.slice().reverse()
  return {
    alpha,
    threshold,
    rule: 'score > threshold',
    fpr,
    tpr,
    balancedAccuracy: (tpr + (1 - fpr)) / 2,
    nReference: ref.length,
    referenceFpr: countAbove(refDescending, threshold) / ref.length
  }
}
