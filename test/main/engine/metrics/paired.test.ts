// Paired bootstrap comparison of two score sets over the same items.
import { describe, expect, it } from 'vitest'
import { compareScores, rocAuc, rocCurve } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'

function pairedData(n: number, shiftA: number, shiftB: number, seed: number): { labels: number[]; scoresA: number[]; scoresB: number[] } {
  const rng = createRng(seed)
  const labels: number[] = []
  const scoresA: number[] = []
  const scoresB: number[] = []
  for (let i = 0; i < n; i++) {
    const label = i % 2
    // Shared item difficulty makes A and B correlated, which the paired bootstrap must exploit.
    const item = rng.normal()
    labels.push(label)
    scoresA.push(item + 0.5 * rng.normal() + shiftA * label)
    scoresB.push(item + 0.5 * rng.normal() + shiftB * label)
  }
  return { labels, scoresA, scoresB }
}

describe('compareScores', () => {
  it('identical inputs give Δ = 0, a zero-width interval and p = 1', async () => {
    const d = pairedData(500, 0.5, 0.5, 1)
    const out = await compareScores({ labels: d.labels, scoresA: d.scoresA, scoresB: d.scoresA }, { resamples: 200 })
    expect(out.auc.delta).toBe(0)
    expect(out.auc.ci).toEqual({ lo: 0, hi: 0 })
    expect(out.auc.pValue).toBe(1)
    expect(out.tprAtFpr.delta).toBe(0)
    expect(out.tprAtFpr.pValue).toBe(1)
  })

  it('a clearly better attack: Δ > 0, interval excludes 0, small p; swapping A and B flips the sign', async () => {
    const d = pairedData(1000, 1.2, 0.6, 2)
    const out = await compareScores(d, { resamples: 300, seed: 4 })
    expect(out.direction).toBe('a-minus-b')
    expect(out.auc.delta).toBeCloseTo(rocAuc(rocCurve({ scores: d.scoresA, labels: d.labels })) - rocAuc(rocCurve({ scores: d.scoresB, labels: d.labels })), 12)
    expect(out.auc.delta!).toBeGreaterThan(0.05)
    expect(out.auc.ci!.lo).toBeGreaterThan(0)
    expect(out.auc.pValue!).toBeLessThan(0.01)
    expect(out.auc.pValue!).toBeCloseTo(2 / 301, 12)
    expect(out.tprAtFpr.resolvable).toBe(true)
    expect(out.tprAtFpr.ci!.lo).toBeGreaterThan(0)
    const swapped = await compareScores({ labels: d.labels, scoresA: d.scoresB, scoresB: d.scoresA }, { resamples: 300, seed: 4 })
    expect(swapped.auc.delta).toBeCloseTo(-out.auc.delta!, 14)
    expect(swapped.auc.ci!.hi).toBeCloseTo(-out.auc.ci!.lo, 14)
  })

  it('the paired interval is narrower than independent intervals would suggest for correlated scores', async () => {
    const d = pairedData(1000, 0.8, 0.7, 3)
    const out = await compareScores(d, { resamples: 300 })
    // Unpaired, each AUC has SE ≈ 0.015 so ΔAUC would have a 95 % width ≈ 0.08; pairing removes item noise.
    expect(out.auc.ci!.hi - out.auc.ci!.lo).toBeLessThan(0.05)
    expect(out.auc.ci!.lo).toBeLessThan(out.auc.delta!)
    expect(out.auc.ci!.hi).toBeGreaterThan(out.auc.delta!)
  })

  it('is deterministic per seed, marks ΔTPR unresolvable with too few non-members, and validates input', async () => {
    const d = pairedData(120, 0.8, 0.2, 5)
    const a = await compareScores(d, { resamples: 100, seed: 9 })
    const b = await compareScores(d, { resamples: 100, seed: 9 })
    expect(a).toEqual(b)
    expect(a.tprAtFpr.resolvable).toBe(false)
    expect(a.tprAtFpr.delta).toBeNull()
    expect(a.tprAtFpr.ci).toBeNull()
    expect((await compareScores(d, { resamples: 100, seed: 9, fprTarget: 0.05 })).tprAtFpr.resolvable).toBe(true)
    await expect(compareScores({ ...d, scoresB: d.scoresB.slice(1) })).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(compareScores({ ...d, scoresB: d.scoresB.map((v, i) => (i === 7 ? Number.NaN : v)) })).rejects.toMatchObject({ code: 'invalid-input' })
  })
})
