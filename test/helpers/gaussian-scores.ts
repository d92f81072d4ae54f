// Test data: seeded Gaussian scores, one member in three, members shifted by `shift` standard deviations.
import { createRng } from '../../src/main/engine/rng'

/** n scores; item i is a member when i % 3 === 0, scored N(shift, 1), else N(0, 1). */
export function gaussianScores(n: number, shift: number, seed: number): { scores: Float64Array; labels: Uint8Array } {
  const rng = createRng(seed)
  const scores = new Float64Array(n)
  const labels = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3 === 0 ? 1 : 0
    scores[i] = rng.normal() + shift * labels[i]
  }
  return { scores, labels }
}
