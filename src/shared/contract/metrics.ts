// Schema of the metrics report: what `mia run --json`, `mia metrics --json` and the Results screen all show.
import { z } from 'zod'

/** A two-sided interval (bootstrap percentile CI). */
export const IntervalSchema = z.object({ lo: z.number(), hi: z.number() })
export type Interval = z.infer<typeof IntervalSchema>

/** k-of-n counts, Clopper–Pearson intervals and the ε lower bound of one decision rule (attacks.md "Low-FPR evidence"). Optional: records from before issue 20 lack them. */
export const LowFprEvidenceSchema = z.object({
  counts: z.object({ tp: z.number().int(), nMembers: z.number().int(), fp: z.number().int(), nNonmembers: z.number().int() }).optional(),
  clopperPearson: z.object({ tpr: IntervalSchema, fpr: IntervalSchema }).optional(),
  epsilon: z.number().optional()
})

/** TPR at one FPR target ("0" = the highest threshold with no false positive); `tpr` is null when unresolvable (fewer than 1/f non-members). */
export const TprAtFprEntrySchema = LowFprEvidenceSchema.extend({
  target: z.number(),
  tpr: z.number().nullable(),
  resolvable: z.boolean(),
  ci: IntervalSchema.nullable(),
  fpr: z.number().nullable(),
  threshold: z.number().nullable(),
  bestAvailableTpr: z.number().optional()
})
export type TprAtFprEntry = z.infer<typeof TprAtFprEntrySchema>

/** Metrics of the calibrated rule "member iff score > τ_α" (τ_α from reference non-members). */
export const CalibratedMetricsSchema = LowFprEvidenceSchema.extend({
  alpha: z.number(),
  threshold: z.number(),
  rule: z.literal('score > threshold'),
  fpr: z.number(),
  tpr: z.number(),
  balancedAccuracy: z.number(),
  nReference: z.number().int(),
  referenceFpr: z.number()
})

/** ROC points for display; thresholds[0] is +Infinity (null in JSON). */
export const RocPointsSchema = z.object({
  fpr: z.array(z.number()),
  tpr: z.array(z.number()),
  thresholds: z.array(z.number().nullable())
})
export type RocPoints = z.infer<typeof RocPointsSchema>

/** Pointwise bootstrap band of a ROC (attacks.md "ROC confidence band"): the percentile interval of TPR at each grid FPR. */
export const RocBandSchema = z.object({
  fpr: z.array(z.number()),
  lo: z.array(z.number()),
  hi: z.array(z.number()),
  confidence: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  method: z.literal('pointwise-percentile')
})
export type RocBandData = z.infer<typeof RocBandSchema>

/** The full metrics report of one set of scores. */
export const MetricsReportSchema = z.object({
  n: z.object({ members: z.number().int(), nonmembers: z.number().int() }),
  auc: z.number(),
  aucCI: IntervalSchema,
  balancedAccuracy: z.number(),
  balancedAccuracyCI: IntervalSchema,
  balancedAccuracyThreshold: z.number().nullable(),
  advantage: z.number(),
  tprAtFpr: z.record(z.string(), TprAtFprEntrySchema),
  minResolvableFpr: z.number(),
  calibrated: CalibratedMetricsSchema.optional(),
  /** The largest ε lower bound over the FPR budgets (`at` = its tprAtFpr key). */
  epsilon: z.object({ lower: z.number(), at: z.string(), confidence: z.number(), delta: z.number(), method: z.literal('clopper-pearson') }).optional(),
  scoreGap: z.object({ delta: z.number(), ci: IntervalSchema, meanMembers: z.number(), meanNonmembers: z.number() }),
  bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int(), confidence: z.number(), method: z.literal('stratified-percentile') }),
  roc: RocPointsSchema.optional(),
  /** Absent in records made before the band existed (the Results view then computes it from the stored scores). */
  rocBand: RocBandSchema.optional(),
  /** Reasons to trust the numbers less (e.g. fewer than the minimum items per class); absent in older records. */
  warnings: z.array(z.string()).optional()
})
export type MetricsReportData = z.infer<typeof MetricsReportSchema>

/** Paired comparison of two experiments over the same target items. */
export const PairedComparisonSchema = z.object({
  a: z.string(),
  b: z.string(),
  nItems: z.number().int(),
  deltaAuc: z.object({ delta: z.number(), ci: IntervalSchema, pValue: z.number() }),
  deltaTprAt1: z.object({ delta: z.number().nullable(), ci: IntervalSchema.nullable(), pValue: z.number().nullable() }),
  resamples: z.number().int(),
  seed: z.number().int()
})
export type PairedComparisonData = z.infer<typeof PairedComparisonSchema>
