// Exact binomial evidence at low FPR: the regularised incomplete beta, its inverse, Clopper–Pearson
// intervals and the empirical ε lower bound of docs/attacks.md ("Low-FPR evidence").
import { WorkbenchError } from '../../../shared/contract/errors'
import type { Interval } from './quantile'

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** Continued fraction of the incomplete beta (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d
      if (Math.abs(d) < tiny) d = tiny
      c = 1 + num / c
      if (Math.abs(c) < tiny) c = tiny
      d = 1 / d
      h *= d * c
    }
    if (Math.abs(d * c - 1) < 1e-16) break
  }
  return h
}

/** The regularised incomplete beta I_x(a, b) = P(Beta(a, b) ≤ x), for a, b > 0. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b
}

/** The p-quantile of Beta(a, b), by bisection on the CDF to machine precision. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0
  if (p >= 1) return 1
  let lo = 0
  let hi = 1
  for (let i = 0; i < 200 && hi - lo > 1e-17; i++) {
    const mid = (lo + hi) / 2
    if (mid === lo || mid === hi) break
    if (betaCdf(mid, a, b) < p) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

function checkCount(k: number, n: number, confidence: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 1 || k < 0 || k > n || !(confidence > 0 && confidence < 1)) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `A binomial interval needs integers 0 ≤ k ≤ n, n ≥ 1 and a confidence in (0, 1); got k = ${k}, n = ${n}, confidence ${confidence}.`,
      hint: 'Pass the count of flagged items and the class size.'
    })
  }
}

/**
 * Two-sided Clopper–Pearson interval of a proportion k/n at `confidence`: the exact binomial interval
 * [B(α/2; k, n−k+1), B(1−α/2; k+1, n−k)], with 0 and 1 at the ends (Clopper & Pearson 1934).
 */
export function clopperPearson(k: number, n: number, confidence: number): Interval {
  checkCount(k, n, confidence)
  const alpha = 1 - confidence
  return { lo: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1), hi: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k) }
}

/** One-sided Clopper–Pearson upper bound of k/n at `confidence` (P(true p ≤ bound) ≥ confidence). */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  checkCount(k, n, confidence)
  return k === n ? 1 : betaQuantile(confidence, k + 1, n - k)
}

/** The inputs and result of an ε lower bound. */
export interface EpsilonBound {
  /** Lower bound on ε (≥ 0; 0 when the counts prove nothing). */
  lower: number
  /** Joint confidence of the bound (each one-sided bound holds at 1 − (1 − confidence)/2). */
  confidence: number
  delta: number
}

/**
 * Empirical ε lower bound implied by a test with tp of nP members flagged and fp of nN non-members
 * flagged, for an (ε, δ)-DP training algorithm (Kairouz et al. 2015 hypothesis-testing view, as used
 * by Jagielski et al. 2020): FPR + e^ε·FNR ≥ 1 − δ and FNR + e^ε·FPR ≥ 1 − δ. FPR and FNR are replaced
 * by one-sided Clopper–Pearson upper bounds, each at 1 − (1 − confidence)/2, so the bound holds with
 * probability ≥ confidence by the union bound.
 */
export function epsilonLowerBound(tp: number, nP: number, fp: number, nN: number, confidence: number, delta = 0): EpsilonBound {
  const each = 1 - (1 - confidence) / 2
  const fprHi = clopperPearsonUpper(fp, nN, each)
  const fnrHi = clopperPearsonUpper(nP - tp, nP, each)
  const ratio = (num: number, den: number): number => (num <= 0 ? 0 : den <= 0 ? Infinity : Math.log(num / den))
  const lower = Math.max(0, ratio(1 - delta - fprHi, fnrHi), ratio(1 - delta - fnrHi, fprHi))
  return { lower, confidence, delta }
}
