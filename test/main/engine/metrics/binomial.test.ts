// Clopper–Pearson and the ε lower bound against SciPy (tools/stats-reference/make_fixtures.py), closed forms and exact binomial sums.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { betaCdf, clopperPearson, clopperPearsonUpper, epsilonLowerBound, evaluateScores } from '../../../../src/main/engine/metrics'

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'binomial-scipy.json'), 'utf8')) as {
  clopperPearson: Array<{ k: number; n: number; confidence: number; lo: number; hi: number; upper: number }>
  epsilon: Array<{ tp: number; nP: number; fp: number; nN: number; confidence: number; delta: number; epsilon: number }>
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed term by term in log space (independent of the beta function). */
function binomialTail(k: number, n: number, p: number): number {
  let logC = 0
  let sum = 0
  for (let j = 0; j <= n; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j)
    if (j >= k) sum += Math.exp(logC + j * Math.log(p) + (n - j) * Math.log1p(-p))
  }
  return sum
}

describe('Clopper–Pearson', () => {
  it('matches scipy.stats.beta.ppf to 1e-12', () => {
    for (const c of fixture.clopperPearson) {
      const got = clopperPearson(c.k, c.n, c.confidence)
      expect(got.lo).toBeCloseTo(c.lo, 12)
      expect(got.hi).toBeCloseTo(c.hi, 12)
      expect(clopperPearsonUpper(c.k, c.n, c.confidence)).toBeCloseTo(c.upper, 12)
    }
  })

  it('has the closed forms at k = 0 and k = n', () => {
    for (const n of [1, 10, 1000]) {
      expect(clopperPearson(0, n, 0.95).hi).toBeCloseTo(1 - 0.025 ** (1 / n), 13)
      expect(clopperPearson(n, n, 0.95).lo).toBeCloseTo(0.025 ** (1 / n), 13)
    }
  })

  it('puts exactly α/2 of binomial mass beyond each end', () => {
    for (const [k, n] of [
      [3, 20],
      [17, 180],
      [1, 50]
    ]) {
      const { lo, hi } = clopperPearson(k, n, 0.95)
      expect(binomialTail(k, n, lo)).toBeCloseTo(0.025, 10)
      expect(1 - binomialTail(k + 1, n, hi)).toBeCloseTo(0.025, 10)
    }
  })

  it('refuses counts outside 0..n', () => {
    expect(() => clopperPearson(5, 4, 0.95)).toThrow(/0 ≤ k ≤ n/)
    expect(() => clopperPearson(1, 4, 1)).toThrow(/confidence/)
  })

  it('betaCdf is the uniform CDF for Beta(1, 1) and symmetric for Beta(a, a)', () => {
    expect(betaCdf(0.3, 1, 1)).toBeCloseTo(0.3, 14)
    expect(betaCdf(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 13)
  })
})

describe('ε lower bound', () => {
  it('matches the bound computed from SciPy quantiles', () => {
    for (const c of fixture.epsilon) expect(epsilonLowerBound(c.tp, c.nP, c.fp, c.nN, c.confidence, c.delta).lower).toBeCloseTo(c.epsilon, 10)
  })

  it('is 0 for a chance-level test and grows with separation', () => {
    expect(epsilonLowerBound(50, 100, 50, 100, 0.95).lower).toBe(0)
    expect(epsilonLowerBound(990, 1000, 0, 1000, 0.95).lower).toBeGreaterThan(epsilonLowerBound(500, 1000, 0, 1000, 0.95).lower)
  })
})

describe('every metrics block carries the low-FPR evidence', () => {
  it('TPR@0%, counts, Clopper–Pearson bounds and ε per budget', async () => {
    // members 10..1, non-members 5.5, 4.5, …: five members sit above every non-member.
    const members = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    const nonmembers = [5.5, 4.5, 0.5, 0.4, 0.3, 0.2, 0.1, 0, -1, -2]
    const report = await evaluateScores(
      { scores: [...members, ...nonmembers], labels: [...members.map(() => 1), ...nonmembers.map(() => 0)], referenceScores: nonmembers },
      { resamples: 50, fprTargets: [0.1, 0.2] }
    )
    const zero = report.tprAtFpr['0']
    expect(zero.tpr).toBe(0.5)
    expect(zero.threshold).toBe(6)
    expect(zero.counts).toEqual({ tp: 5, nMembers: 10, fp: 0, nNonmembers: 10 })
    expect(zero.clopperPearson!.tpr).toEqual(clopperPearson(5, 10, 0.95))
    expect(zero.clopperPearson!.fpr.lo).toBe(0)
    expect(zero.ci).not.toBeNull()
    expect(report.tprAtFpr['0.1'].counts).toEqual({ tp: 6, nMembers: 10, fp: 1, nNonmembers: 10 })
    expect(zero.epsilon).toBe(epsilonLowerBound(5, 10, 0, 10, 0.95).lower)
    expect(report.epsilon!.lower).toBe(Math.max(...Object.values(report.tprAtFpr).map((e) => e.epsilon)))
    expect(report.calibrated!.counts!.nNonmembers).toBe(10)
  })
})
