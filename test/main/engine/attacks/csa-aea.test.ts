import { describe, expect, it } from 'vitest'
import { aeaCosineVectors, aeaScores, csaScores, l2NormalizeRows } from '../../../../src/main/engine/attacks'
import { createRng } from '../../../../src/main/engine/rng'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

function randomRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n * d }, () => rng.normal())
}

describe('l2NormalizeRows', () => {
  it('gives unit rows pointing the same way and rejects a zero row', () => {
    const x = randomRows(5, 7, 1)
    const y = l2NormalizeRows(x, 5, 7)
    for (let i = 0; i < 5; i++) {
      let norm = 0
      for (let j = 0; j < 7; j++) norm += y[i * 7 + j] ** 2
      expect(Math.sqrt(norm)).toBeCloseTo(1, 6)
      expect(y[i * 7] / y[i * 7 + 1]).toBeCloseTo(x[i * 7] / x[i * 7 + 1], 4)
    }
    const bad = new Float32Array(14)
    bad.fill(1, 0, 7)
    expect(() => l2NormalizeRows(bad, 2, 7)).toThrow(WorkbenchError)
  })
})

describe('csaScores', () => {
  it('equals the direct dot product of normalised rows and stays within [-1, 1]', () => {
    const n = 50
    const d = 32
    const img = l2NormalizeRows(randomRows(n, d, 2), n, d)
    const txt = l2NormalizeRows(randomRows(n, d, 3), n, d)
    txt.set(img.subarray(0, d), 0) // item 0: identical vectors, cosine 1
    for (let j = 0; j < d; j++) txt[d + j] = -img[d + j] // item 1: opposite, cosine -1
    const s = csaScores(img, txt, n, d)
    for (let i = 0; i < n; i++) {
      let dot = 0
      for (let j = 0; j < d; j++) dot += img[i * d + j] * txt[i * d + j]
      expect(s[i]).toBeCloseTo(Math.max(-1, Math.min(1, dot)), 12)
      expect(Math.abs(s[i])).toBeLessThanOrEqual(1)
    }
    expect(s[0]).toBeCloseTo(1, 6)
    expect(s[1]).toBeCloseTo(-1, 6)
  })

  it('rejects mismatched shapes', () => {
    expect(() => csaScores(new Float32Array(6), new Float32Array(4), 2, 3)).toThrow(/4 values/)
  })
})

describe('AEA', () => {
  it('aggregates hand-made cosine vectors with mean and drop exactly as the spec', () => {
    // Two items, K = 3: c_0 first.
    const v = Float64Array.from([0.5, 0.3, 0.2, 0.1, -0.2, 0.0, 0.4, -0.1])
    const mean = aeaScores(v, 2, 4, 'mean')
    const drop = aeaScores(v, 2, 4, 'drop')
    expect(mean[0]).toBeCloseTo((0.5 + 0.3 + 0.2 + 0.1) / 4, 15)
    expect(mean[1]).toBeCloseTo((-0.2 + 0.0 + 0.4 - 0.1) / 4, 15)
    expect(drop[0]).toBeCloseTo(0.5 - (0.3 + 0.2 + 0.1) / 3, 15)
    expect(drop[1]).toBeCloseTo(-0.2 - (0.0 + 0.4 - 0.1) / 3, 15)
    expect(aeaScores(v, 2, 4)).toEqual(mean)
  })

  it('with K = 0 mean is CSA and drop is refused', () => {
    const v = Float64Array.from([0.25, -0.5])
    expect(Array.from(aeaScores(v, 2, 1, 'mean'))).toEqual([0.25, -0.5])
    expect(() => aeaScores(v, 2, 1, 'drop')).toThrow(/K ≥ 1/)
  })

  it('builds the cosine vectors from per-view image embeddings and the caption embedding', () => {
    const n = 4
    const d = 8
    const txt = l2NormalizeRows(randomRows(n, d, 4), n, d)
    const views = [5, 6, 7].map((s) => l2NormalizeRows(randomRows(n, d, s), n, d))
    const vec = aeaCosineVectors(views, txt, n, d)
    expect(vec.length).toBe(n * 3)
    views.forEach((view, k) => {
      const c = csaScores(view, txt, n, d)
      for (let i = 0; i < n; i++) expect(vec[i * 3 + k]).toBe(c[i])
    })
  })
})
