// Set-level dataset inference (docs/attacks.md "Set-level dataset inference"): one-sided Welch t and
// Mann–Whitney U of suspect scores against known non-members, effect sizes, and a p-value-by-size curve.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { SetInference } from '../../../shared/contract/evidence'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { betaCdf, logGamma } from './binomial'

/** Q(a, x), the regularised upper incomplete gamma, by series (x < a + 1) or Lentz continued fraction. */
function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a))
  if (x < a + 1) {
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) sum += term *= x / (a + n)
    return 1 - front * sum
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    if (Math.abs(d * c - 1) < 1e-16) break
  }
  return front * h
}

/** P(Z > z) for a standard normal Z, accurate in the far tail (erfc via the incomplete gamma). */
export function normalSf(z: number): number {
  const tail = 0.5 * upperGamma(0.5, (z * z) / 2)
  return z >= 0 ? tail : 1 - tail
}

/** P(T > t) for Student's t with df degrees of freedom (df may be fractional). */
export function studentSf(t: number, df: number): number {
  const tail = 0.5 * betaCdf(df / (df + t * t), df / 2, 0.5)
  return t >= 0 ? tail : 1 - tail
}

function moments(x: ArrayLike<number>): { n: number; mean: number; variance: number } {
  let mean = 0
  for (let i = 0; i < x.length; i++) mean += x[i] / x.length
  let ss = 0
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2
  return { n: x.length, mean, variance: ss / (x.length - 1) }
}

/** Welch's t-test of mean(a) > mean(b), Welch–Satterthwaite df (scipy ttest_ind(equal_var=False, alternative='greater')). */
export function welchTest(a: ArrayLike<number>, b: ArrayLike<number>): { t: number; df: number; pValue: number } {
  const A = moments(a)
  const B = moments(b)
  const va = A.variance / A.n
  const vb = B.variance / B.n
  const t = (A.mean - B.mean) / Math.sqrt(va + vb)
  const df = (va + vb) ** 2 / (va ** 2 / (A.n - 1) + vb ** 2 / (B.n - 1))
  return { t, df, pValue: studentSf(t, df) }
}

/** Mann–Whitney U of a > b: U of `a`, normal approximation with tie and continuity corrections (scipy 'asymptotic'). */
export function mannWhitneyTest(a: ArrayLike<number>, b: ArrayLike<number>): { u: number; z: number; pValue: number } {
  const n1 = a.length
  const n2 = b.length
  const all = [...Array.from(a, (v) => ({ v, g: 0 })), ...Array.from(b, (v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v)
  const n = all.length
  let rankSum = 0
  let tieTerm = 0
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && all[j + 1].v === all[i].v) j++
    const rank = (i + j + 2) / 2
    for (let k = i; k <= j; k++) if (all[k].g === 0) rankSum += rank
    const t = j - i + 1
    tieTerm += t ** 3 - t
    i = j + 1
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))))
  const z = sigma > 0 ? (u - (n1 * n2) / 2 - 0.5) / sigma : 0
  return { u, z, pValue: sigma > 0 ? normalSf(z) : 1 }
}

/** Sizes of the p-value curve: a doubling ladder from 5 up to the suspect set size. */
function ladder(max: number): number[] {
  const out: number[] = []
  for (let s = 5; s < max; s = Math.round(s * 2)) out.push(s)
  return [...out, max]
}

/** Options of a set-level test; `curveDraws` subsamples per size (default 50). */
export interface SetTestOptions {
  seed?: number
  curveDraws?: number
}

/**
 * The one-sided tests of "suspect scores exceed reference (known non-member) scores": Welch's t is the
 * primary p-value, Mann–Whitney U the rank-based check; plus Cohen's d, P(suspect > reference) and the
 * median p of seeded subsamples by size, with the smallest size reaching p < 0.01.
 */
export function setInference(attack: string, suspect: ArrayLike<number>, reference: ArrayLike<number>, options: SetTestOptions = {}): SetInference {
  if (suspect.length < 2 || reference.length < 2) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: suspect.length < 2 ? 'suspect' : 'reference',
      message: `Set-level inference needs at least 2 suspect and 2 reference scores; got ${suspect.length} and ${reference.length}.`,
      hint: 'Give a larger suspect set, and reference non-members (role "reference") in the dataset.'
    })
  }
  const seed = options.seed ?? 0
  const welch = welchTest(suspect, reference)
  const mannWhitney = mannWhitneyTest(suspect, reference)
  const A = moments(suspect)
  const B = moments(reference)
  const pooled = Math.sqrt(((A.n - 1) * A.variance + (B.n - 1) * B.variance) / (A.n + B.n - 2))
  const draws = options.curveDraws ?? 50
  const rng = createRng(seedOf('set-inference-curve', seed))
  const curve = ladder(suspect.length).map((size) => {
    const ps = Array.from({ length: size === suspect.length ? 1 : draws }, () => {
      const idx = shuffleInPlace(
        Array.from({ length: suspect.length }, (_, i) => i),
        rng
      ).slice(0, size)
      return size < 2
        ? 1
        : welchTest(
            idx.map((i) => suspect[i]),
            reference
          ).pValue
    }).sort((x, y) => x - y)
    const mid = ps.length >> 1
    return { size, medianP: ps.length % 2 ? ps[mid] : (ps[mid - 1] + ps[mid]) / 2, fractionBelow: ps.filter((p) => p < 0.01).length / ps.length }
  })
  return {
    attack,
    alternative: 'suspect > reference',
    nSuspect: suspect.length,
    nReference: reference.length,
    pValue: welch.pValue,
    welch,
    mannWhitney,
    effect: { cohensD: pooled > 0 ? (A.mean - B.mean) / pooled : 0, probabilityOfSuperiority: mannWhitney.u / (suspect.length * reference.length) },
    curve,
    needed: curve.find((c) => c.medianP < 0.01)?.size ?? null,
    seed,
    notes: []
  }
}
