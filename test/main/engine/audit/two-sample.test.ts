// Sliced-Wasserstein two-sample test (docs/attacks.md "Audit verdict" (b), (d)) against an independent W1: for two
// equal-size 1-D samples W1 = mean |a_(i) − b_(i)| of the order statistics; and its permutation p-values.
import { describe, expect, it } from 'vitest'
import { twoSampleTest } from '../../../../src/main/engine/audit'
import { createRng } from '../../../../src/main/engine/rng'

const sample = (n: number, d: number, shift: number, seed: number): Float64Array => {
  const rng = createRng(seed)
  return Float64Array.from({ length: n * d }, (_, k) => rng.normal() + (k % d === 0 ? shift : 0))
}

describe('twoSampleTest', () => {
  it('1-D, unstandardized: the statistic is W1 by order statistics', () => {
    const a = sample(300, 1, 0, 1)
    const b = sample(300, 1, 0.4, 2)
    const sa = Array.from(a).sort((x, y) => x - y)
    const sb = Array.from(b).sort((x, y) => x - y)
    const w1 = sa.reduce((s, x, i) => s + Math.abs(x - sb[i]), 0) / sa.length
    const r = twoSampleTest(a, b, 1, { standardize: false, permutations: 0 })
    expect(r.statistic).toBeCloseTo(w1, 10)
    expect(r.directions).toBe(1)
  })

  it('W1 of a pure location shift δ is δ', () => {
    const a = Float64Array.from([0, 1, 2, 5, 9])
    const b = a.map((x) => x + 0.75)
    expect(twoSampleTest(a, b, 1, { standardize: false, permutations: 0 }).statistic).toBeCloseTo(0.75, 12)
  })

  it('rejects a shift in one of 20 dimensions and not a null; p never 0', () => {
    const shifted = twoSampleTest(sample(300, 20, 0.5, 3), sample(300, 20, 0, 4), 20, { permutations: 199, seed: 1 })
    expect(shifted.pValue).toBe(1 / 200)
    const ps = Array.from({ length: 12 }, (_, s) => twoSampleTest(sample(150, 20, 0, 10 + s), sample(150, 20, 0, 50 + s), 20, { permutations: 99, seed: s }).pValue)
    expect(Math.min(...ps)).toBeGreaterThan(0)
    const mean = ps.reduce((x, y) => x + y, 0) / ps.length
    expect(mean).toBeGreaterThan(0.3)
    expect(mean).toBeLessThan(0.75)
  })

  it('drops constant columns and refuses groups under 2 rows', () => {
    const a = Float64Array.from([1, 0, 2, 0, 3, 0])
    const b = Float64Array.from([1, 0, 2, 0, 3, 0])
    expect(twoSampleTest(a, b, 2, { permutations: 9 }).dims).toBe(1)
    expect(() => twoSampleTest(Float64Array.from([1, 2]), b, 2)).toThrow(/at least 2 rows/)
  })
})
