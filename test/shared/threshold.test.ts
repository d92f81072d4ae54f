// Item-level thresholds count exactly the items scoring ≥ τ (brute force) and agree with the engine's metrics: a target FPR lands on the point reported as TPR@FPR and the
// default τ (oracle balanced-accuracy threshold) gives the reported balanced accuracy (issue 21: 75.6% vs 0.762).
import { describe, expect, it } from 'vitest'
import { evaluateScores } from '../../src/main/engine/metrics'
import { indexForFpr, indexForThreshold, pointsFromScores, ratesAt } from '../../src/shared/threshold'

/** Seeded scores with many ties (rounded to 2 decimals). */
function sample(n: number, shift: number, seed: number): number[] {
  let x = seed
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31
    out.push(Math.round(((x / 2 ** 31) * 0.6 + shift) * 100) / 100)
  }
  return out.sort((a, b) => b - a)
}

const members = sample(300, 0.3, 1)
const nonmembers = sample(1000, 0.2, 2)
const points = pointsFromScores({ members, nonmembers })

describe('item-level threshold', () => {
  it('every point counts exactly the items scoring ≥ τ (brute force), ties together', () => {
    const distinct = [...new Set([...members, ...nonmembers])].sort((a, b) => b - a)
    expect(points.thresholds).toEqual([Infinity, ...distinct])
    for (let k = 1; k < points.thresholds.length; k += 7) {
      const tau = points.thresholds[k]
      const r = ratesAt(points, k)
      expect(r.truePositives).toBe(members.filter((s) => s >= tau).length)
      expect(r.falsePositives).toBe(nonmembers.filter((s) => s >= tau).length)
      expect(r.tied).toBe([...members, ...nonmembers].filter((s) => s === tau).length)
    }
    expect(ratesAt(points, 0)).toMatchObject({ tpr: 0, fpr: 0 })
    expect(ratesAt(points, points.thresholds.length - 1)).toMatchObject({ tpr: 1, fpr: 1 })
  })

  it('a target FPR lands on the point the metrics report as TPR@FPR; the default τ gives the reported balanced accuracy', async () => {
    const report = await evaluateScores(
      { scores: [...members, ...nonmembers], labels: [...members.map(() => 1 as const), ...nonmembers.map(() => 0 as const)] },
      { resamples: 10, fprTargets: [0.001, 0.01, 0.05] }
    )
    for (const entry of Object.values(report.tprAtFpr)) {
      if (entry.tpr === null) continue
      const r = ratesAt(points, indexForFpr(points, entry.target))
      expect(r.tpr, `TPR@${entry.target}`).toBeCloseTo(entry.tpr, 12)
      expect(r.fpr).toBeLessThanOrEqual(entry.target + 1e-12)
    }
    const atOracle = ratesAt(points, indexForThreshold(points, report.balancedAccuracyThreshold!))
    expect(atOracle.balancedAccuracy).toBeCloseTo(report.balancedAccuracy, 12)
    expect(atOracle.threshold).toBe(report.balancedAccuracyThreshold)
  })
})
