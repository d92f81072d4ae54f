// Exact empirical ROC curve (scikit-learn's roc_curve conventions), its AUC and a display reduction.
import { sortScores, type LabelledScores, type SortedScores } from './sorted-scores'

/** A full ROC curve: one point per distinct score plus the (0, 0) start, as sklearn's roc_curve. */
export interface RocCurve {
  /** False-positive rate of each point, non-decreasing; fpr[0] = 0, last = 1. */
  fpr: Float64Array
  /** True-positive rate of each point, non-decreasing; tpr[0] = 0, last = 1. */
  tpr: Float64Array
  /** Point k predicts "member" iff score ≥ thresholds[k]; thresholds[0] = +Infinity (nothing flagged). */
  thresholds: Float64Array
  /** Number of members (positives) behind the rates. */
  nMembers: number
  /** Number of non-members (negatives) behind the rates. */
  nNonmembers: number
}

/** ROC points for display (plain arrays, JSON-ready; +Infinity serialises as null). */
export interface RocPoints {
  fpr: number[]
  tpr: number[]
  thresholds: number[]
}

/**
 * ROC curve of already sorted scores. Matches sklearn ≥ 1.3 `roc_curve(drop_intermediate=False)`:
 * tied scores form one point, rates are counts divided by class totals, first threshold is +Infinity.
 */
export function rocFromSorted(sorted: SortedScores): RocCurve {
  const m = sorted.members
  const nm = sorted.nonmembers
  const nP = m.length
  const nN = nm.length
  let distinct = 0
  let i = 0
  let j = 0
  const tps = new Int32Array(nP + nN + 1)
  const fps = new Int32Array(nP + nN + 1)
  const thr = new Float64Array(nP + nN + 1)
  thr[0] = Infinity
  while (i < nP || j < nN) {
    const v = j >= nN || (i < nP && m[i] > nm[j]) ? m[i] : nm[j]
    while (i < nP && m[i] === v) i++
    while (j < nN && nm[j] === v) j++
    distinct++
    tps[distinct] = i
    fps[distinct] = j
    thr[distinct] = v
  }
  const points = distinct + 1
  const fpr = new Float64Array(points)
  const tpr = new Float64Array(points)
  for (let k = 0; k < points; k++) {
    fpr[k] = fps[k] / nN
    tpr[k] = tps[k] / nP
  }
  return { fpr, tpr, thresholds: thr.slice(0, points), nMembers: nP, nNonmembers: nN }
}

/** ROC curve of labelled scores (1 = member); throws `invalid-input` on NaN or a missing class. */
export function rocCurve(input: LabelledScores): RocCurve {
  return rocFromSorted(sortScores(input))
}

/** Area under the full curve by the trapezoid rule (what sklearn's roc_auc_score computes). */
export function rocAuc(curve: RocCurve): number {
  const { fpr, tpr } = curve
  let area = 0
  for (let k = 1; k < fpr.length; k++) area += (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1])
  return area / 2
}

/** Indices of the upper convex hull (the ROCCH) of the curve, from (0, 0) to (1, 1). */
export function rocHullIndices(curve: RocCurve): number[] {
  const { fpr: x, tpr: y } = curve
  const hull: number[] = []
  for (let k = 0; k < x.length; k++) {
    while (hull.length >= 2) {
      const o = hull[hull.length - 2]
      const a = hull[hull.length - 1]
      const cross = (x[a] - x[o]) * (y[k] - y[o]) - (y[a] - y[o]) * (x[k] - x[o])
      if (cross < 0) break
      hull.pop()
    }
    hull.push(k)
  }
  return hull
}

/** Index of the last point with fpr ≤ f (the highest TPR at that FPR budget); fpr[0] = 0 so ≥ 0. */
export function lastIndexAtFpr(fpr: Float64Array, f: number): number {
  let lo = 0
  let hi = fpr.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (fpr[mid] <= f) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Grid of FPR values: half log-spaced from the smallest non-zero FPR to 1, half linear in (0, 1]. */
function fprGrid(minFpr: number, count: number): number[] {
  const logCount = Math.ceil((count * 2) / 3)
  const grid: number[] = []
  const logMin = Math.log(minFpr)
  for (let g = 0; g < logCount; g++) grid.push(Math.exp(logMin * (1 - g / Math.max(1, logCount - 1))))
  const linCount = count - logCount
  for (let g = 1; g <= linCount; g++) grid.push(g / linCount)
  return grid
}

/**
 * Reduce a curve to at most `maxPoints` points for display: keeps both ends, every convex-hull vertex,
 * the points that realise TPR at each FPR in `keepFpr`, then, for a log- and linear-spaced FPR grid,
 * the top of each step and the point after it, so log-log plots stay faithful. Display only: every
 * reported number is computed on the full curve. If the hull alone exceeds `maxPoints`, it is kept whole.
 */
export function reduceRoc(curve: RocCurve, maxPoints = 2000, keepFpr: readonly number[] = [0.001, 0.01, 0.05]): RocPoints {
  const n = curve.fpr.length
  let keep: Set<number>
  if (n <= maxPoints) keep = new Set(Array.from({ length: n }, (_, k) => k))
  else {
    const base = new Set<number>([0, n - 1, ...rocHullIndices(curve)])
    for (const f of keepFpr) base.add(lastIndexAtFpr(curve.fpr, f))
    const minFpr = curve.fpr[curve.fpr.findIndex((v) => v > 0)]
    const withGrid = (gridSize: number): Set<number> => {
      const out = new Set(base)
      for (const x of fprGrid(minFpr, gridSize)) {
        const k = lastIndexAtFpr(curve.fpr, x)
        out.add(k)
        if (k + 1 < n) out.add(k + 1)
      }
      return out
    }
    // Grid points collapse where the curve is sparse, so search the largest grid that fits the budget.
    keep = base
    let lo = 0
    let hi = 4 * maxPoints
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      const candidate = withGrid(mid)
      if (candidate.size <= maxPoints) {
        keep = candidate
        lo = mid
      } else hi = mid - 1
    }
  }
  const idx = [...keep].sort((a, b) => a - b)
  return { fpr: idx.map((k) => curve.fpr[k]), tpr: idx.map((k) => curve.tpr[k]), thresholds: idx.map((k) => curve.thresholds[k]) }
}
