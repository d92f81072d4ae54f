// Schemas of experiment specs (what to run), records (what ran, enough to rerun) and results views.
import { z } from 'zod'
import { MetricsReportSchema, IntervalSchema, RocPointsSchema } from './metrics'

export const AttackSchema = z.enum(['csa', 'aea', 'wsa', 'blind'])
export type Attack = z.infer<typeof AttackSchema>

/** Parameters of the attack and evaluation; every default is the one attacks.md pins. */
export const ExperimentParamsSchema = z.object({
  seed: z.number().int('the seed must be a whole number').nonnegative('the seed must be 0 or more').default(0),
  aea: z
    .object({
      /** Augmentation bank in canonical spec syntax; empty = the default bank of attacks.md (K = 10). */
      bank: z.string().default(''),
      aggregation: z.enum(['mean', 'drop']).default('mean')
    })
    .prefault({}),
  wsa: z
    .object({
      /**
       * τ = μ + λσ. Down to −2.5, the lowest value of reds-lab's ablation grid (docs/attacks.md, WSA step 2); below it
       * nearly every pool item becomes a pseudo-member and the attack model learns nothing (issue 21: λ = −5).
       */
      lambda: z.number().min(-2.5, 'λ must be at least −2.5 (lower makes nearly every pool item a pseudo-member)').max(10, 'λ must be at most 10').default(1.5),
      model: z.enum(['mlp', 'logreg']).default('mlp'),
      /** `auto`: the dataset's pool items if any, else the targets with labels hidden (transductive). */
      pool: z.enum(['auto', 'separate', 'transductive']).default('auto'),
      appendCsa: z.boolean().default(false),
      appendAea: z.boolean().default(false),
      maxEpochs: z.number().int().min(1).max(1000).default(15),
      patience: z.number().int().min(1).max(100).default(3),
      learningRate: z.number().positive().default(1e-3),
      batchSize: z.number().int().min(1).max(4096).default(32)
    })
    .prefault({}),
  evaluation: z
    .object({
      /** At least one: every metric carries a bootstrap CI (docs/attacks.md). */
      resamples: z.number().int('resamples must be a whole number').min(1, 'resamples must be at least 1 (every metric carries a bootstrap CI)').max(100_000, 'resamples must be at most 100,000').default(1000),
      confidence: z.number().gt(0, 'confidence must be between 0 and 1, e.g. 0.95').lt(1, 'confidence must be between 0 and 1, e.g. 0.95').default(0.95),
      fprTargets: z.array(z.number().gt(0, 'FPR targets must be between 0 and 1').lt(1, 'FPR targets must be between 0 and 1')).min(1, 'give at least one FPR target').default([0.001, 0.01, 0.05]),
      alpha: z.number().gt(0, 'α must be between 0 and 1, e.g. 0.01').lt(1, 'α must be between 0 and 1, e.g. 0.01').default(0.01)
    })
    .prefault({}),
  blind: z.object({ folds: z.number().int().min(2).max(20).default(5), enabled: z.boolean().default(true) }).prefault({})
})
export type ExperimentParams = z.infer<typeof ExperimentParamsSchema>

/** What the user asks to run. `model` and `dataset` are names (bundled/added) or folder paths. */
export const ExperimentSpecSchema = z.object({
  name: z.string().max(200).optional(),
  model: z.string().min(1).optional(),
  dataset: z.string().min(1),
  attack: AttackSchema,
  params: ExperimentParamsSchema.prefault({}),
  tags: z.array(z.string().max(50)).max(50).default([])
})
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>
export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>

/** The spec as resolved when it ran: fingerprints and versions pin exactly what was measured. */
export const ResolvedSpecSchema = ExperimentSpecSchema.extend({
  modelName: z.string().nullable(),
  modelFingerprint: z.string().nullable(),
  quantized: z.boolean(),
  datasetName: z.string(),
  datasetHash: z.string(),
  appVersion: z.string()
})
export type ResolvedSpec = z.infer<typeof ResolvedSpecSchema>

/** The blind baseline's verdict next to the attack's metrics. */
export const BlindBaselineSchema = z.object({
  auc: z.number(),
  aucCI: IntervalSchema,
  warning: z.string().nullable()
})

/** One skipped item and why. */
export const SkippedItemSchema = z.object({ itemId: z.string(), code: z.string(), message: z.string() })
export type SkippedItem = z.infer<typeof SkippedItemSchema>

