// QMIA, loss + gradient norm and zero-shot rank against independent implementations written here (issue 20).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { batchLossGrad, centredGram, fitDualRidge, normalQuantile, predictDualRidge, runLossGrad, runQmia, runRank } from '../../../../src/main/engine/attacks'
import { createRng } from '../../../../src/main/engine/rng'

function unitRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed)
  const x = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < d; j++) s += (x[i * d + j] = rng.normal()) ** 2
    for (let j = 0; j < d; j++) x[i * d + j] /= Math.sqrt(s)
  }
  return x
}

/** The symmetric InfoNCE batch loss written directly from its definition, in float64. */
function batchLoss(u: Float64Array, v: Float64Array, b: number, d: number, s: number): number {
  const S = (i: number, j: number): number => {
    let dot = 0
    for (let k = 0; k < d; k++) dot += u[i * d + k] * v[j * d + k]
    return s * dot
  }
  const lse = (xs: number[]): number => Math.max(...xs) + Math.log(xs.reduce((a, x) => a + Math.exp(x - Math.max(...xs)), 0))
  let total = 0
  for (let i = 0; i < b; i++) {
    total += lse(Array.from({ length: b }, (_, j) => S(i, j))) - S(i, i)
    total += lse(Array.from({ length: b }, (_, j) => S(j, i))) - S(i, i)
  }
  return total / (2 * b)
}

describe('loss + gradient norm', () => {
  it('matches central finite differences of the batch loss', () => {
    const b = 6
    const d = 5
    const s = 14.3
    const u = unitRows(b, d, 1)
    const v = unitRows(b, d, 2)
    const got = batchLossGrad(u, v, b, d, s)
    const U = Float64Array.from(u)
    const V = Float64Array.from(v)
    const L = batchLoss(U, V, b, d, s)
    expect(got.loss.reduce((a, x) => a + x, 0) / b).toBeCloseTo(L, 12)
    const h = 1e-6
    for (let i = 0; i < b; i++) {
      let sq = 0
      for (const M of [U, V]) {
        for (let k = 0; k < d; k++) {
          const keep = M[i * d + k]
          M[i * d + k] = keep + h
          const up = batchLoss(U, V, b, d, s)
          M[i * d + k] = keep - h
          const down = batchLoss(U, V, b, d, s)
          M[i * d + k] = keep
          sq += ((up - down) / (2 * h)) ** 2
        }
      }
      expect(got.gradNorm[i]).toBeCloseTo(Math.sqrt(sq), 6)
    }
  })

  it('matches PyTorch autograd (tools/stats-reference/loss_grad_reference.py)', () => {
    const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'loss-grad-torch.json'), 'utf8')) as {
      cases: Array<{ b: number; d: number; scale: number; u: number[]; v: number[]; loss: number[]; gradNorm: number[] }>
    }
    for (const c of fixture.cases) {
      const got = batchLossGrad(Float32Array.from(c.u), Float32Array.from(c.v), c.b, c.d, c.scale)
      c.loss.forEach((l, i) => expect(got.loss[i]).toBeCloseTo(l, 9))
      c.gradNorm.forEach((g, i) => expect(got.gradNorm[i]).toBeCloseTo(g, 9))
    }
  })

  it('scores memorised pairs (image = caption) above unrelated ones, deterministically per seed', () => {
    const d = 16
    const nT = 80
    const nR = 60
    const image = unitRows(nT + nR, d, 3)
    const text = unitRows(nT + nR, d, 4)
    // The first 40 targets are "members": caption embedding equal to the image's, so their pair dominates the batch.
    for (let i = 0; i < 40; i++) text.set(image.subarray(i * d, (i + 1) * d), i * d)
    const run = (seed: number) => runLossGrad({ d, image, text, nTargets: nT, nReference: nR, batchSize: 32, logitScale: 20, seed })
    const r = run(0)
    const mean = (a: number, z: number): number => r.scores.slice(a, z).reduce((s, x) => s + x, 0) / (z - a)
    expect(mean(0, 40)).toBeGreaterThan(mean(40, 80) + 0.3)
    expect(r.report.batches).toBe(4)
    expect(run(0).scores).toEqual(r.scores)
    expect(() => runLossGrad({ d, image, text, nTargets: nT, nReference: 1, batchSize: 32, logitScale: 20, seed: 0 })).toThrow(/at least 2/)
  })
})

