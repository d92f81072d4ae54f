// Welch's t and Mann–Whitney U against SciPy (tools/stats-reference/make_fixtures.py) and closed forms.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mannWhitneyTest, normalSf, setInference, studentSf, welchTest } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'set-tests-scipy.json'), 'utf8')) as {
  cases: Array<{ suspect: number[]; reference: number[]; welch: { t: number; df: number; pValue: number }; mannWhitney: { u: number; pValue: number } }>
}

describe('set-level tests', () => {
  it('Welch t and Mann–Whitney U match scipy.stats', () => {
    for (const c of fixture.cases) {
      const w = welchTest(c.suspect, c.reference)
      expect(w.t).toBeCloseTo(c.welch.t, 10)
      expect(w.df).toBeCloseTo(c.welch.df, 8)
      expect(w.pValue).toBeCloseTo(c.welch.pValue, 10)
      const u = mannWhitneyTest(c.suspect, c.reference)
      expect(u.u).toBe(c.mannWhitney.u)
      expect(u.pValue).toBeCloseTo(c.mannWhitney.pValue, 10)
    }
  })

  it('tails have their closed forms', () => {
    expect(normalSf(0)).toBeCloseTo(0.5, 15)
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 13)
    expect(normalSf(8) / 6.22096057427178e-16).toBeCloseTo(1, 10)
    // t with 1 df is Cauchy: P(T > t) = 1/2 − atan(t)/π.
    expect(studentSf(2.5, 1)).toBeCloseTo(0.5 - Math.atan(2.5) / Math.PI, 13)
    // t with 2 df: P(T > t) = (1 − t/√(t² + 2)) / 2.
    expect(studentSf(1.3, 2)).toBeCloseTo((1 - 1.3 / Math.sqrt(1.3 ** 2 + 2)) / 2, 13)
  })

  it('holds its level on null data and finds a shift; the curve reaches p < 0.01', () => {
    const rng = createRng(3)
    const draw = (n: number, mu: number): number[] => Array.from({ length: n }, () => mu + rng.normal())
    let rejections = 0
    for (let r = 0; r < 400; r++) if (welchTest(draw(100, 0), draw(180, 0)).pValue < 0.01) rejections++
    expect(rejections / 400).toBeLessThan(0.03)
    const s = setInference('csa', draw(200, 0.6), draw(180, 0), { seed: 1, curveDraws: 21 })
    expect(s.pValue).toBeLessThan(1e-6)
    expect(s.needed).not.toBeNull()
    expect(s.curve.at(-1)!.size).toBe(200)
    expect(s.effect.probabilityOfSuperiority).toBeGreaterThan(0.6)
    expect(() => setInference('csa', [1], [1, 2])).toThrow(/at least 2/)
  })
})
