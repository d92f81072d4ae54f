// WSA's three variants (docs/attacks.md "WSA"): the workbench's default, reds-lab/CLIP-MIA (`ko2023`) and
// CLIP-MIA-Bench (`bench2026`); the label-free λ rule; ko2023's evaluation protocol.
import { rocCurve } from '../metrics/roc'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import type { MlpScoreRule } from './mlp'

export type WsaVariant = 'workbench' | 'ko2023' | 'bench2026'
export const WSA_VARIANTS: readonly WsaVariant[] = ['workbench', 'ko2023', 'bench2026']

/** What a variant fixes; the workbench's own default leaves the model and features to the caller. */
export interface VariantSettings {
  /** λ when the caller gives none; null: the label-free precision rule. */
  lambda: number | null
  /** Subsample the larger class to the smaller (reds-lab); Bench trains on every row. */
  balance: boolean
  /** Forced attack model; null: the caller's choice (mlp | logreg). */
  model: 'linear-bce' | null
  /** Forced CSA feature (Bench's 2d + 1). */
  csaFeature: boolean
  keepBest: boolean
  stratifiedSplit: boolean
  score: MlpScoreRule
  /** Cross-fit over a transductive pool by default. */
  crossFit: boolean
  /** ko2023's evaluation set: balanced, pseudo-members removed, TPR at FPR strictly below f. */
  ko2023Evaluation: boolean
}

export const VARIANT_SETTINGS: Record<WsaVariant, VariantSettings> = {
  workbench: { lambda: null, balance: true, model: null, csaFeature: false, keepBest: true, stratifiedSplit: true, score: 'softmax', crossFit: true, ko2023Evaluation: false },
  ko2023: { lambda: 1.5, balance: true, model: null, csaFeature: false, keepBest: false, stratifiedSplit: false, score: 'sigmoid-logit1', crossFit: false, ko2023Evaluation: true },
  bench2026: { lambda: 0.5, balance: false, model: 'linear-bce', csaFeature: true, keepBest: false, stratifiedSplit: false, score: 'sigmoid-logit1', crossFit: false, ko2023Evaluation: false }
}

/** λ values the precision rule tries, smallest first. */
export const LAMBDA_RULE_GRID: readonly number[] = Array.from({ length: 17 }, (_, i) => -1 + 0.25 * i)
/** The rule's default target precision of the pseudo-members. */
export const DEFAULT_TARGET_PRECISION = 0.9

/** The λ the rule chose and the precision it estimated there. */
export interface LambdaChoice {
  lambda: number
  estimatedPrecision: number
  /** false when no λ of the grid reached the target (then the most precise one is used). */
  met: boolean
  /** Estimated share of non-members in the pool. */
  pi0: number
}

/**
 * Share of non-members in the pool, label-free (Storey 2002 with his λ = ½): pool items scoring below the median
 * of D_no, over half the pool. Non-members fall below that median half the time; members rarely do. Capped at 1.
 */
export function nonmemberShare(reference: Float64Array, pool: Float64Array): number {
  const sorted = Float64Array.from(reference).sort()
  const median = sorted[Math.floor((sorted.length - 1) / 2)]
  const below = pool.reduce((n, s) => n + (s < median ? 1 : 0), 0)
  return Math.min(1, below / (0.5 * pool.length))
}

/**
 * Label-free λ: the smallest grid λ whose estimated pseudo-member precision reaches `target`. Expected non-members
 * above τ = π̂₀ · n_pool · (share of D_no at or above τ), with π̂₀ from `nonmemberShare` — Storey's FDR estimate
 * with D_no as the null distribution. Uses the CSA scores of D_no and the pool only, never a label.
 */
export function chooseLambda(reference: Float64Array, pool: Float64Array, mu: number, sigma: number, target: number): LambdaChoice {
  const pi0 = nonmemberShare(reference, pool)
  let best: LambdaChoice | null = null
  for (const lambda of LAMBDA_RULE_GRID) {
    const tau = mu + lambda * sigma
    const selected = pool.reduce((n, s) => n + (s >= tau ? 1 : 0), 0)
    if (selected === 0) continue
    const tail = reference.reduce((n, s) => n + (s >= tau ? 1 : 0), 0) / reference.length
    const estimatedPrecision = Math.max(0, 1 - (pi0 * pool.length * tail) / selected)
    if (estimatedPrecision >= target) return { lambda, estimatedPrecision, met: true, pi0 }
    if (!best || estimatedPrecision > best.estimatedPrecision) best = { lambda, estimatedPrecision, met: false, pi0 }
  }
  return best ?? { lambda: LAMBDA_RULE_GRID[0], estimatedPrecision: 0, met: false, pi0 }
}

/**
 * ko2023's evaluation set: targets with known truth that were not pseudo-members, the larger class subsampled
 * (seeded) to the smaller. Returns target row indices, ascending.
 */
export function ko2023EvaluationRows(truth: Int8Array, excluded: Int32Array, seed: number): Int32Array {
  const skip = new Set(excluded)
  const byClass: number[][] = [[], []]
  truth.forEach((t, i) => (t === 0 || t === 1) && !skip.has(i) && byClass[t].push(i))
  const size = Math.min(byClass[0].length, byClass[1].length)
  const rng = createRng(seedOf('ko2023-evaluation', seed))
  return Int32Array.from(byClass.flatMap((rows) => shuffleInPlace([...rows], rng).slice(0, size))).sort()
}

/** TPR at FPR strictly below f (ko2023's reading of TPR@f); null without both classes. */
export function tprBelowFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, f: number): number | null {
  let members = 0
  for (let i = 0; i < labels.length; i++) members += labels[i]
  if (members === 0 || members === labels.length) return null
  const curve = rocCurve({ scores, labels })
  let tpr = 0
  for (let k = 0; k < curve.fpr.length; k++) if (curve.fpr[k] < f) tpr = Math.max(tpr, curve.tpr[k])
  return tpr
}
