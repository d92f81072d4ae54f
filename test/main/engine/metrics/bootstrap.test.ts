// Stratified bootstrap: exact multinomial counts, determinism, seeds, interval sanity, progress, cancel.
import { describe, expect, it } from 'vitest'
import { bootstrapMetrics, evaluateScores, membershipAdvantage, rocAuc, rocCurve, sortScores, tprAtFpr } from '../../../../src/main/engine/metrics'
import { blockCount, completeCounts, kernelCells, PAIR_CODES, PAIR_SLICE_ENDS, PAIR_TABLE, SLOW, streamState } from '../../../../src/main/engine/metrics/resample-counts'
import { multinomialCounts } from '../../../../src/main/engine/metrics/resample-kernels'
import { createPassPlan, resampleStatistics, weightedStatistics } from '../../../../src/main/engine/metrics/resample-pass'
import { createRng } from '../../../../src/main/engine/rng'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { gaussianScores } from '../../../helpers/gaussian-scores'

describe('multinomial resample counts', () => {
  it('always draw exactly n items, for tiny and large n', () => {
    for (const n of [1, 2, 3, 10, 1000, 50_000]) {
      for (let b = 0; b < 20; b++) {
        const counts = multinomialCounts(n, streamState('t', n, b))
        let total = 0
        let negative = 0
        for (const c of counts) {
          if (c < 0) negative++
          total += c
        }
        expect(negative).toBe(0)
        expect(total).toBe(n)
      }
    }
  })

  it('have the moments of Multinomial(n, 1/n): mean 1, variance 1 − 1/n, P(0) ≈ (1 − 1/n)^n', () => {
    const n = 200
    const reps = 2000
    let sum = 0
    let sumSq = 0
    let zeros = 0
    for (let b = 0; b < reps; b++) {
      for (const c of multinomialCounts(n, streamState('moments', b))) {
        sum += c
        sumSq += c * c
        if (c === 0) zeros++
      }
    }
    const cells = n * reps
    const mean = sum / cells
    expect(mean).toBe(1)
    expect(Math.abs(sumSq / cells - mean * mean - (1 - 1 / n))).toBeLessThan(0.01)
    expect(Math.abs(zeros / cells - Math.pow(1 - 1 / n, n))).toBeLessThan(0.005)
  })

  it('n = 2 gives counts (2,0), (1,1), (0,2) with probabilities ¼, ½, ¼', () => {
    const seen = [0, 0, 0]
    const reps = 20_000
    for (let b = 0; b < reps; b++) seen[multinomialCounts(2, streamState('two', b))[0]]++
    expect(Math.abs(seen[0] / reps - 0.25)).toBeLessThan(0.015)
    expect(Math.abs(seen[1] / reps - 0.5)).toBeLessThan(0.015)
    expect(Math.abs(seen[2] / reps - 0.25)).toBeLessThan(0.015)
  })

  it('n = 3 gives (1,1,1) with probability 6/27 and (3,0,0) with 1/27', () => {
    const reps = 30_000
    let ones = 0
    let three = 0
    for (let b = 0; b < reps; b++) {
      const c = multinomialCounts(3, streamState('three', b))
      if (c[0] === 1 && c[1] === 1) ones++
      if (c[0] === 3) three++
    }
    expect(Math.abs(ones / reps - 6 / 27)).toBeLessThan(0.012)
    expect(Math.abs(three / reps - 1 / 27)).toBeLessThan(0.006)
  })
})

/** The kernel's Poisson fill in plain JS: sfc32 (rng.ts's generator), two cells per draw. */
function referenceFill(counts: Uint8Array, blocks: Int32Array, state: Int32Array): number {
  let [a, b, c, d] = state
  let total = 0
  blocks[0] = 0
  for (let i = 0; i < kernelCells(counts.length); i += 2) {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (((c << 21) | (c >>> 11)) + t) | 0
    let code = PAIR_TABLE[t >>> 16]
    if (code === SLOW) code = PAIR_CODES[PAIR_SLICE_ENDS.findIndex((end, m) => t >>> 0 < end || m === PAIR_SLICE_ENDS.length - 1)]
    counts[i] = code >>> 4
    counts[i + 1] = code & 15
    total += counts[i] + counts[i + 1]
    if ((i + 2) % 64 === 0) blocks[(i + 2) / 64] = total
  }
  state.set([a, b, c, d])
  return total
}

