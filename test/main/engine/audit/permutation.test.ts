// The label-permutation null (docs/attacks.md "Audit verdict" (c)) against closed forms: the Mann–Whitney null
// mean and variance of the AUC, the exact p-value of a perfect separation, and the metrics module's AUC/TPR.
import { describe, expect, it } from 'vitest'
import { permutationTest } from '../../../../src/main/engine/audit'
import { rocAuc, rocCurve, tprAtFpr } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'

function binomial(n: number, k: number): number {
  let c = 1
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
  return c
}

describe('permutationTest', () => {
  it('observed AUC and TPR@1% equal the metrics module on tied, shuffled data', () => {
    const rng = createRng(7)
    const labels = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    const scores = labels.map((l) => Math.round((rng.normal() + l * 0.8) * 4) / 4)
    const r = permutationTest(scores, labels, { permutations: 10 })
    const curve = rocCurve({ scores, labels })
    expect(r.auc).toBeCloseTo(rocAuc(curve), 12)
    expect(r.tpr).toBeCloseTo(tprAtFpr(curve, 0.01).bestAvailableTpr, 12)
  })

  it('the null AUC has the Mann–Whitney mean 1/2 and variance (n1 + n0 + 1) / (12 n1 n0)', () => {
    const rng = createRng(3)
    const n1 = 40
    const n0 = 60
    const labels = Array.from({ length: n1 + n0 }, (_, i) => (i < n1 ? 1 : 0))
    const scores = labels.map(() => rng.next())
    const variance = (n1 + n0 + 1) / (12 * n1 * n0)
    const r = permutationTest(scores, labels, { permutations: 20000, seed: 1 })
    expect(r.nullAucMean).toBeCloseTo(0.5, 2)
    // 95th percentile of the null ≈ 1/2 + 1.645 σ (normal approximation of the U statistic).
    expect(r.nullAuc95).toBeCloseTo(0.5 + 1.645 * Math.sqrt(variance), 1)
    expect(Math.abs(r.nullAuc95 - (0.5 + 1.645 * Math.sqrt(variance)))).toBeLessThan(0.01)
  })

  it('a perfect separation of 4 members among 10 has exact p = 1 / C(10, 4); Monte Carlo agrees', () => {
    const labels = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    const scores = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    const exact = 1 / binomial(10, 4)
    const r = permutationTest(scores, labels, { permutations: 42000, seed: 5 })
    expect(r.auc).toBe(1)
    // p̂ = (1 + hits) / (1 + B), hits ~ Binomial(B, exact): within 4 standard errors.
    const se = Math.sqrt((exact * (1 - exact)) / 42000)
    expect(Math.abs(r.aucPValue - exact)).toBeLessThan(4 * se + 1 / 42001)
  })

  it('never returns p = 0 and gives p ≈ uniform under the null', () => {
    const ps: number[] = []
    for (let s = 0; s < 40; s++) {
      const rng = createRng(100 + s)
      const labels = Array.from({ length: 200 }, (_, i) => i % 2)
      const scores = labels.map(() => rng.normal())
      ps.push(permutationTest(scores, labels, { permutations: 199, seed: s }).aucPValue)
    }
    expect(Math.min(...ps)).toBeGreaterThan(0)
    const mean = ps.reduce((a, b) => a + b, 0) / ps.length
    expect(mean).toBeGreaterThan(0.35)
    expect(mean).toBeLessThan(0.65)
    const strong = permutationTest(
      [...Array(100).keys()],
      Array.from({ length: 100 }, (_, i) => (i >= 50 ? 1 : 0)),
      { permutations: 99 }
    )
    expect(strong.aucPValue).toBe(1 / 100)
    expect(strong.tprPValue).toBe(1 / 100)
  })
})
