// evaluateScores: labelled scores (+ optional reference scores) → MetricsReport, with the spec's conventions.
import { WorkbenchError } from '../../../shared/contract/errors'
import { calibratedMetrics, membershipAdvantage, oracleBalancedAccuracy } from './balanced-accuracy'
import { clopperPearson, epsilonLowerBound } from './binomial'
import { bootstrapMetrics, checkBootstrapOptions, type BootstrapOptions, type BootstrapResult } from './bootstrap'
import type { LowFprEvidence, MetricsReport, ScoreGap, TprAtFprEntry } from './report'
import { reduceRoc, rocAuc, rocFromSorted, type RocCurve } from './roc'
import { bandFromBootstrap, rocBandGrid } from './roc-band'
import { sortScores, type LabelledScores, type SortedScores } from './sorted-scores'
import { DEFAULT_FPR_TARGETS, tprAtFpr } from './tpr-at-fpr'

/** Scores to evaluate: targets with labels, plus reference non-member scores for calibration. */
export interface EvaluateInput extends LabelledScores {
  /** Scores of reference non-members (D_no): τ_α is their (1 − α) quantile. */
  referenceScores?: ArrayLike<number>
}

/** Parameters of an evaluation; resamples, seed, confidence, the FPR targets (as keys) and α are echoed in the report. */
export interface EvaluateOptions extends BootstrapOptions {
  /** Target FPR α of the calibrated threshold (default 0.01). */
  alpha?: number
  /** δ of the (ε, δ) ε lower bounds (default 0). */
  delta?: number
  /** Points of the reduced ROC to include as `roc`, with its pointwise band `rocBand` (default 0: both omitted). */
  curvePoints?: number
}

function checkOptions(options: EvaluateOptions, targets: readonly number[]): void {
  const fail = (message: string, hint: string): never => {
    throw new WorkbenchError({ code: 'invalid-input', message, hint })
  }
  checkBootstrapOptions(options)
  for (const f of targets) if (!(f > 0 && f <= 1)) fail(`FPR target ${f} is not in (0, 1].`, 'Use e.g. 0.001, 0.01, 0.05.')
  if (new Set(targets.map(String)).size !== targets.length) fail('FPR targets contain duplicates.', 'List each target once.')
  if (options.delta !== undefined && !(options.delta >= 0 && options.delta < 1)) fail(`delta must be in [0, 1); got ${options.delta}.`, 'Use 0 for pure ε-DP, or e.g. 1e-5.')
  const points = options.curvePoints ?? 0
  if (!Number.isInteger(points) || points < 0) fail(`curvePoints must be a non-negative integer; got ${points}.`, 'Use e.g. 2000, or 0 to omit the curve.')
}

/**
 * k-of-n counts, Clopper–Pearson intervals and the ε lower bound of a point (attacks.md, "Low-FPR evidence").
 * The ε of a threshold picked on these same labels is optimistic (post-selection); the calibrated one is not.
 */
export function lowFprEvidence(tp: number, nP: number, fp: number, nN: number, confidence: number, delta: number): LowFprEvidence {
  return {
    counts: { tp, nMembers: nP, fp, nNonmembers: nN },
    clopperPearson: { tpr: clopperPearson(tp, nP, confidence), fpr: clopperPearson(fp, nN, confidence) },
    epsilon: epsilonLowerBound(tp, nP, fp, nN, confidence, delta).lower
  }
}

/** TPR@f entries, with "0" (the highest threshold with no false positive) first; bootstrap column t+1 is fprTargets[t]. */
function tprEntries(curve: RocCurve, targets: readonly number[], boot: BootstrapResult, delta: number): Record<string, TprAtFprEntry> {
  const out: Record<string, TprAtFprEntry> = {}
  ;[0, ...targets].forEach((f, t) => {
    const point = tprAtFpr(curve, f)
    const threshold = Number.isFinite(point.threshold) ? point.threshold : null
    const evidence = lowFprEvidence(Math.round(point.bestAvailableTpr * curve.nMembers), curve.nMembers, Math.round(point.fpr * curve.nNonmembers), curve.nNonmembers, boot.confidence, delta)
    // FPR 0 is always resolvable: it asks for no false positive at all, whatever n₀ is.
    out[String(f)] =
      point.resolvable || f === 0
        ? { target: f, tpr: point.bestAvailableTpr, resolvable: true, ci: boot.intervals.tprAtFpr[t], fpr: point.fpr, threshold, ...evidence }
        : { target: f, tpr: null, resolvable: false, ci: null, fpr: null, threshold: null, bestAvailableTpr: point.bestAvailableTpr, ...evidence }
  })
  return out
}