describe('wasm kernels', () => {
  it('draw exactly the counts of the plain-JS reference of the same stream', () => {
    for (const n of [1, 2, 7, 64, 129, 5000, 70_001]) {
      for (let b = 0; b < 5; b++) {
        const state = streamState('reference', n, b)
        const counts = new Uint8Array(n)
        const blocks = new Int32Array(blockCount(n))
        completeCounts(counts, blocks, referenceFill(counts, blocks, state), state)
        expect(multinomialCounts(n, streamState('reference', n, b))).toEqual(counts)
      }
    }
  })
})

describe('weighted resample pass', () => {
  it('equals the exact metrics of the explicitly materialised resample (ties, zero weights)', () => {
    const rng = createRng(5)
    const n = 400
    const scores = Array.from({ length: n }, (_, i) => Math.round((rng.normal() + (i % 4 === 0 ? 0.7 : 0)) * 4) / 4)
    const labels = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0))
    const sorted = sortScores({ scores, labels })
    const targets = [0.01, 0.05, 0.2]
    const plan = createPassPlan(sorted, targets)
    for (let b = 0; b < 25; b++) {
      const state = streamState('explicit', b)
      const cP = multinomialCounts(sorted.members.length, state)
      const cN = multinomialCounts(sorted.nonmembers.length, state)
      const rs: number[] = []
      const rl: number[] = []
      cP.forEach((c, i) => {
        for (let k = 0; k < c; k++) {
          rs.push(sorted.members[i])
          rl.push(1)
        }
      })
      cN.forEach((c, j) => {
        for (let k = 0; k < c; k++) {
          rs.push(sorted.nonmembers[j])
          rl.push(0)
        }
      })
      const curve = rocCurve({ scores: rs, labels: rl })
      const stats = weightedStatistics(plan, cP, cN)
      expect(Math.abs(stats.auc - rocAuc(curve))).toBeLessThan(1e-12)
      expect(Math.abs(stats.advantage - membershipAdvantage(curve))).toBeLessThan(1e-12)
      targets.forEach((f, t) => expect(stats.tpr[t]).toBe(tprAtFpr(curve, f).bestAvailableTpr))
      const mean = (cls: number): number => rs.filter((_, i) => rl[i] === cls).reduce((a, v) => a + v, 0) / rl.filter((l) => l === cls).length
      expect(Math.abs(stats.scoreGap - (mean(1) - mean(0)))).toBeLessThan(1e-12)
    }
  })
})

describe('resample statistics', () => {
  it('draw members then non-members from one stream and equal the pass over those counts', () => {
    const rng = createRng(8)
    for (const [nP, nN] of [
      [1, 1],
      [3, 50],
      [500, 700],
      [4000, 3000]
    ]) {
      const scores = [...Array.from({ length: nP }, () => Math.round(rng.normal() * 8 + 3) / 8), ...Array.from({ length: nN }, () => Math.round(rng.normal() * 8) / 8)]
      const labels = [...Array.from({ length: nP }, () => 1), ...Array.from({ length: nN }, () => 0)]
      const sorted = sortScores({ scores, labels })
      const targets = [0.001, 0.01, 0.05]
      const viaState = createPassPlan(sorted, targets)
      const dense = createPassPlan(sorted, targets)
      for (let b = 0; b < 20; b++) {
        const got = resampleStatistics(viaState, streamState('stream', nP, b))
        const state = streamState('stream', nP, b)
        const cP = multinomialCounts(nP, state)
        const cN = multinomialCounts(nN, state)
        const want = weightedStatistics(dense, cP, cN)
        expect(got.auc).toBe(want.auc)
        expect(got.advantage).toBe(want.advantage)
        expect(Array.from(got.tpr)).toEqual(Array.from(want.tpr))
        expect(got.scoreGap).toBe(want.scoreGap)
      }
    }
  })
})

