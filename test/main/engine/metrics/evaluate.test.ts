// evaluateScores: the MetricsReport shape, validation, unresolvable targets, calibration, reduced curve.
import { describe, expect, it } from 'vitest'
import { evaluateScores, reduceRoc, rocCurve, rocHullIndices, tprAtFpr } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

function data(nMembers: number, nNonmembers: number, shift: number, seed: number): { scores: number[]; labels: number[] } {
  const rng = createRng(seed)
  const scores: number[] = []
  const labels: number[] = []
  for (let i = 0; i < nMembers; i++) {
    scores.push(rng.normal() + shift)
    labels.push(1)
  }
  for (let i = 0; i < nNonmembers; i++) {
    scores.push(rng.normal())
    labels.push(0)
  }
  return { scores, labels }
}

describe('evaluateScores', () => {
  it('produces the documented report and survives a JSON round trip', async () => {
    const d = data(600, 1200, 1, 1)
    const reference = data(0, 500, 0, 2).scores
    const report = await evaluateScores({ ...d, referenceScores: reference }, { resamples: 100, seed: 5, curvePoints: 300 })
    expect(report.n).toEqual({ members: 600, nonmembers: 1200 })
    expect(Object.keys(report.tprAtFpr)).toEqual(['0', '0.001', '0.01', '0.05'])
    expect(report.tprAtFpr['0.001']).toMatchObject({ target: 0.001, resolvable: true })
    expect(report.bootstrap).toEqual({ resamples: 100, seed: 5, confidence: 0.95, method: 'stratified-percentile' })
    expect(report.advantage).toBeCloseTo(2 * report.balancedAccuracy - 1, 12)
    expect(report.minResolvableFpr).toBe(1 / 1200)
    expect(report.calibrated).toMatchObject({ alpha: 0.01, rule: 'score > threshold', nReference: 500 })
    expect(report.calibrated!.fpr).toBeLessThan(0.03)
    expect(report.roc!.fpr.length).toBeLessThanOrEqual(300)
    const parsed = JSON.parse(JSON.stringify(report)) as typeof report
    expect(parsed.roc!.thresholds[0]).toBeNull()
    expect(parsed.auc).toBe(report.auc)
    expect(parsed.tprAtFpr['0.01'].ci).toEqual(report.tprAtFpr['0.01'].ci)
  })

  it('marks targets unresolvable when n_nonmembers < 1/f, with the best available value flagged', async () => {
    const report = await evaluateScores(data(300, 99, 2, 3), { resamples: 50 })
    for (const key of ['0.001', '0.01']) {
      const entry = report.tprAtFpr[key]
      expect(entry).toMatchObject({ tpr: null, resolvable: false, ci: null, fpr: null, threshold: null })
      expect(entry.bestAvailableTpr).toBeGreaterThan(0)
    }
    expect(report.tprAtFpr['0.05'].resolvable).toBe(true)
    expect(report.tprAtFpr['0.05'].bestAvailableTpr).toBeUndefined()
    const exact = await evaluateScores(data(30, 100, 2, 3), { resamples: 10 })
    expect(exact.tprAtFpr['0.01'].resolvable).toBe(true)
  })

  it('uses custom FPR targets as keys and reports null threshold when nothing beats chance', async () => {
    const report = await evaluateScores({ scores: [1, 2, 3, 4], labels: [1, 1, 0, 0] }, { resamples: 10, fprTargets: [0.5, 0.25] })
    expect(Object.keys(report.tprAtFpr)).toEqual(['0', '0.5', '0.25'])
    expect(report.auc).toBe(0)
    expect(report.balancedAccuracy).toBe(0.5)
    expect(report.balancedAccuracyThreshold).toBeNull()
  })

  it('rejects NaN scores, a missing class, bad labels and bad options with invalid-input', async () => {
    const bad: Array<[Parameters<typeof evaluateScores>[0], Parameters<typeof evaluateScores>[1], RegExp]> = [
      [{ scores: [0.1, Number.NaN], labels: [1, 0] }, {}, /score of item 1 is NaN/],
      [{ scores: [0.1, Infinity], labels: [1, 0] }, {}, /Infinity, not a finite number/],
      [{ scores: [0.1, 0.2], labels: [1, 1] }, {}, /no non-members \(label 0\) among the 2 items/],
      [{ scores: [0.1, 0.2], labels: [0, 0] }, {}, /no members \(label 1\)/],
      [{ scores: [0.1, 0.2], labels: [1, 2] }, {}, /label of item 1 is 2/],
      [{ scores: [0.1, 0.2], labels: [1] }, {}, /2 scores but 1 labels/],
      [{ scores: [0.1, 0.2], labels: [1, 0], referenceScores: [] }, {}, /No reference non-member scores/],
      [{ scores: [0.1, 0.2], labels: [1, 0], referenceScores: [0.1] }, { alpha: 1 }, /alpha must be in \(0, 1\)/],
      [{ scores: [0.1, 0.2], labels: [1, 0] }, { fprTargets: [0] }, /FPR target 0 is not in/],
      [{ scores: [0.1, 0.2], labels: [1, 0] }, { fprTargets: [0.1, 0.1] }, /duplicates/],
      [{ scores: [0.1, 0.2], labels: [1, 0] }, { curvePoints: -1 }, /curvePoints/]
    ]
    for (const [input, options, message] of bad) {
      const err = await evaluateScores(input, options).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(WorkbenchError)
      expect((err as WorkbenchError).code).toBe('invalid-input')
      expect((err as WorkbenchError).message).toMatch(message)
      expect((err as WorkbenchError).hint).toBeTruthy()
    }
  })
})