function meanOf(values: Float64Array): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]
  return sum / values.length
}

function scoreGapOf(sorted: SortedScores, boot: BootstrapResult): ScoreGap {
  const meanMembers = meanOf(sorted.members)
  const meanNonmembers = meanOf(sorted.nonmembers)
  return { delta: meanMembers - meanNonmembers, ci: boot.intervals.scoreGap, meanMembers, meanNonmembers }
}

/** The largest ε lower bound over the FPR budgets, and where it was found. */
function bestEpsilon(entries: Record<string, TprAtFprEntry>, confidence: number, delta: number): MetricsReport['epsilon'] {
  let best = { lower: 0, at: '0' }
  for (const [key, e] of Object.entries(entries)) if (e.epsilon > best.lower) best = { lower: e.epsilon, at: key }
  return { ...best, confidence, delta, method: 'clopper-pearson' }
}

/**
 * Fewest items per class below which a report carries a warning (attacks.md, "Minimum sample size"): with n items in a
 * class the stratified bootstrap has only C(2n−1, n) distinct resamples of it (n = 5: 126), so percentile intervals
 * collapse (1 + 1 items give AUC 1.000 [1.000, 1.000]) and look far more certain than the data allow.
 */
export const MIN_PER_CLASS = 20

/** The sample-size warning of a report, if any. */
export function sampleSizeWarnings(members: number, nonmembers: number): string[] {
  if (Math.min(members, nonmembers) >= MIN_PER_CLASS) return []
  return [
    `Only ${members} member(s) and ${nonmembers} non-member(s): below ${MIN_PER_CLASS} per class the bootstrap intervals are unreliable (too few distinct resamples) and the metrics can look certain by chance; evaluate on at least ${MIN_PER_CLASS} of each.`
  ]
}

/**
 * Evaluate membership scores (1 = member, 0 = non-member) with the conventions of attacks.md
 * ("Metrics"): exact ROC/AUC, TPR@FPR, oracle and calibrated balanced accuracy, advantage, score gap,
 * and stratified-bootstrap percentile intervals. Throws `invalid-input` on bad scores or options.
 */
export async function evaluateScores(input: EvaluateInput, options: EvaluateOptions = {}): Promise<MetricsReport> {
  const targets = options.fprTargets ?? DEFAULT_FPR_TARGETS
  checkOptions(options, targets)
  const sorted = sortScores(input)
  const curve = rocFromSorted(sorted)
  const calibrated = input.referenceScores === undefined ? undefined : calibratedMetrics(sorted, input.referenceScores, options.alpha ?? 0.01)
  // The ROC band's grid rides on the same resamples, so the band at a target FPR is exactly that target's TPR interval.
  const grid = (options.curvePoints ?? 0) > 0 ? rocBandGrid(curve.nNonmembers, targets) : []
  const boot = await bootstrapMetrics(sorted, { ...options, fprTargets: [0, ...targets, ...grid] })
  const delta = options.delta ?? 0
  const oracle = oracleBalancedAccuracy(curve)
  const report: MetricsReport = {
    n: { members: curve.nMembers, nonmembers: curve.nNonmembers },
    auc: rocAuc(curve),
    aucCI: boot.intervals.auc,
    balancedAccuracy: oracle.balancedAccuracy,
    balancedAccuracyCI: boot.intervals.balancedAccuracy,
    balancedAccuracyThreshold: Number.isFinite(oracle.threshold) ? oracle.threshold : null,
    advantage: membershipAdvantage(curve),
    tprAtFpr: tprEntries(curve, targets, boot, delta),
    minResolvableFpr: 1 / curve.nNonmembers,
    scoreGap: scoreGapOf(sorted, boot),
    bootstrap: { resamples: boot.resamples, seed: boot.seed, confidence: boot.confidence, method: 'stratified-percentile' },
    warnings: sampleSizeWarnings(curve.nMembers, curve.nNonmembers)
  }
  report.epsilon = bestEpsilon(report.tprAtFpr, boot.confidence, delta)
  if (calibrated) {
    const tp = Math.round(calibrated.tpr * curve.nMembers)
    const fp = Math.round(calibrated.fpr * curve.nNonmembers)
    report.calibrated = { ...calibrated, ...lowFprEvidence(tp, curve.nMembers, fp, curve.nNonmembers, boot.confidence, delta) }
  }
  if ((options.curvePoints ?? 0) > 0) {
    report.roc = reduceRoc(curve, options.curvePoints, targets)
    report.rocBand = bandFromBootstrap(grid, boot, 1 + targets.length)
  }
  return report
}