describe('bootstrapMetrics', () => {
  const data = gaussianScores(3000, 0.8, 7)
  const sorted = sortScores(data)

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await bootstrapMetrics(sorted, { resamples: 200, seed: 11 })
    const b = await bootstrapMetrics(sorted, { resamples: 200, seed: 11 })
    const c = await bootstrapMetrics(sorted, { resamples: 200, seed: 12 })
    expect(Array.from(a.distribution.auc)).toEqual(Array.from(b.distribution.auc))
    expect(a.intervals).toEqual(b.intervals)
    expect(Array.from(a.distribution.auc)).not.toEqual(Array.from(c.distribution.auc))
    expect(a.intervals.auc).not.toEqual(c.intervals.auc)
  })

  it('gives intervals that contain the point estimates and shrink with more data', async () => {
    const report = await evaluateScores(data, { resamples: 400, seed: 3 })
    expect(report.aucCI.lo).toBeLessThan(report.auc)
    expect(report.aucCI.hi).toBeGreaterThan(report.auc)
    expect(report.balancedAccuracyCI.lo).toBeLessThan(report.balancedAccuracy)
    expect(report.balancedAccuracyCI.hi).toBeGreaterThanOrEqual(report.balancedAccuracy)
    expect(report.scoreGap.ci.lo).toBeLessThan(report.scoreGap.delta)
    expect(report.scoreGap.ci.hi).toBeGreaterThan(report.scoreGap.delta)
    const tpr = report.tprAtFpr['0.05']
    expect(tpr.ci!.lo).toBeLessThanOrEqual(tpr.tpr!)
    expect(tpr.ci!.hi).toBeGreaterThanOrEqual(tpr.tpr!)
    // AUC standard error at n = 3000, AUC ≈ 0.72 is ≈ 0.01: a 95 % interval is roughly ±0.02.
    const width = report.aucCI.hi - report.aucCI.lo
    expect(width).toBeGreaterThan(0.02)
    expect(width).toBeLessThan(0.08)
    const small = await evaluateScores(gaussianScores(300, 0.8, 7), { resamples: 400, seed: 3 })
    expect(small.aucCI.hi - small.aucCI.lo).toBeGreaterThan(2 * width)
  })

  it('resamples never change the class counts (every resample AUC is a valid pair fraction)', async () => {
    const tiny = sortScores({ scores: [0.3, 0.1, 0.5], labels: [1, 0, 0] })
    const res = await bootstrapMetrics(tiny, { resamples: 300, seed: 1 })
    // One member between two non-members: a resample keeping 1 + 2 items has AUC 0, ½ or 1; other
    // class counts would give thirds or quarters, or no AUC at all.
    const values = new Set(Array.from(res.distribution.auc))
    expect([...values].sort()).toEqual([0, 0.5, 1])
  })

  it('reports monotonic progress ending at the total and can be cancelled', async () => {
    const seen: number[] = []
    await bootstrapMetrics(sorted, {
      resamples: 50,
      onProgress: (done, total) => {
        expect(total).toBe(50)
        seen.push(done)
      }
    })
    expect(seen[seen.length - 1]).toBe(50)
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1])
    const controller = new AbortController()
    controller.abort()
    await expect(bootstrapMetrics(sorted, { resamples: 50, signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('rejects bad options with invalid-input', async () => {
    for (const bad of [{ resamples: 0 }, { resamples: 1.5 }, { confidence: 1 }, { seed: Number.NaN }]) {
      await expect(bootstrapMetrics(sorted, bad)).rejects.toBeInstanceOf(WorkbenchError)
      await expect(bootstrapMetrics(sorted, bad)).rejects.toMatchObject({ code: 'invalid-input' })
    }
  })
})
