// Operating points of the rule "member iff score ≥ τ": item by item on the labelled scores (so a threshold agrees with
// the metrics: TPR@FPR and the oracle balanced accuracy of src/main/engine/metrics), or bin by bin from a histogram.
/** Binned scores per class on shared edges (edges.length = bins + 1). */
export interface BinnedScores {
  edges: readonly number[]
  members: readonly number[]
  nonmembers: readonly number[]
}

/** Labelled scores per class, each sorted descending (contract ExperimentView['scores']). */
export interface ScoresByClass {
  members: readonly number[]
  nonmembers: readonly number[]
}

/**
 * Operating points, from "flag nothing" (k = 0, τ = +∞) down to "flag everything": thresholds[k] descending, with
 * tp[k] / fp[k] the members / non-members scoring ≥ thresholds[k]. `exact`: one point per distinct score.
 */
export interface OperatingPoints {
  thresholds: number[]
  tp: number[]
  fp: number[]
  members: number
  nonmembers: number
  exact: boolean
}

/** Rates of the rule at one operating point. */
export interface ThresholdRates {
  threshold: number
  tpr: number
  fpr: number
  accuracy: number
  balancedAccuracy: number
  truePositives: number
  falsePositives: number
  /** Items scoring exactly τ (they are flagged together: no threshold separates them). */
  tied: number
}

/** One point per distinct score (ROC points of sklearn's roc_curve(drop_intermediate=False)), by a merge of both lists. */
export function pointsFromScores(s: ScoresByClass): OperatingPoints {
  const out: OperatingPoints = { thresholds: [Infinity], tp: [0], fp: [0], members: s.members.length, nonmembers: s.nonmembers.length, exact: true }
  let i = 0
  let j = 0
  while (i < s.members.length || j < s.nonmembers.length) {
    const next = Math.max(s.members[i] ?? -Infinity, s.nonmembers[j] ?? -Infinity)
    while (i < s.members.length && s.members[i] === next) i++
    while (j < s.nonmembers.length && s.nonmembers[j] === next) j++
    out.thresholds.push(next)
    out.tp.push(i)
    out.fp.push(j)
  }
  return out
}

/** One point per histogram edge (coarse: items within a bin move together). */
export function pointsFromHistogram(h: BinnedScores): OperatingPoints {
  const bins = h.members.length
  const out: OperatingPoints = { thresholds: [Infinity], tp: [0], fp: [0], members: 0, nonmembers: 0, exact: false }
  let tp = 0
  let fp = 0
  for (let b = bins - 1; b >= 0; b--) {
    tp += h.members[b]
    fp += h.nonmembers[b]
    out.thresholds.push(h.edges[b])
    out.tp.push(tp)
    out.fp.push(fp)
  }
  out.members = tp
  out.nonmembers = fp
  return out
}

/** Rates at point `k` (clamped to the ends). */
export function ratesAt(p: OperatingPoints, k: number): ThresholdRates {
  const i = Math.min(Math.max(0, Math.round(k)), p.thresholds.length - 1)
  const tp = p.tp[i]
  const fp = p.fp[i]
  const tpr = p.members > 0 ? tp / p.members : 0
  const fpr = p.nonmembers > 0 ? fp / p.nonmembers : 0
  const all = p.members + p.nonmembers
  const tied = i > 0 && p.exact ? tp - p.tp[i - 1] + (fp - p.fp[i - 1]) : 0
  return { threshold: p.thresholds[i], tpr, fpr, accuracy: all > 0 ? (tp + p.nonmembers - fp) / all : 0, balancedAccuracy: (tpr + 1 - fpr) / 2, truePositives: tp, falsePositives: fp, tied }
}

/** The point that realises TPR at FPR ≤ `target`: the last one whose FPR does not exceed it (docs/attacks.md, TPR@FPR). */
export function indexForFpr(p: OperatingPoints, target: number): number {
  let k = 0
  // A small tolerance: 0.01 × 1000 non-members is 10 false positives, not 9, whatever the binary rounding says.
  while (k + 1 < p.fp.length && p.fp[k + 1] <= target * p.nonmembers + 1e-9) k++
  return k
}

/** The point of the rule "score ≥ τ": the last threshold not below τ. */
export function indexForThreshold(p: OperatingPoints, tau: number): number {
  let k = 0
  while (k + 1 < p.thresholds.length && p.thresholds[k + 1] >= tau) k++
  return k
}