/** Results of a finished experiment. */
export const ExperimentResultsSchema = z.object({
  metrics: MetricsReportSchema.nullable(),
  blindBaseline: BlindBaselineSchema.nullable(),
  /** Attack-specific facts, e.g. WSA's μ, σ, τ, pseudo-member counts and precision. */
  attackReport: z.record(z.string(), z.unknown()),
  counts: z.object({ targets: z.number().int(), members: z.number().int(), nonmembers: z.number().int(), unknown: z.number().int(), reference: z.number().int(), pool: z.number().int() }),
  skipped: z.array(SkippedItemSchema),
  /** Execution provider that ran the model (null for the blind baseline) and why a faster one was not used. */
  provider: z.string().nullable(),
  fallbackReason: z.string().nullable(),
  /** Embeddings computed in this run vs read from the cache. */
  embeddings: z.object({ computed: z.number().int(), cached: z.number().int() }),
  /** Seconds per phase. */
  timings: z.record(z.string(), z.number())
})
export type ExperimentResults = z.infer<typeof ExperimentResultsSchema>

export const ExperimentStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'cancelled'])

/** An experiment as stored; its JSON export (the record) is enough to rerun it. */
export const ExperimentRecordSchema = z.object({
  format: z.literal('mia-workbench/experiment@1'),
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  status: ExperimentStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  spec: ResolvedSpecSchema,
  results: ExperimentResultsSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable()
})
export type ExperimentRecord = z.infer<typeof ExperimentRecordSchema>

/** A row of the experiments list. */
export const ExperimentSummarySchema = ExperimentRecordSchema.pick({ id: true, name: true, tags: true, status: true, createdAt: true }).extend({
  attack: AttackSchema,
  modelName: z.string().nullable(),
  /** The model is quantized: its scores are not those of the float model (issue 7), so every listing marks it. */
  quantized: z.boolean(),
  datasetName: z.string(),
  auc: z.number().nullable(),
  nTargets: z.number().int(),
  /** The parameters it ran with, so lists can show and sort by them (issue 21). */
  params: ExperimentParamsSchema,
  /** TPR at each FPR target of the evaluation (null where unresolvable). */
  tprAtFpr: z.array(z.object({ target: z.number(), tpr: z.number().nullable() }))
})
export type ExperimentSummary = z.infer<typeof ExperimentSummarySchema>

/** Histogram of scores per class with shared bin edges. */
export const HistogramSchema = z.object({ edges: z.array(z.number()), members: z.array(z.number().int()), nonmembers: z.array(z.number().int()) })

/** One item in the "most exposed" lists. */
export const ExposedItemSchema = z.object({ id: z.string(), caption: z.string(), score: z.number(), membership: z.string(), thumbnail: z.string().nullable() })

/** Everything the Results screen draws for one experiment. */
export const ExperimentViewSchema = z.object({
  record: ExperimentRecordSchema,
  roc: RocPointsSchema.nullable(),
  histogram: HistogramSchema.nullable(),
  topMembers: z.array(ExposedItemSchema),
  falsePositives: z.array(ExposedItemSchema),
  slices: z.array(z.object({ column: z.string(), value: z.string(), members: z.number().int(), nonmembers: z.number().int(), auc: z.number().nullable() })),
  /**
   * Scores of the labelled targets per class, each sorted descending: the threshold moves item by item on them and
   * agrees with the metrics (issue 21). Null above MAX_ITEM_SCORES items (then the histogram's bins are used).
   */
  scores: z.object({ members: z.array(z.number()), nonmembers: z.array(z.number()) }).nullable().optional()
})

/** One item drilled into (experiments.item). */
export const ItemDetailSchema = z.object({
  item: z.object({ id: z.string(), caption: z.string(), membership: z.string(), role: z.string(), metadata: z.record(z.string(), z.string()), image: z.string().nullable() }),
  /** Its score in every finished experiment on the same dataset; `nonmembersAtOrAbove` of `nonmembers` score as high or higher. */
  scores: z.array(z.object({ experimentId: z.string(), name: z.string(), attack: AttackSchema, score: z.number(), nonmembersAtOrAbove: z.number().int(), nonmembers: z.number().int(), current: z.boolean() })),
  /** AEA: the similarity of the original (index 0) and of each augmented view, as the aggregation saw them. */
  views: z.array(z.object({ index: z.number().int(), spec: z.string(), score: z.number() }))
})
export type ItemDetail = z.infer<typeof ItemDetailSchema>

/** Largest number of labelled scores a view carries for item-level thresholds. */
export const MAX_ITEM_SCORES = 200_000
export type ExperimentView = z.infer<typeof ExperimentViewSchema>