describe('QMIA', () => {
  it('dual ridge leave-one-out residuals equal brute-force refits', () => {
    const n = 25
    const p = 4
    const rng = createRng(7)
    const x = Float64Array.from({ length: n * p }, () => rng.normal())
    const y = Float64Array.from({ length: n }, (_, i) => x[i * p] - 2 * x[i * p + 1] + 0.3 * rng.normal())
    const { gram, mean } = centredGram(x, n, p)
    const fit = fitDualRidge(gram, n, y, [0.1])
    // Brute force: drop row i, refit ridge in the primal with the same λ on centred features and targets, predict row i.
    for (const i of [0, 7, 24]) {
      const keep = Array.from({ length: n }, (_, r) => r).filter((r) => r !== i)
      const xs = keep.map((r) => Array.from(x.subarray(r * p, (r + 1) * p), (v, j) => v - mean[j]))
      const yMean = Array.from(y).reduce((a, b) => a + b, 0) / n
      const ys = keep.map((r) => y[r] - yMean)
      const A = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => xs.reduce((s, row) => s + row[a] * row[b], 0) + (a === b ? fit.lambda : 0)))
      const rhs = Array.from({ length: p }, (_, a) => xs.reduce((s, row, k) => s + row[a] * ys[k], 0))
      // Gaussian elimination.
      for (let c = 0; c < p; c++)
        for (let r = c + 1; r < p; r++) {
          const f = A[r][c] / A[c][c]
          for (let k = c; k < p; k++) A[r][k] -= f * A[c][k]
          rhs[r] -= f * rhs[c]
        }
      const w = new Array<number>(p).fill(0)
      for (let c = p - 1; c >= 0; c--) w[c] = (rhs[c] - A[c].slice(c + 1).reduce((s, a, k) => s + a * w[c + 1 + k], 0)) / A[c][c]
      const pred = yMean + w.reduce((s, wj, j) => s + wj * (x[i * p + j] - mean[j]), 0)
      expect(fit.looResiduals[i]).toBeCloseTo(y[i] - pred, 10)
    }
    const all = predictDualRidge(fit, x, n, mean, x, n, p)
    expect(all.length).toBe(n)
  })

  it('normalQuantile matches known values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8)
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874040841, 8)
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167814, 8)
  })

  it('per-item thresholds hold the FPR on fresh non-members with heteroscedastic scores and flag shifted members', () => {
    const p = 3
    const make = (n: number, seed: number, shift: number) => {
      const rng = createRng(seed)
      const features = Float64Array.from({ length: n * p }, () => rng.normal())
      // Non-member score: mean 0.5·x₀, scale 0.05 or 0.4 by the sign of x₁; members add `shift` scales.
      const score = Float64Array.from({ length: n }, (_, i) => {
        const sd = features[i * p + 1] > 0 ? 0.4 : 0.05
        return 0.5 * features[i * p] + sd * (rng.normal() + shift)
      })
      return { n, features, score }
    }
    const reference = make(600, 11, 0)
    const fresh = make(4000, 12, 0)
    const members = make(500, 13, 3)
    const target = { n: 4500, features: new Float64Array([...fresh.features, ...members.features]), score: new Float64Array([...fresh.score, ...members.score]) }
    const r = runQmia({ p, reference, target, alpha: 0.05, seed: 0 })
    const flagged = (a: number, z: number): number => r.scores.slice(a, z).filter((s) => s > r.report.zThreshold).length / (z - a)
    // The fitted scale is linear-in-features (a smooth proxy for the step), so allow some slack around α = 5 %.
    expect(flagged(0, 4000)).toBeGreaterThan(0.02)
    expect(flagged(0, 4000)).toBeLessThan(0.09)
    expect(flagged(4000, 4500)).toBeGreaterThan(0.5)
    expect(r.report.referenceFlagRate).toBeLessThan(0.1)
  })
})

describe('zero-shot rank', () => {
  it('equals a brute-force rank over the same seeded candidates', () => {
    const d = 8
    const n = 30
    const image = unitRows(n, d, 21)
    const text = unitRows(n, d, 22)
    const ownIndex = Int32Array.from({ length: n }, (_, i) => i)
    const k = 10
    const r = runRank({ d, image, ownText: [text], candidates: [text], m: n, ownIndex, k, seed: 5 })
    for (let i = 0; i < n; i++) {
      expect(r.ranks[i]).toBeGreaterThanOrEqual(1)
      expect(r.ranks[i]).toBeLessThanOrEqual(k)
    }
    // With K = n, the distractors are every other caption: the rank is the position among all captions.
    const full = runRank({ d, image, ownText: [text], candidates: [text], m: n, ownIndex, k: n, seed: 5 })
    for (let i = 0; i < n; i++) {
      const sims = Array.from({ length: n }, (_, c) => Array.from({ length: d }, (_, j) => image[i * d + j] * text[c * d + j]).reduce((a, b) => a + b, 0))
      expect(full.ranks[i]).toBe(1 + sims.filter((s, c) => c !== i && s > sims[i]).length)
      const margin = sims[i] - Math.max(...sims.filter((_, c) => c !== i))
      expect(full.scores[i]).toBeCloseTo((n - full.ranks[i] + (0.499 * (margin + 2)) / 4) / n, 12)
    }
    // Rank orders first: every better-ranked item scores higher, whatever its margin.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (full.ranks[i] < full.ranks[j]) expect(full.scores[i]).toBeGreaterThan(full.scores[j])
    expect(() => runRank({ d, image, ownText: [text], candidates: [text], m: n, ownIndex, k: n + 1, seed: 5 })).toThrow(/distractor/)
  })

  it('ranks against a candidate list that lacks the own caption (every candidate is a distractor)', () => {
    const d = 2
    const image = Float32Array.of(1, 0)
    const own = Float32Array.of(0.8, 0.6)
    // Candidates at angles: two more similar to the image than the own caption (cos 0.8), three less.
    const list = Float32Array.of(1, 0, 0.9, Math.sqrt(1 - 0.81), 0.5, Math.sqrt(0.75), 0, 1, -1, 0)
    const r = runRank({ d, image, ownText: [own], candidates: [list], m: 5, ownIndex: Int32Array.of(-1), k: 6, seed: 0 })
    expect(r.ranks[0]).toBe(3)
    expect(() => runRank({ d, image, ownText: [own], candidates: [list], m: 5, ownIndex: Int32Array.of(-1), k: 7, seed: 0 })).toThrow(/only 5/)
  })

  it('votes over templates by the median rank', () => {
    const d = 4
    const image = Float32Array.of(1, 0, 0, 0)
    const a = Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0)
    const b = Float32Array.of(0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0)
    const own = (m: Float32Array) => m.slice(0, 4)
    const r = runRank({ d, image, ownText: [own(a), own(b), own(a)], candidates: [a, b, a], m: 3, ownIndex: Int32Array.of(0), k: 3, seed: 0 })
    expect(r.ranks[0]).toBe(1)
    expect(r.report.templates).toBe(3)
  })
})
