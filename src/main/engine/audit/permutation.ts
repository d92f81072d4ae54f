// Label-permutation null of an attack's AUC and TPR@f (docs/attacks.md "Audit verdict" (c)): how often do
// shuffled member/non-member labels score at least as well as the real ones?
import { throwIfAborted } from '../../../shared/contract/errors'
import { maxFalsePositives } from '../metrics/tpr-at-fpr'
import { validateLabelledScores } from '../metrics'
import { createRng, seedOf, shuffleInPlace } from '../rng'

/** Options of the permutation test. */
export interface PermutationOptions {
  /** Number of label permutations (default 1000). */
  permutations?: number
  seed?: number
  /** FPR of the TPR statistic (default 0.01). */
  fpr?: number
  signal?: AbortSignal
}

/** Observed statistics, their permutation p-values and a summary of the null. */
export interface PermutationResult {
  auc: number
  tpr: number
  fpr: number
  /** (1 + #{null ≥ observed}) / (1 + permutations): never 0, exact-size under the null (Phipson & Smyth 2010). */
  aucPValue: number
  tprPValue: number
  permutations: number
  seed: number
  nullAucMean: number
  /** 95th percentile of the null AUCs. */
  nullAuc95: number
}

/** Scores sorted descending, cut into tie groups: group g spans sorted positions [starts[g], starts[g+1]). */
interface TieGroups {
  starts: Int32Array
  /** Original index of each sorted position. */
  order: Int32Array
}

function tieGroups(scores: ArrayLike<number>): TieGroups {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a])
  const starts: number[] = [0]
  for (let k = 1; k < order.length; k++) if (scores[order[k]] !== scores[order[k - 1]]) starts.push(k)
  starts.push(order.length)
  return { starts: Int32Array.from(starts), order }
}

/**
 * AUC (ties count half, = sklearn's roc_auc_score) and TPR at FPR ≤ f (the metrics module's definition) of
 * labels given in sorted order, in one pass over the tie groups.
 */
function statistics(groups: TieGroups, sortedLabels: Uint8Array, nP: number, nN: number, maxFp: number): { auc: number; tpr: number } {
  let tp = 0
  let fp = 0
  let pairs = 0
  let tpr = 0
  const { starts } = groups
  for (let g = 0; g + 1 < starts.length; g++) {
    let p = 0
    for (let k = starts[g]; k < starts[g + 1]; k++) p += sortedLabels[k]
    const q = starts[g + 1] - starts[g] - p
    pairs += q * (tp + p / 2)
    tp += p
    fp += q
    if (fp <= maxFp) tpr = tp / nP
  }
  return { auc: pairs / (nP * nN), tpr }
}

/** The label-permutation test of AUC and TPR@f; labels 1 = member, 0 = non-member. */
export function permutationTest(scores: ArrayLike<number>, labels: ArrayLike<number>, options: PermutationOptions = {}): PermutationResult {
  const { members: nP, nonmembers: nN } = validateLabelledScores({ scores, labels }, 'permutation test')
  const permutations = options.permutations ?? 1000
  const seed = options.seed ?? 0
  const fpr = options.fpr ?? 0.01
  const groups = tieGroups(scores)
  const sorted = Uint8Array.from(groups.order, (i) => labels[i])
  const maxFp = maxFalsePositives(fpr, nN)
  const observed = statistics(groups, sorted, nP, nN, maxFp)
  const rng = createRng(seedOf('audit-permutation', seed))
  const nullAucs = new Float64Array(permutations)
  let aucHits = 0
  let tprHits = 0
  // A relative slack keeps a permutation that reproduces the observed value from losing the tie to rounding.
  const atLeast = (x: number, y: number): boolean => x >= y - 1e-12
  for (let b = 0; b < permutations; b++) {
    if ((b & 63) === 0) throwIfAborted(options.signal)
    shuffleInPlace(sorted, rng)
    const s = statistics(groups, sorted, nP, nN, maxFp)
    nullAucs[b] = s.auc
    if (atLeast(s.auc, observed.auc)) aucHits++
    if (atLeast(s.tpr, observed.tpr)) tprHits++
  }
  const ranked = Float64Array.from(nullAucs).sort()
  return {
    auc: observed.auc,
    tpr: observed.tpr,
    fpr,
    aucPValue: (1 + aucHits) / (1 + permutations),
    tprPValue: (1 + tprHits) / (1 + permutations),
    permutations,
    seed,
    nullAucMean: permutations ? nullAucs.reduce((a, x) => a + x, 0) / permutations : Number.NaN,
    nullAuc95: permutations ? ranked[Math.min(permutations - 1, Math.floor(0.95 * permutations))] : Number.NaN
  }
}
