// One weighted linear pass over once-sorted scores: AUC, TPR@FPR, advantage and score gap of a resample.
import { CELL_SENTINEL, multinomialCounts, multinomialCumulative, blockCount, type CumulativeFix, type StreamState } from './resample-counts'
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
  /** Scratch: non-member resample counts and their block sums. */
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

const NO_FIX: CumulativeFix = { cells: Int32Array.of(CELL_SENTINEL), sign: 0 }

/** Prepare FP budgets for `targets` (fpr ≤ f ⇔ fp ≤ limit, same float test as the full curve). */
export function createPassPlan(sorted: SortedScores, targets: readonly number[]): PassPlan {
  const nN = sorted.nonmembers.length
  const order = Int32Array.from(targets.map((_, i) => i)).sort((a, b) => targets[a] - targets[b])
  const limits = Float64Array.from([...order].map((i) => maxFalsePositives(targets[i], nN)).concat(Infinity))
  return {
    limits,
    order,
    cumMembers: new Float64Array(sorted.members.length + 1),
    nonmemberCounts: new Uint8Array(nN),
    blocks: new Int32Array(blockCount(nN))
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
 * The non-member scan: AUC numerator, best TP·N − FP·P candidate, weighted TP at each FP budget and
 * Σ count·score, written to `out` = [twiceAuc, best, sumNonmembers, targets crossed]. Member prefix
 * counts are cum[i] + sign·#{fix cells < i}; both indices only grow, so two pointers track the fix.
 */
function scanNonmembers(sorted: SortedScores, counts: Uint8Array, cum: Float64Array, fixCells: Int32Array, sign: number, limits: Float64Array, tpAt: Float64Array, out: Float64Array): void {
  const nm = sorted.nonmembers
  const above = sorted.membersAbove
  const atOrAbove = sorted.membersAtOrAbove
  const P = sorted.members.length
  const N = nm.length
  let k = 0
  let nextLimit = limits[0]
  let fp = 0
  let twiceAuc = 0
  let best = 0
  let sum = 0
  let pa = 0
  let pb = 0
  for (let j = 0; j < N; j++) {
    const w = counts[j]
    const ia = above[j]
    const ib = atOrAbove[j]
    while (fixCells[pa] < ia) pa++
    while (fixCells[pb] < ib) pb++
    const a = cum[ia] + sign * pa
    twiceAuc += w * (a + cum[ib] + sign * pb)
    // a·N − fp·P ∝ TPR − FPR at the ROC point just before this non-member's tie group.
    best = Math.max(best, a * N - fp * P)
    fp += w
    while (fp > nextLimit) {
      tpAt[k++] = a
      nextLimit = limits[k]
    }
    sum += w * nm[j]
  }
  out[0] = twiceAuc
  out[1] = best
  out[2] = sum
  out[3] = k
}

function finish(sorted: SortedScores, plan: PassPlan, sumMembers: number, fix: CumulativeFix, nonmemberCounts: Uint8Array): WeightedStatistics {
  const P = sorted.members.length
  const N = sorted.nonmembers.length
  const targets = plan.order.length
  const tpAt = new Float64Array(targets)
  const out = new Float64Array(4)
  scanNonmembers(sorted, nonmemberCounts, plan.cumMembers, fix.cells, fix.sign, plan.limits, tpAt, out)
  for (let k = out[3]; k < targets; k++) tpAt[k] = P
  const tpr = new Float64Array(targets)
  for (let t = 0; t < targets; t++) tpr[plan.order[t]] = tpAt[t] / P
  return { auc: out[0] / (2 * P * N), advantage: out[1] / (P * N), tpr, scoreGap: sumMembers / P - out[2] / N }
}

/**
 * Statistics of the sample where sorted member i appears memberCounts[i] times and sorted non-member j
 * nonmemberCounts[j] times; the counts must sum to the class sizes (a stratified resample, or all ones).
 * Ties: a non-member ties members at or above it with weight ½ (the trapezoid rule); every candidate
 * point for TPR@FPR and advantage is a ROC point "just before a non-member group", where both peak.
 */
export function weightedStatistics(sorted: SortedScores, memberCounts: Uint8Array, nonmemberCounts: Uint8Array, plan: PassPlan): WeightedStatistics {
  const sumMembers = accumulateMembers(sorted.members, memberCounts, plan.cumMembers)
  return finish(sorted, plan, sumMembers, NO_FIX, nonmemberCounts)
}

/**
 * Statistics of one stratified resample drawn from `state`: members straight into prefix sums
 * (multinomialCumulative), then non-member counts, then one scan. No per-member count array is needed.
 */
export function resampleStatistics(sorted: SortedScores, plan: PassPlan, state: StreamState): WeightedStatistics {
  const sums = new Float64Array(2)
  const fix = multinomialCumulative(sorted.members, plan.cumMembers, state, sums)
  multinomialCounts(plan.nonmemberCounts, plan.blocks, state)
  return finish(sorted, plan, sums[1], fix, plan.nonmemberCounts)
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
