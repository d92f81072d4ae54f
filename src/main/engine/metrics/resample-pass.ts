// Statistics of one weighted sample over once-sorted scores: AUC, TPR@FPR, advantage and score gap.
import { createArena, openSlot, type ArenaSlot } from './resample-kernels'
import type { StreamState } from './resample-counts'
import type { SortedScores } from './sorted-scores'
import { maxFalsePositives } from './tpr-at-fpr'

/** Per-target FP budgets and the scratch slot one thread computes on. */
export interface PassPlan {
  slot: ArenaSlot
  /** Largest allowed weighted FP count per target, ascending, then +Infinity as a sentinel. */
  limits: Float64Array
  /** limits[k] belongs to target index order[k] of the caller's target list. */
  order: Int32Array
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

/** A plan on an opened arena slot (fpr ≤ f ⇔ weighted FP ≤ limit: the same float test as the full curve). */
export function planOnSlot(slot: ArenaSlot, targets: readonly number[]): PassPlan {
  const nN = slot.sorted.nonmembers.length
  const order = Int32Array.from(targets.map((_, i) => i)).sort((a, b) => targets[a] - targets[b])
  const limits = Float64Array.from([...order].map((i) => maxFalsePositives(targets[i], nN)).concat(Infinity))
  return { slot, limits, order }
}

/** A plan with its own one-slot arena holding a copy of `sorted`. */
export function createPassPlan(sorted: SortedScores, targets: readonly number[]): PassPlan {
  return planOnSlot(openSlot(createArena(sorted, 1), 0), targets)
}

/**
 * Weighted TP at each FP budget: walks non-members from the top until the last finite budget is
 * exceeded (≈ n_nonmembers × the largest target, short for small FPR targets). The ROC point with the
 * largest TP within budget lies just before the non-member that breaks it. Returns budgets broken.
 */
function tpWithinBudgets(above: Int32Array, counts: Uint8Array, cum: Float64Array, limits: Float64Array, tpAt: Float64Array): number {
  let k = 0
  let nextLimit = limits[0]
  let fp = 0
  for (let j = 0; j < counts.length && nextLimit !== Infinity; j++) {
    fp += counts[j]
    while (fp > nextLimit) {
      tpAt[k++] = cum[above[j]]
      nextLimit = limits[k]
    }
  }
  return k
}

/**
 * Statistics of the counts now in the plan's slot (they must sum to the class sizes: a stratified
 * resample, or all ones). A non-member ties the members at or above it with weight ½ (trapezoid rule).
 */
function slotStatistics(plan: PassPlan): WeightedStatistics {
  const { slot, order, limits } = plan
  const P = slot.sorted.members.length
  const N = slot.sorted.nonmembers.length
  const sumMembers = slot.accumulate()
  const [twiceAuc, best, sumNonmembers] = slot.scan()
  const tpAt = new Float64Array(order.length)
  for (let k = tpWithinBudgets(slot.sorted.membersAbove, slot.nonmemberCounts, slot.cum, limits, tpAt); k < order.length; k++) tpAt[k] = P
  const tpr = new Float64Array(order.length)
  for (let t = 0; t < order.length; t++) tpr[order[t]] = tpAt[t] / P
  return { auc: twiceAuc / (2 * P * N), advantage: best / (P * N), tpr, scoreGap: sumMembers / P - sumNonmembers / N }
}

/** Statistics of the sample where sorted member i appears memberCounts[i] times, non-member j nonmemberCounts[j] times. */
export function weightedStatistics(plan: PassPlan, memberCounts: ArrayLike<number>, nonmemberCounts: ArrayLike<number>): WeightedStatistics {
  plan.slot.memberCounts.set(memberCounts)
  plan.slot.nonmemberCounts.set(nonmemberCounts)
  return slotStatistics(plan)
}

/** Statistics of one stratified resample drawn from `state` (members first, then non-members). */
export function resampleStatistics(plan: PassPlan, state: StreamState): WeightedStatistics {
  plan.slot.draw('members', state)
  plan.slot.draw('nonmembers', state)
  return slotStatistics(plan)
}
