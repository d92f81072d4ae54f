// Seeded stratified k-fold assignment, as used by the blind baseline (docs/attacks.md, k = 5).
import { WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'

/**
 * Fold index (0..k−1) per item: each class is shuffled with the seed and dealt round-robin, so every
 * fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ items of class c and fold sizes differ by at most one overall.
 * With `groups`, items sharing a group key are dealt together as one unit (labelled by its first
 * item): near-copies such as two renders of one caption then never sit on both sides of a split.
 */
export function stratifiedFolds(labels: Uint8Array, k: number, seed: number, groups?: ArrayLike<string>): Int32Array {
  if (!Number.isInteger(k) || k < 2) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Stratified k-fold needs an integer k ≥ 2, got ${k}.` })
  }
  const rng = createRng(seedOf('stratified-folds', seed, k))
  const units = groupUnits(labels, groups)
  const folds = new Int32Array(labels.length)
  let dealt = 0
  for (const cls of [0, 1]) {
    const rows = units.filter((u) => labels[u[0]] === cls)
    if (rows.length < k) {
      throw new WorkbenchError({
        code: 'invalid-input',
        message: `Stratified ${k}-fold needs at least ${k} ${cls === 1 ? 'members' : 'non-members'}${groups ? ' (distinct groups)' : ''} among the target items, found ${rows.length}.`,
        hint: 'Add evaluated target items of both classes, or lower k.'
      })
    }
    shuffleInPlace(rows, rng)
    for (const unit of rows) {
      const f = dealt++ % k
      for (const i of unit) folds[i] = f
    }
  }
  return folds
}

/** Items as units: one per item, or one per group key in first-seen order. */
function groupUnits(labels: Uint8Array, groups?: ArrayLike<string>): number[][] {
  if (!groups) return Array.from(labels, (_, i) => [i])
  const byKey = new Map<string, number[]>()
  for (let i = 0; i < labels.length; i++) {
    const unit = byKey.get(groups[i])
    if (unit) unit.push(i)
    else byKey.set(groups[i], [i])
  }
  return [...byKey.values()]
}
