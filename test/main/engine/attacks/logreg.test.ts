import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { denseMatrix, fitLogreg, logregScores } from '../../../../src/main/engine/attacks'
import { createRng } from '../../../../src/main/engine/rng'
import { rankAuc } from './synthetic-embeddings'

interface Fixture {
  X: number[][]
  y: number[]
  cases: Array<{ C: number; coef: number[]; intercept: number; proba: number[] }>
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'logreg-sklearn.json'), 'utf8')) as Fixture

describe('fitLogreg', () => {
  const n = fixture.X.length
  const d = fixture.X[0].length
  const X = denseMatrix(Float64Array.from(fixture.X.flat()), n, d)
  const y = Uint8Array.from(fixture.y)

  for (const expected of fixture.cases) {
    it(`reaches the optimum of scikit-learn's objective for C = ${expected.C}`, () => {
      const fit = fitLogreg(X, y, { c: expected.C })
      expect(fit.converged).toBe(true)
      fit.model.weights.forEach((w, j) => expect(w).toBeCloseTo(expected.coef[j], 7))
      expect(fit.model.intercept).toBeCloseTo(expected.intercept, 7)
      const p = logregScores(fit.model, X)
      expected.proba.forEach((q, i) => expect(p[i]).toBeCloseTo(q, 7))
    })
  }

  it('stops at a stationary point of the objective (gradient ≈ 0)', () => {
    const fit = fitLogreg(X, y, { c: 1 })
    const p = logregScores(fit.model, X)
    for (let j = 0; j < d; j++) {
      let g = fit.model.weights[j]
      for (let i = 0; i < n; i++) g += (p[i] - y[i]) * fixture.X[i][j]
      expect(Math.abs(g)).toBeLessThan(1e-5)
    }
    expect(Math.abs(p.reduce((s, v, i) => s + v - y[i], 0))).toBeLessThan(1e-5)
  })

  it('is deterministic and separates shifted classes', () => {
    const rng = createRng(3)
    const labels = Uint8Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 1 : 0))
    const x = Float32Array.from({ length: 300 * 20 }, (_, k) => rng.normal() + (labels[Math.floor(k / 20)] ? 0.5 : 0))
    const a = fitLogreg(denseMatrix(x, 300, 20), labels)
    const b = fitLogreg(denseMatrix(x, 300, 20), labels)
    expect(Buffer.from(a.model.weights.buffer).equals(Buffer.from(b.model.weights.buffer))).toBe(true)
    expect(rankAuc(logregScores(a.model, denseMatrix(x, 300, 20)), labels)).toBeGreaterThan(0.9)
  })

  it('honours cancellation', () => {
    const controller = new AbortController()
    controller.abort()
    expect(() => fitLogreg(X, y, { signal: controller.signal })).toThrow(expect.objectContaining({ code: 'cancelled' }))
  })
})
