// Paired comparison of two score sets over the same target items: ΔAUC and ΔTPR@FPR, paired bootstrap.
import { WorkbenchError } from '../../../shared/contract/errors'
import { bootstrapParameters, checkBootstrapOptions, forEachResample, type BootstrapOptions } from './bootstrap'
import { percentileInterval, type Interval } from './quantile'
import { streamState } from './resample-counts'
import { multinomialCounts } from './resample-kernels'
import { createPassPlan, weightedStatistics, type PassPlan } from './resample-pass'
import { rocAuc, rocFromSorted } from './roc'
import { sortScores, type SortedScores } from './sorted-scores'
import { tprAtFpr } from './tpr-at-fpr'

/** Two attacks' (or models') scores for the same items: scoresA[i] and scoresB[i] score item i. */
export interface PairedInput {
  /** 1 = member, 0 = non-member, shared by both score sets. */
  labels: ArrayLike<number>
  scoresA: ArrayLike<number>
  scoresB: ArrayLike<number>
}

/** Paired bootstrap options; the same resample indices are applied to A and B. */
export interface PairedOptions extends Pick<BootstrapOptions, 'resamples' | 'seed' | 'confidence' | 'signal' | 'onProgress'> {
  /** FPR target of the TPR comparison (default 0.01). */
  fprTarget?: number
}

/** One compared metric; every Δ is A − B. */
export interface PairedDelta {
  a: number | null
  b: number | null
  /** metric(A) − metric(B) on the full data; null when unresolvable. */
  delta: number | null
  /** Paired-bootstrap percentile interval of the Δ; null when unresolvable. */
  ci: Interval | null
  /** Two-sided bootstrap p-value for Δ = 0: min(1, 2·min(1 + #{Δ* ≤ 0}, 1 + #{Δ* ≥ 0}) / (B + 1)). */
  pValue: number | null
}

/** Result of `compareScores`. */
export interface PairedComparison {
  n: { members: number; nonmembers: number }
  /** Every delta is metric(A) − metric(B). */
  direction: 'a-minus-b'
  auc: PairedDelta
  /** ΔTPR at `target` FPR; resolvable as for single reports (n_nonmembers ≥ 1/target). */
  tprAtFpr: PairedDelta & { target: number; resolvable: boolean }
  bootstrap: { resamples: number; seed: number; confidence: number; method: 'paired-stratified-percentile' }
}

/** Gather per-item counts (input order within the class) into one score set's sorted order. */
function gather(counts: Uint8Array, order: Uint32Array, out: Uint8Array): Uint8Array {
  for (let k = 0; k < order.length; k++) out[k] = counts[order[k]]
  return out
}

/** Bootstrap p-value with the +1 correction, so it is never 0 and identical inputs give 1. */
function bootstrapPValue(deltas: Float64Array): number {
  let atMost = 0
  let atLeast = 0
  for (const d of deltas) {
    if (d <= 0) atMost++
    if (d >= 0) atLeast++
  }
  return Math.min(1, (2 * Math.min(atMost + 1, atLeast + 1)) / (deltas.length + 1))
}

function checkPaired(input: PairedInput, fprTarget: number): void {
  const n = input.labels.length
  if (input.scoresA.length !== n || input.scoresB.length !== n) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `Paired comparison needs one score per item in both sets; got ${input.scoresA.length} and ${input.scoresB.length} scores for ${n} labels.`,
      hint: 'Compare experiments over the same target items, aligned by item.'
    })
  }
  if (!(fprTarget > 0 && fprTarget <= 1)) {
    throw new WorkbenchError({ code: 'invalid-input', message: `fprTarget must be in (0, 1]; got ${fprTarget}.`, hint: 'Use e.g. 0.01.' })
  }
}

interface Side {
  sorted: SortedScores
  plan: PassPlan
  memberOrder: Uint32Array
  nonmemberOrder: Uint32Array
}

function side(scores: ArrayLike<number>, labels: ArrayLike<number>, target: number, what: string): Side {
  const sorted = sortScores({ scores, labels }, { withOrder: true, what })
  const memberOrder = sorted.memberOrder ?? new Uint32Array(0)
  const nonmemberOrder = sorted.nonmemberOrder ?? new Uint32Array(0)
  return { sorted, plan: createPassPlan(sorted, [target]), memberOrder, nonmemberOrder }
}

/**
 * Compare A and B on the same items: each resample draws one stratified set of item counts and applies
 * it to both (a paired bootstrap), so item-level correlation between A and B is kept.
 */
export async function compareScores(input: PairedInput, options: PairedOptions = {}): Promise<PairedComparison> {
  const target = options.fprTarget ?? 0.01
  checkPaired(input, target)
  checkBootstrapOptions(options)
  const { resamples, seed, confidence } = bootstrapParameters(options)
  const A = side(input.scoresA, input.labels, target, 'scores A')
  const B = side(input.scoresB, input.labels, target, 'scores B')
  const nP = A.sorted.members.length
  const nN = A.sorted.nonmembers.length
  const dAuc = new Float64Array(resamples)
  const dTpr = new Float64Array(resamples)
  await forEachResample(resamples, options, (b) => {
    const state = streamState(seed, 'paired', b)
    // Counts per item in input order, then placed in each side's own sorted order.
    const members = multinomialCounts(nP, state)
    const nonmembers = multinomialCounts(nN, state)
    const stats = [A, B].map(({ plan, memberOrder, nonmemberOrder }) =>
      weightedStatistics(plan, gather(members, memberOrder, plan.slot.memberCounts), gather(nonmembers, nonmemberOrder, plan.slot.nonmemberCounts))
    )
    dAuc[b] = stats[0].auc - stats[1].auc
    dTpr[b] = stats[0].tpr[0] - stats[1].tpr[0]
  })
  const curveA = rocFromSorted(A.sorted)
  const curveB = rocFromSorted(B.sorted)
  const aucA = rocAuc(curveA)
  const aucB = rocAuc(curveB)
  const tA = tprAtFpr(curveA, target)
  const tB = tprAtFpr(curveB, target)
  const resolvable = tA.resolvable
  return {
    n: { members: nP, nonmembers: nN },
    direction: 'a-minus-b',
    auc: { a: aucA, b: aucB, delta: aucA - aucB, ci: percentileInterval(dAuc, confidence), pValue: bootstrapPValue(dAuc) },
    tprAtFpr: {
      target,
      resolvable,
      a: tA.tpr,
      b: tB.tpr,
      delta: resolvable ? tA.tpr! - tB.tpr! : null,
      ci: resolvable ? percentileInterval(dTpr, confidence) : null,
      pValue: resolvable ? bootstrapPValue(dTpr) : null
    },
    bootstrap: { resamples, seed, confidence, method: 'paired-stratified-percentile' }
  }
}
