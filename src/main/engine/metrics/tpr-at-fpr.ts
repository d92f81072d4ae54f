// TPR at a fixed FPR: the largest TPR over ROC points with FPR ≤ f, flagged unresolvable when n₀ < 1/f.
import { lastIndexAtFpr, type RocCurve } from './roc'

/** The FPR targets reported by default: 0.1 %, 1 % and 5 % (attacks.md, "Metrics"). */
export const DEFAULT_FPR_TARGETS: readonly number[] = [0.001, 0.01, 0.05]

/** TPR at one FPR target on the full curve. */
export interface TprAtFprPoint {
  /** The FPR target f. */
  target: number
  /** Largest TPR with FPR ≤ f; null when unresolvable. */
  tpr: number | null
  /** False when n_nonmembers < 1/f: not even one false positive fits in the budget. */
  resolvable: boolean
  /** FPR actually achieved by the point giving the TPR (≤ f). */
  fpr: number
  /** That point's threshold: member iff score ≥ threshold (+Infinity: nothing flagged). */
  threshold: number
  /** The largest TPR at FPR ≤ f the data show even when unresolvable (then it is TPR at FPR 0). */
  bestAvailableTpr: number
}

/**
 * Whether TPR@f can be resolved with n₀ non-members, i.e. n₀ ≥ 1/f (attacks.md). Compared as
 * n₀·f ≥ 1 with a 1e-9 slack so that, e.g., f = 0.001 with n₀ = 1000 is not lost to rounding.
 */
export function isResolvable(nNonmembers: number, target: number): boolean {
  return nNonmembers * target >= 1 - 1e-9
}

/** Largest false-positive count m with m / n₀ ≤ f in floating point (the same test as fpr ≤ f). */
export function maxFalsePositives(target: number, nNonmembers: number): number {
  let m = Math.min(nNonmembers, Math.max(0, Math.floor(target * nNonmembers)))
  while (m < nNonmembers && (m + 1) / nNonmembers <= target) m++
  while (m > 0 && m / nNonmembers > target) m--
  return m
}

/** TPR at FPR target f over the full curve, by definition (max TPR over points with FPR ≤ f). */
export function tprAtFpr(curve: RocCurve, target: number): TprAtFprPoint {
  // fpr and tpr are both non-decreasing along the curve, so the last point within budget has the max TPR.
  const k = lastIndexAtFpr(curve.fpr, target)
  const resolvable = isResolvable(curve.nNonmembers, target)
  return {
    target,
    tpr: resolvable ? curve.tpr[k] : null,
    resolvable,
    fpr: curve.fpr[k],
    threshold: curve.thresholds[k],
    bestAvailableTpr: curve.tpr[k]
  }
}
