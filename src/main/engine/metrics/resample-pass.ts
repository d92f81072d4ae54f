// One weighted linear pass over once-sorted scores: AUC, TPR@FPR, advantage and score gap of a resample.
import { blockCount, multinomialCounts, type StreamState } from './resample-counts'
import type { SortedScores } from './sorted-scores'
import { maxFalsePositives } from './tpr-at-fpr'

/** Per-target FP budgets and scratch, computed once for one set of sorted scores. */
export interface PassPlan {
  /** Largest allowed weighted FP count per target, ascending, then +Infinity as a sentinel. */
  limits: Float64Array
  /** limits[k] belongs to target index order[k] of the caller's target list. */
  order: Int32Array
  /** Scratch: member prefix counts (length n_members + 1). */
  cumMembers: Float64Array
  /** Scratch: resample counts per sorted member / non-member, and block sums for drawing them. */
  memberCounts: Uint8Array
  nonmemberCounts: Uint8Array
  blocks: Int32Array
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
  const nP = sorted.members.length
  const nN = sorted.nonmembers.length
  const order = Int32Array.from(targets.map((_, i) => i)).sort((a, b) => targets[a] - targets[b])
  const limits = Float64Array.from([...order].map((i) => maxFalsePositives(targets[i], nN)).concat(Infinity))
  return {
    limits,
    order,
    cumMembers: new Float64Array(nP + 1),
    memberCounts: new Uint8Array(nP),
    nonmemberCounts: new Uint8Array(nN),
    blocks: new Int32Array(blockCount(Math.max(nP, nN)))
  }
}

/** Member prefix counts into cum (cum[i] = weighted members among the top i); returns Σ count·score. */
function accumulateMembers(m: Float64Array, counts: Uint8Array, cum: Float64Array): number {
  let tp = 0
  let sum = 0
  cum[0] = 0
  for (let i = 0; i < m.length; i++) {
    const w = counts[i]
    tp += w
    sum += w * m[i]
    cum[i + 1] = tp
  }
  return sum
}

/**
 * The non-member scan: out = [twice the AUC numerator, max of TP·N − FP·P, Σ count·score]. A non-member
 * ties the members at or above it with weight ½ (trapezoid rule); TP·N − FP·P ∝ TPR − FPR at the ROC
 * point just before each non-member's tie group, where the maximum lies. Kept to the bare minimum of
 * work per element: this loop is most of the bootstrap's time.
 */
function scanNonmembers(sorted: SortedScores, counts: Uint8Array, cum: Float64Array, out: Float64Array): void {
  const nm = sorted.nonmembers
  const above = sorted.membersAbove
  const atOrAbove = sorted.membersAtOrAbove
  const P = sorted.members.length
  const N = nm.length
  let fp = 0
  let twiceAuc = 0
  let best = 0
  let sum = 0
  for (let j = 0; j < N; j++) {
    const w = counts[j]
    const a = cum[above[j]]
    twiceAuc += w * (a + cum[atOrAbove[j]])
    const candidate = a * N - fp * P
    if (candidate > best) best = candidate
    fp += w
    sum += w * nm[j]
  }
  out[0] = twiceAuc
  out[1] = best
  out[2] = sum
}

/**
 * Weighted TP at each FP budget: walks non-members from the top until the last finite budget is
 * exceeded (≈ n_nonmembers × the largest target, a short walk for small FPR targets). The ROC point
 * with the largest TP within budget lies just before the non-member that breaks it. Returns the count
 * of budgets broken; the rest hold every member.
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
 * Statistics of the sample where sorted member i appears memberCounts[i] times and sorted non-member j
 * nonmemberCounts[j] times; the counts must sum to the class sizes (a stratified resample, or all ones).
 */
export function weightedStatistics(sorted: SortedScores, memberCounts: Uint8Array, nonmemberCounts: Uint8Array, plan: PassPlan): WeightedStatistics {
  const P = sorted.members.length
  const N = sorted.nonmembers.length
  const cum = plan.cumMembers
  const sumMembers = accumulateMembers(sorted.members, memberCounts, cum)
  const out = new Float64Array(3)
  scanNonmembers(sorted, nonmemberCounts, cum, out)
  const targets = plan.order.length
  const tpAt = new Float64Array(targets)
  for (let k = tpWithinBudgets(sorted.membersAbove, nonmemberCounts, cum, plan.limits, tpAt); k < targets; k++) tpAt[k] = P
  const tpr = new Float64Array(targets)
  for (let t = 0; t < targets; t++) tpr[plan.order[t]] = tpAt[t] / P
  return { auc: out[0] / (2 * P * N), advantage: out[1] / (P * N), tpr, scoreGap: sumMembers / P - out[2] / N }
}

/** Statistics of one stratified resample drawn from `state` (members first, then non-members). */
export function resampleStatistics(sorted: SortedScores, plan: PassPlan, state: StreamState): WeightedStatistics {
  multinomialCounts(plan.memberCounts, plan.blocks, state)
  multinomialCounts(plan.nonmemberCounts, plan.blocks, state)
  return weightedStatistics(sorted, plan.memberCounts, plan.nonmemberCounts, plan)
}

/* Prime V8's type feedback on a tiny input before any hot call (see the note in resample-counts.ts). */
{
  const tiny: SortedScores = {
    members: Float64Array.of(3, 1),
    nonmembers: Float64Array.of(2, 1, 0),
    membersAbove: Int32Array.of(1, 1, 2),
    membersAtOrAbove: Int32Array.of(1, 2, 2)
  }
  const plan = createPassPlan(tiny, [0.4, 1])
  for (let b = 0; b < 16; b++) {
    weightedStatistics(tiny, Uint8Array.of(1, 1), Uint8Array.of(b % 2, 1, 2 - (b % 2)), plan)
    resampleStatistics(tiny, plan, Int32Array.of(b, 1, 2, 3))
  }
}
