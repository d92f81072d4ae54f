// MetricsReport: the one JSON-ready shape of evaluated scores that the CLI prints and the UI renders.
import type { CalibratedMetrics } from './balanced-accuracy'
import type { Interval } from './quantile'
import type { RocPoints } from './roc'
import type { RocBand } from './roc-band'

export type { Interval } from './quantile'

/** Exact binomial evidence of one decision rule (attacks.md, "Low-FPR evidence"). */
export interface LowFprEvidence {
  /** k-of-n: members flagged (tp) of nMembers, non-members flagged (fp) of nNonmembers. */
  counts: { tp: number; nMembers: number; fp: number; nNonmembers: number }
  /** Two-sided Clopper–Pearson intervals of TPR and FPR at the report's confidence. */
  clopperPearson: { tpr: Interval; fpr: Interval }
  /** ε lower bound (δ and confidence as in `MetricsReport.epsilon`); 0 when the counts prove nothing. */
  epsilon: number
}

/** TPR at one FPR target (key of `MetricsReport.tprAtFpr` is the target as a string, e.g. "0.01"). */
export interface TprAtFprEntry extends LowFprEvidence {
  /** The FPR target f. */
  target: number
  /** Largest TPR over ROC points with FPR ≤ f; null when unresolvable (n_nonmembers < 1/f). */
  tpr: number | null
  /** False when there are fewer than 1/f non-members: the value cannot be resolved, show it as such. */
  resolvable: boolean
  /** 95 % (or `bootstrap.confidence`) percentile interval; null when unresolvable. */
  ci: Interval | null
  /** FPR achieved by the ROC point giving `tpr` (≤ target); null when unresolvable. */
  fpr: number | null
  /** Threshold of that point (member iff score ≥ threshold); null when unresolvable or when no score is flagged. */
  threshold: number | null
  /** Only when unresolvable: the TPR at FPR 0, the most the data can show. Flagged; never report it as TPR@f. */
  bestAvailableTpr?: number
}

/** Similarity/score gap Δ = mean(score | member) − mean(score | non-member), with its interval. */
export interface ScoreGap {
  delta: number
  ci: Interval
  meanMembers: number
  meanNonmembers: number
}

/** The bootstrap behind every interval. */
export interface BootstrapInfo {
  /** Number of resamples. */
  resamples: number
  /** Seed; resample b uses seedOf(seed, 'bootstrap', b) (src/main/engine/rng.ts). */
  seed: number
  /** Two-sided level of the percentile intervals, e.g. 0.95. */
  confidence: number
  /** Members and non-members are resampled separately, so every resample keeps the class counts. */
  method: 'stratified-percentile'
}

/** Everything `evaluateScores` reports; all numbers on the full data, intervals from the bootstrap. */
export interface MetricsReport {
  /** Class counts evaluated (unknown labels were excluded by the caller). */
  n: { members: number; nonmembers: number }
  /** ROC AUC (trapezoid rule on the exact curve; equals sklearn's roc_auc_score). */
  auc: number
  aucCI: Interval
  /** Oracle balanced accuracy: max over thresholds of (TPR + TNR) / 2. */
  balancedAccuracy: number
  balancedAccuracyCI: Interval
  /** Threshold of the oracle balanced accuracy (member iff score ≥ it); null if no threshold beats 0.5. */
  balancedAccuracyThreshold: number | null
  /** Membership advantage max(TPR − FPR) = 2·balancedAccuracy − 1. */
  advantage: number
  /** TPR at each FPR target, keyed by the target as a string: "0" (no false positive) then "0.001", "0.01", "0.05" by default. */
  tprAtFpr: Record<string, TprAtFprEntry>
  /** Smallest non-zero FPR these non-members can show (1/n_nonmembers): the floor of log-scale ROC plots. */
  minResolvableFpr: number
  /** Calibrated-threshold metrics; present when reference non-member scores were given. */
  calibrated?: CalibratedMetrics & LowFprEvidence
  /** The largest ε lower bound over the FPR budgets (key `at`), its joint confidence and δ. */
  epsilon?: { lower: number; at: string; confidence: number; delta: number; method: 'clopper-pearson' }
  /** Score (similarity) gap between classes. */
  scoreGap: ScoreGap
  /** Bootstrap parameters behind the intervals. */
  bootstrap: BootstrapInfo
  /** Reduced ROC curve for display (present when options.curvePoints > 0); thresholds[0] is +Infinity. */
  roc?: RocPoints
  /** Pointwise bootstrap band of TPR at grid FPRs (attacks.md "ROC confidence band"); present with `roc`. */
  rocBand?: RocBand
  /** Why the numbers deserve less trust than they show (attacks.md, "Minimum sample size"); empty when none. */
  warnings: string[]
}
