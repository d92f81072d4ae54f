// Regression calibration (docs/attacks.md "Reference-model calibration") against a closed-form case and an
// independent least-squares solve (normal equations on raw sums, Cramer's rule), and its refusals.
import { describe, expect, it } from 'vitest'
import { REGRESSION_MIN_POOL, calibratedScores, calibrationRule, fitReferenceLine } from '../../../../src/main/engine/attacks/reference-calibration'
import { createRng } from '../../../../src/main/engine/rng'

describe('fitReferenceLine', () => {
  it('recovers a known line and spread: s_t = 0.2 + 1.5·s_ref ± 0.01 in alternating signs', () => {
    // Residuals ±e alternate over x values placed symmetrically, so they are orthogonal to 1 and to x: OLS returns
    // the generating line exactly and RSS = n·e², σ = e·sqrt(n / (n − 2)).
    const n = 40
    const x = Array.from({ length: n }, (_, i) => 0.1 + 0.01 * Math.floor(i / 2))
    const e = 0.01
    const y = x.map((v, i) => 0.2 + 1.5 * v + (i % 2 ? e : -e))
    const line = fitReferenceLine(y, x)
    expect(line.slope).toBeCloseTo(1.5, 12)
    expect(line.intercept).toBeCloseTo(0.2, 12)
    expect(line.sigma).toBeCloseTo(e * Math.sqrt(n / (n - 2)), 12)
    expect(line.n).toBe(n)
  })

  it('agrees with an independent solve of the normal equations on random scores', () => {
    const rng = createRng(7)
    const rand = (): number => rng.next()
    const n = 300
    const x = Array.from({ length: n }, () => rand())
    const y = x.map((v) => 0.3 + 0.7 * v + 0.2 * (rand() - 0.5))
    const sx = x.reduce((a, v) => a + v, 0)
    const sy = y.reduce((a, v) => a + v, 0)
    const sxx = x.reduce((a, v) => a + v * v, 0)
    const sxy = x.reduce((a, v, i) => a + v * y[i], 0)
    const det = n * sxx - sx * sx
    const intercept = (sy * sxx - sx * sxy) / det
    const slope = (n * sxy - sx * sy) / det
    const rss = y.reduce((a, v, i) => a + (v - intercept - slope * x[i]) ** 2, 0)
    const line = fitReferenceLine(y, x)
    expect(line.intercept).toBeCloseTo(intercept, 10)
    expect(line.slope).toBeCloseTo(slope, 10)
    expect(line.sigma).toBeCloseTo(Math.sqrt(rss / (n - 2)), 10)
    const scores = calibratedScores('regression', [1, 0.5], [0.2, 0.9], line)
    expect(scores[0]).toBeCloseTo((1 - intercept - slope * 0.2) / line.sigma, 10)
    expect(scores[1]).toBeCloseTo((0.5 - intercept - slope * 0.9) / line.sigma, 10)
  })

  it('refuses a pool too small to fit, and a reference that predicts the target exactly', () => {
    const few = Array.from({ length: REGRESSION_MIN_POOL - 1 }, (_, i) => i / 100)
    expect(() => fitReferenceLine(few, few)).toThrow(/at least 20/)
    const x = Array.from({ length: 50 }, (_, i) => i / 100)
    expect(() => fitReferenceLine(x, x)).toThrow(/zero residual spread/)
  })
})

describe('calibratedScores', () => {
  it('difference is s_t − s_ref, item by item', () => {
    expect(Array.from(calibratedScores('difference', [0.9, 0.4], [0.5, 0.5], null))).toEqual([0.9 - 0.5, 0.4 - 0.5])
  })
})

describe('calibrationRule', () => {
  it('auto is regression from 20 guaranteed non-members on, difference below; a named rule is kept', () => {
    expect(calibrationRule('auto', REGRESSION_MIN_POOL)).toBe('regression')
    expect(calibrationRule('auto', REGRESSION_MIN_POOL - 1)).toBe('difference')
    expect(calibrationRule('auto', 0)).toBe('difference')
    expect(calibrationRule('difference', 1080)).toBe('difference')
    expect(calibrationRule('regression', 0)).toBe('regression')
  })
})
