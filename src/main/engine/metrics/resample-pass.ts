// One weighted linear pass over once-sorted scores: AUC, TPR@FPR, advantage and score gap of a resample.
import type { SortedScores } from './sorted-scores'
import { maxFalsePositives } from './tpr-at-fpr'

/** Per-target FP budgets, ascending, computed once for a fixed number of non-members. */
export interface PassPlan {
  /** Largest allowed weighted FP count per target, ascending. */
  limits: Float64Array
  /** limits[k] belongs to target index order[k] of the caller's target list. */
  order: Int32Array
  /** Scratch: member cumulative counts (length n_members + 1). */
  cumMembers: Float64Array
}

/** Statistics of one (weighted) sample. */
export interface WeightedStatistics {
  auc: number
  /** max(TPR − FPR) over the curve; oracle balanced accuracy is (1 + advantage) / 2. */
  advantage: number
  /** TPR at each target, in the caller's order (meaningless for unresolvable targets). */
  tpr: Float64Array
  /** mean score of members − mean score of non-members. */
  scoreGap: number
}

/** Prepare FP budgets for `targets` (fpr ≤ f ⇔ fp ≤ limit, same float test as the full curve). */
export function createPassPlan(sorted: SortedScores, targets: readonly number[]): PassPlan {
  const nN = sorted.nonmembers.length
  const order = Int32Array.from(targets.map((_, i) => i)).sort((a, b) => targets[a] - targets[b])
  const limits = Float64Array.from(order, (i) => maxFalsePositives(targets[i], nN))
  return { limits, order, cumMembers: new Float64Array(sorted.members.length + 1) }
}

/**
 * Statistics of the sample where sorted member i appears memberCounts[i] times and sorted non-member j
 * nonmemberCounts[j] times; the counts must sum to the class sizes (a stratified resample, or all ones).
 * Ties: a non-member ties members at or above it with weight ½ (the trapezoid rule); every candidate
 * point for TPR@FPR and advantage is a ROC point "just before a non-member group", where both peak.
 */
export function weightedStatistics(sorted: SortedScores, memberCounts: Int32Array, nonmemberCounts: Int32Array, plan: PassPlan): WeightedStatistics {
  const m = sorted.members
  const nm = sorted.nonmembers
  const above = sorted.membersAbove
  const atOrAbove = sorted.membersAtOrAbove
  const cum = plan.cumMembers
  const P = m.length
  const N = nm.length
  let tp = 0
  let sumMembers = 0
  cum[0] = 0
  for (let i = 0; i < P; i++) {
    const w = memberCounts[i]
    tp += w
    sumMembers += w * m[i]
    cum[i + 1] = tp
  }
  const limits = plan.limits
  const targets = limits.length
  const tprSorted = new Float64Array(targets)
  let k = 0
  let nextLimit = targets > 0 ? limits[0] : Infinity
  let fp = 0
  let twiceAuc = 0
  let best = 0
  let sumNonmembers = 0
  for (let j = 0; j < N; j++) {
    const w = nonmemberCounts[j]
    const a = cum[above[j]]
    twiceAuc += w * (a + cum[atOrAbove[j]])
    const candidate = a * N - fp * P
    if (candidate > best) best = candidate
    fp += w
    while (fp > nextLimit) {
      tprSorted[k++] = a
      nextLimit = k < targets ? limits[k] : Infinity
    }
    sumNonmembers += w * nm[j]
  }
  for (; k < targets; k++) tprSorted[k] = P
  const tpr = new Float64Array(targets)
  for (let t = 0; t < targets; t++) tpr[plan.order[t]] = tprSorted[t] / P
  return { auc: twiceAuc / (2 * P * N), advantage: best / (P * N), tpr, scoreGap: sumMembers / P - sumNonmembers / N }
}