describe('reduceRoc', () => {
  const d = data(20_000, 20_000, 0.7, 9)
  const curve = rocCurve(d)

  it('keeps at most maxPoints points, all taken from the full curve, with both ends', () => {
    const reduced = reduceRoc(curve, 1000)
    expect(curve.fpr.length).toBeGreaterThan(30_000)
    expect(reduced.fpr.length).toBeLessThanOrEqual(1000)
    expect(reduced.fpr.length).toBeGreaterThan(950)
    const index = new Map<number, number>()
    curve.thresholds.forEach((t, k) => index.set(t, k))
    reduced.thresholds.forEach((t, i) => {
      const k = index.get(t)!
      expect(reduced.fpr[i]).toBe(curve.fpr[k])
      expect(reduced.tpr[i]).toBe(curve.tpr[k])
    })
    expect([reduced.fpr[0], reduced.tpr[0]]).toEqual([0, 0])
    expect([reduced.fpr.at(-1), reduced.tpr.at(-1)]).toEqual([1, 1])
  })

  it('preserves the convex hull and the TPR@FPR points, and resolves low FPRs for log plots', () => {
    const reduced = reduceRoc(curve, 1000)
    const hull = rocHullIndices(curve).map((k) => curve.thresholds[k])
    const kept = new Set(reduced.thresholds)
    for (const t of hull) expect(kept.has(t)).toBe(true)
    for (const f of [0.001, 0.01, 0.05]) expect(kept.has(tprAtFpr(curve, f).threshold)).toBe(true)
    // Log-spaced sampling: every decade of FPR down to 1/n₀ keeps its FPR levels, or at least 50 of them.
    const levels = (fpr: ArrayLike<number>, lo: number, hi: number): number => new Set(Array.from(fpr).filter((x) => x >= lo && x < hi)).size
    for (const [lo, hi] of [
      [1e-4, 1e-3],
      [1e-3, 1e-2],
      [1e-2, 1e-1],
      [1e-1, 1]
    ]) {
      expect(levels(reduced.fpr, lo, hi)).toBeGreaterThanOrEqual(Math.min(50, levels(curve.fpr, lo, hi)))
    }
  })

  it('returns small curves unchanged', () => {
    const small = rocCurve({ scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1] })
    expect(reduceRoc(small, 100)).toEqual({ fpr: Array.from(small.fpr), tpr: Array.from(small.tpr), thresholds: Array.from(small.thresholds) })
  })
})
