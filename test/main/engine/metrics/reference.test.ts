// Metrics against scikit-learn/numpy reference values (tools/metrics-reference/make_fixtures.py).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { calibratedMetrics, evaluateScores, membershipAdvantage, oracleBalancedAccuracy, rocAuc, rocCurve, sortScores, tprAtFpr } from '../../../../src/main/engine/metrics'
import { createPassPlan, weightedStatistics } from '../../../../src/main/engine/metrics/resample-pass'

interface Fixture {
  name: string
  scores: number[]
  labels: number[]
  reference: number[]
  expected: {
    n: { members: number; nonmembers: number }
    roc: { fpr: number[]; tpr: number[]; thresholds: Array<number | null> }
    auc: number
    tprAtFpr: Record<string, { tpr: number | null; resolvable: boolean; bestAvailableTpr: number }>
    balancedAccuracy: number
    balancedAccuracyThreshold: number | null
    advantage: number
    scoreGap: number
    calibrated: Record<string, { threshold: number; tpr: number; fpr: number; balancedAccuracy: number; referenceFpr: number }>
  }
}

const dir = path.resolve(__dirname, '../../../fixtures/metrics')
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Fixture)

const TARGETS = [0.001, 0.01, 0.05]

describe('metrics match scikit-learn / numpy', () => {
  it('covers the required cases', () => {
    const names = fixtures.map((f) => f.name)
    for (const required of ['ties', 'all-equal', 'tiny', 'imbalanced-few-members', 'imbalanced-few-nonmembers', 'separated', 'inverted', 'random-large']) {
      expect(names).toContain(required)
    }
  })

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const input = { scores: fx.scores, labels: fx.labels }
      const curve = rocCurve(input)
      const e = fx.expected

      it('ROC points equal roc_curve(drop_intermediate=False)', () => {
        expect(Array.from(curve.fpr)).toEqual(e.roc.fpr)
        expect(Array.from(curve.tpr)).toEqual(e.roc.tpr)
        expect(Array.from(curve.thresholds)).toEqual(e.roc.thresholds.map((t) => t ?? Infinity))
        expect({ members: curve.nMembers, nonmembers: curve.nNonmembers }).toEqual(e.n)
      })

      it('AUC equals roc_auc_score to 1e-9', () => {
        expect(Math.abs(rocAuc(curve) - e.auc)).toBeLessThan(1e-9)
      })

      it('TPR@FPR, oracle balanced accuracy and advantage by definition', () => {
        for (const f of TARGETS) {
          const got = tprAtFpr(curve, f)
          const want = e.tprAtFpr[String(f)]
          expect(got.resolvable).toBe(want.resolvable)
          expect(got.tpr).toBe(want.tpr)
          expect(got.bestAvailableTpr).toBe(want.bestAvailableTpr)
        }
        const oracle = oracleBalancedAccuracy(curve)
        expect(oracle.balancedAccuracy).toBe(e.balancedAccuracy)
        expect(oracle.threshold).toBe(e.balancedAccuracyThreshold ?? Infinity)
        expect(membershipAdvantage(curve)).toBe(e.advantage)
      })

      it('calibrated threshold is numpy.quantile(reference, 1 − α), member iff score > τ', () => {
        const sorted = sortScores(input)
        for (const [alpha, want] of Object.entries(e.calibrated)) {
          const got = calibratedMetrics(sorted, fx.reference, Number(alpha))
          expect(got.threshold).toBe(want.threshold)
          expect(got.tpr).toBe(want.tpr)
          expect(got.fpr).toBe(want.fpr)
          expect(got.balancedAccuracy).toBe(want.balancedAccuracy)
          expect(got.referenceFpr).toBe(want.referenceFpr)
          expect(got.nReference).toBe(fx.reference.length)
        }
      })

      it('the weighted resample pass with unit weights reproduces the exact metrics', () => {
        const sorted = sortScores(input)
        const plan = createPassPlan(sorted, TARGETS)
        const ones = (n: number): Uint8Array => new Uint8Array(n).fill(1)
        const stats = weightedStatistics(plan, ones(sorted.members.length), ones(sorted.nonmembers.length))
        expect(Math.abs(stats.auc - e.auc)).toBeLessThan(1e-12)
        expect(Math.abs(stats.advantage - e.advantage)).toBeLessThan(1e-12)
        TARGETS.forEach((f, t) => expect(stats.tpr[t]).toBe(e.tprAtFpr[String(f)].bestAvailableTpr))
        expect(Math.abs(stats.scoreGap - e.scoreGap)).toBeLessThan(1e-12)
      })

      it('evaluateScores reports the same numbers', async () => {
        const report = await evaluateScores({ ...input, referenceScores: fx.reference }, { resamples: 20 })
        expect(report.n).toEqual(e.n)
        expect(Math.abs(report.auc - e.auc)).toBeLessThan(1e-9)
        expect(report.balancedAccuracy).toBe(e.balancedAccuracy)
        expect(report.balancedAccuracyThreshold).toBe(e.balancedAccuracyThreshold)
        expect(report.advantage).toBe(e.advantage)
        for (const f of TARGETS) {
          const entry = report.tprAtFpr[String(f)]
          expect(entry.tpr).toBe(e.tprAtFpr[String(f)].tpr)
          expect(entry.resolvable).toBe(e.tprAtFpr[String(f)].resolvable)
          if (entry.resolvable) expect(entry.ci).not.toBeNull()
          else expect(entry.ci).toBeNull()
        }
        expect(Math.abs(report.scoreGap.delta - e.scoreGap)).toBeLessThan(1e-12)
        expect(report.calibrated?.threshold).toBe(e.calibrated['0.01'].threshold)
      })
    })
  }
})
