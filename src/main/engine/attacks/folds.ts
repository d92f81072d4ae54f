// Seeded stratified k-fold assignment, as used by the blind baseline (docs/attacks.md, k = 5).
import { WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'

/**
 * Fold index (0..k−1) per item: each class is shuffled with the seed and dealt round-robin, so every
 * fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ items of class c and fold sizes differ by at most one overall.
 */
export function stratifiedFolds(labels: Uint8Array, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Stratified k-fold needs an integer k ≥ 2, got ${k}.` })
  }
  const rng = createRng(seedOf('stratified-folds', seed, k))
  const folds = new Int32Array(labels.length)
  let dealt = 0
  for (const cls of [0, 1]) {
    const rows: number[] = []
    labels.forEach((y, i) => y === cls && rows.push(i))
    if (rows.length < k) {
      throw new WorkbenchError({
        code: 'invalid-input',
        message: `Stratified ${k}-fold needs at least ${k} ${cls === 1 ? 'members' : 'non-members'} among the target items, found ${rows.length}.`,
        hint: 'Add evaluated target items of both classes, or lower k.'
      })
    }
    shuffleInPlace(rows, rng)
    for (const i of rows) folds[i] = dealt++ % k
  }
  return folds
}
