// ROC confidence band: agrees with a naive bootstrap written here, closed-form cases, contains the curve, shrinks with n.
import { describe, expect, it } from 'vitest'
import { evaluateScores, rocBand, rocBandGrid, rocCurve, sortScores, tprAtFpr } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'
import { gaussianScores } from '../../../helpers/gaussian-scores'

/** TPR at FPR ≤ f by its definition: members scoring above the (m+1)-th highest non-member, m the largest count with m/n₀ ≤ f. */
function naiveTprAt(members: number[], nonmembersDesc: number[], f: number): number {
  const n0 = nonmembersDesc.length
  let m = 0
  while (m < n0 && (m + 1) / n0 <= f) m++
  if (m >= n0) return 1
  const bar = nonmembersDesc[m]
  return members.filter((s) => s > bar).length / members.length
}

/** numpy-linear quantile of ascending values. */
function q(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  return lo + 1 < sorted.length ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (h - lo) : sorted[lo]
}

/** An independent stratified percentile bootstrap of TPR at each f, on its own random stream. */
function naiveBand(members: number[], nonmembers: number[], grid: number[], resamples: number, seed: number): { lo: number[]; hi: number[] } {
  const rng = createRng(seed)
  const draws: number[][] = grid.map(() => [])
  const pick = (xs: number[]): number[] => xs.map(() => xs[Math.floor(rng.next() * xs.length)])
  for (let b = 0; b < resamples; b++) {
    const m = pick(members)
    const n = pick(nonmembers).sort((a, c) => c - a)
    grid.forEach((f, g) => draws[g].push(naiveTprAt(m, n, f)))
  }
  const sorted = draws.map((d) => d.sort((a, c) => a - c))
  return { lo: sorted.map((d) => q(d, 0.025)), hi: sorted.map((d) => q(d, 0.975)) }
}

const split = (data: { scores: Float64Array; labels: Uint8Array }): { members: number[]; nonmembers: number[] } => ({
  members: [...data.scores].filter((_, i) => data.labels[i] === 1),
  nonmembers: [...data.scores].filter((_, i) => data.labels[i] === 0)
})

describe('rocBandGrid', () => {
  it('holds 0, 1, the resolvable targets and no rate below 1/n₀, ascending', () => {
    const grid = rocBandGrid(500, [0.001, 0.01, 0.05])
    expect(grid[0]).toBe(0)
    expect(grid[grid.length - 1]).toBe(1)
    expect(grid).toContain(0.01)
    expect(grid).toContain(0.05)
    expect(grid).not.toContain(0.001)
    expect(grid.filter((f) => f > 0).every((f) => f >= 1 / 500 - 1e-15)).toBe(true)
    expect(grid.every((f, i) => i === 0 || f > grid[i - 1])).toBe(true)
  })
})

describe('rocBand', () => {
  it('agrees with a naive stratified bootstrap of TPR at each FPR (independent draws, 2000 resamples each)', async () => {
    const data = gaussianScores(900, 1, 3)
    const { members, nonmembers } = split(data)
    const band = await rocBand(sortScores(data), { resamples: 2000, seed: 1 })
    const naive = naiveBand(members, nonmembers, band.fpr, 2000, 99)
    const worst = Math.max(...band.fpr.map((_, g) => Math.max(Math.abs(band.lo[g] - naive.lo[g]), Math.abs(band.hi[g] - naive.hi[g]))))
    // Two Monte Carlo estimates of the same percentiles: they differ by a few TPR steps (1/300) at most.
    expect(worst).toBeLessThan(0.03)
  })

  it('is the report’s band: same resamples, and at each target FPR it is exactly that target’s TPR interval', async () => {
    const data = gaussianScores(1200, 0.8, 5)
    const report = await evaluateScores(data, { resamples: 300, seed: 7, fprTargets: [0.01, 0.05], curvePoints: 500 })
    const band = report.rocBand!
    expect(await rocBand(sortScores(data), { resamples: 300, seed: 7, fprTargets: [0.01, 0.05] })).toEqual(band)
    for (const key of ['0', '0.01', '0.05']) {
      const g = band.fpr.indexOf(Number(key))
      expect(g, key).toBeGreaterThanOrEqual(0)
      expect({ lo: band.lo[g], hi: band.hi[g] }).toEqual(report.tprAtFpr[key].ci)
    }
    expect(band).toMatchObject({ confidence: 0.95, resamples: 300, seed: 7, method: 'pointwise-percentile' })
  })

  it('is [1, 1] everywhere for separated classes, and [0, 0] below FPR 1 when every score ties', async () => {
    const separated = await rocBand(sortScores({ scores: [5, 6, 7, 1, 2, 3, 4], labels: [1, 1, 1, 0, 0, 0, 0] }), { resamples: 200 })
    expect(separated.lo.every((v) => v === 1) && separated.hi.every((v) => v === 1)).toBe(true)
    const tied = await rocBand(sortScores({ scores: new Array(40).fill(0.5), labels: Array.from({ length: 40 }, (_, i) => i % 2) }), { resamples: 200 })
    tied.fpr.forEach((f, g) => expect([tied.lo[g], tied.hi[g]], `f = ${f}`).toEqual(f < 1 ? [0, 0] : [1, 1]))
  })

  it('is monotone in FPR, contains the empirical curve and narrows as n grows', async () => {
    const width = async (n: number): Promise<number> => {
      const data = gaussianScores(n, 1, 11)
      const band = await rocBand(sortScores(data), { resamples: 500, seed: 2 })
      const curve = rocCurve(data)
      band.fpr.forEach((f, g) => {
        const tpr = tprAtFpr(curve, f).bestAvailableTpr
        expect(band.lo[g], `lo ≤ TPR(${f}) at n = ${n}`).toBeLessThanOrEqual(tpr + 1e-12)
        expect(band.hi[g], `hi ≥ TPR(${f}) at n = ${n}`).toBeGreaterThanOrEqual(tpr - 1e-12)
        if (g > 0) expect(band.lo[g] >= band.lo[g - 1] && band.hi[g] >= band.hi[g - 1]).toBe(true)
      })
      const inner = band.fpr.flatMap((f, g) => (f >= 0.05 && f <= 0.5 ? [band.hi[g] - band.lo[g]] : []))
      return inner.reduce((a, b) => a + b, 0) / inner.length
    }
    const small = await width(300)
    const large = await width(4800)
    // Width ∝ 1/√n: 16× the items → about a quarter of the width.
    expect(large).toBeLessThan(0.4 * small)
    expect(large).toBeGreaterThan(0.1 * small)
  })
})
