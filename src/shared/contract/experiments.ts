// Schemas of experiment specs (what to run), records (what ran, enough to rerun) and results views.
import { z } from 'zod'
import { BatchSizeSchema, EpochsSchema, LambdaSchema, PatienceSchema, ResamplesSchema, SeedSchema } from './numbers'
import { AuditSchema } from './audit'
import { MetricsReportSchema, IntervalSchema, RocBandSchema, RocPointsSchema } from './metrics'
import { GpuAdapterSchema, ProviderChoiceSchema, ScoreRuleSchema } from './models'

/** `imported`: scores another tool computed, stored by `mia metrics --save` (never run by the workbench). */
export const AttackSchema = z.enum(['csa', 'aea', 'wsa', 'blind', 'qmia', 'loss-grad', 'rank', 'imported'])
export type Attack = z.infer<typeof AttackSchema>

/** Every attack's label and one-line description, in the order forms list them (docs/attacks.md defines each). */
export const ATTACK_INFO: Record<Attack, { label: string; hint: string }> = {
  csa: { label: 'CSA', hint: 'Cosine similarity of image and caption embeddings.' },
  aea: { label: 'AEA', hint: 'Similarity averaged over augmented views of the image.' },
  wsa: { label: 'WSA', hint: 'An attack model trained on pseudo-labelled pool items.' },
  qmia: { label: 'QMIA', hint: 'Per-item thresholds regressed on guaranteed non-members (Bertran et al. 2023).' },
  'loss-grad': { label: 'Loss + grad norm', hint: 'InfoNCE loss and its gradient norm in a seeded batch, weakly supervised (CLIP-MIA-Bench).' },
  rank: { label: 'Zero-shot rank', hint: 'Rank of the own caption among K candidates (Hintersdorf et al. 2024).' },
  blind: { label: 'Blind', hint: 'Metadata-only baseline that never queries the model.' },
  imported: { label: 'Imported', hint: 'Scores another tool computed, stored with `mia metrics --save`.' }
}

/** The attacks the workbench runs itself (all but imported scores), in the order forms list them. */
export const RUNNABLE_ATTACKS = AttackSchema.options.filter((a) => a !== 'imported')

/** Score rules of reference-model calibration (docs/attacks.md "Reference-model calibration"). */
export const CALIBRATION_RULES = ['difference', 'regression'] as const
export type CalibrationRule = (typeof CALIBRATION_RULES)[number]
/** The attacks reference-model calibration applies to: those whose score is a similarity under the model. */
export const CALIBRATED_ATTACKS: readonly Attack[] = ['csa', 'aea']
/** What a spec asks for: a rule, or `auto` (regression where the dataset has enough guaranteed non-members to fit it). */
export const CALIBRATION_MODES = ['auto', ...CALIBRATION_RULES] as const
export type CalibrationMode = (typeof CALIBRATION_MODES)[number]

/** Parameters of the attack and evaluation; every default is the one attacks.md pins. */
export const ExperimentParamsSchema = z.object({
  seed: SeedSchema.default(0),
  aea: z
    .object({
      /** Augmentation bank in canonical spec syntax; empty = the default bank of attacks.md (K = 10). */
      bank: z.string().default(''),
      aggregation: z.enum(['mean', 'drop']).default('mean')
    })
    .prefault({}),
  wsa: z
    .object({
      /** Which published code to follow (docs/attacks.md "WSA"): the workbench's own, reds-lab/CLIP-MIA, CLIP-MIA-Bench. */
      variant: z.enum(['workbench', 'ko2023', 'bench2026']).default('workbench'),
      /** Fixed λ; absent → the variant's (ko2023 1.5, bench2026 0.5) or the workbench's label-free precision rule. */
      lambda: LambdaSchema.optional(),
      /** The precision rule's target pseudo-member precision. */
      targetPrecision: z.number().gt(0).lt(1).default(0.9),
      /** Cross-fit a transductive pool (no target scored by a model trained on it); absent → the variant's default. */
      crossFit: z.boolean().optional(),
      folds: z.number().int().min(2).max(20).default(5),
      model: z.enum(['mlp', 'logreg']).default('mlp'),
      /** `auto`: the dataset's pool items if any, else the targets with labels hidden (transductive). */
      pool: z.enum(['auto', 'separate', 'transductive']).default('auto'),
      appendCsa: z.boolean().default(false),
      appendAea: z.boolean().default(false),
      maxEpochs: EpochsSchema.default(15),
      patience: PatienceSchema.default(3),
      learningRate: z.number().positive().default(1e-3),
      batchSize: BatchSizeSchema.default(32)
    })
    .prefault({}),
  evaluation: z
    .object({
      resamples: ResamplesSchema.default(1000),
      confidence: z.number().gt(0, 'confidence must be between 0 and 1, e.g. 0.95').lt(1, 'confidence must be between 0 and 1, e.g. 0.95').default(0.95),
      fprTargets: z.array(z.number().gt(0, 'FPR targets must be between 0 and 1').lt(1, 'FPR targets must be between 0 and 1')).min(1, 'give at least one FPR target').default([0.001, 0.01, 0.05]),
      alpha: z.number().gt(0, 'α must be between 0 and 1, e.g. 0.01').lt(1, 'α must be between 0 and 1, e.g. 0.01').default(0.01)
    })
    .prefault({}),
  /** QMIA (attacks.md "QMIA"): per-item thresholds regressed on reference non-members over any base score. */
  qmia: z
    .object({
      /** The base score whose non-member distribution is modelled per item. */
      base: z.enum(['csa', 'aea']).default('csa'),
      /** Target FPR α of each item's own threshold. */
      alpha: z.number().gt(0).lt(1).default(0.01),
      /** What the regression conditions on: [ê_I ; ê_T] (as WSA), the image or the caption embedding alone. */
      features: z.enum(['both', 'image', 'text']).default('both')
    })
    .prefault({}),
  /** Loss + gradient norm (attacks.md "Loss + gradient norm"). */
  lossGrad: z
    .object({
      batchSize: z.number().int().min(2).max(4096).default(256),
      /** CLIP's logit scale s (the exp of the log parameter); null: from the model card, else 100 with a warning. */
      logitScale: z.number().positive().max(1000).nullable().default(null)
    })
    .prefault({}),
  /** Zero-shot rank (attacks.md "Zero-shot rank"). */
  rank: z
    .object({
      /** Candidates per image, its own caption included. */
      k: z.number().int().min(2).max(100_000).default(100),
      /** `captions`: other items' captions; `list`: the candidate texts below. */
      candidates: z.enum(['captions', 'list']).default('captions'),
      candidateList: z.array(z.string().min(1).max(1000)).max(100_000).default([]),
      /** Prompt templates with `{}` for the caption (e.g. "a photo of {}."); the median rank over templates votes. */
      templates: z
        .array(
          z
            .string()
            .min(1)
            .max(500)
            .refine((t) => t.includes('{}'), { message: 'a template needs {} where the caption goes' })
        )
        .min(1)
        .max(64)
        .default(['{}'])
    })
    .prefault({}),
  blind: z.object({ folds: z.number().int().min(2).max(20).default(5), enabled: z.boolean().default(true) }).prefault({}),
  /** Reference-model calibration of CSA/AEA (docs/attacks.md): s_target − s_reference, or its regression form. */
  calibration: z.object({ referenceModel: z.string().min(1).optional(), mode: z.enum(CALIBRATION_MODES).default('auto') }).prefault({})
})
export type ExperimentParams = z.infer<typeof ExperimentParamsSchema>

/**
 * Whether an experiment embeds augmented views of its images: AEA always, WSA when its features
 * include the AEA score (attacks.md). The one rule the runner, the planner and the form share.
 */
export function usesAugmentedViews(attack: Attack, params: { wsa: Pick<ExperimentParams['wsa'], 'appendAea'>; qmia?: Pick<ExperimentParams['qmia'], 'base'> }): boolean {
  return attack === 'aea' || (attack === 'wsa' && params.wsa.appendAea) || (attack === 'qmia' && params.qmia?.base === 'aea')
}

/** Where imported scores came from, enough to check a file is the one measured (issue 22: `mia metrics --save`). */
export const ImportedScoresSchema = z.object({
  file: z.string().max(4096),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  columns: z.object({ score: z.string(), label: z.string(), id: z.string().nullable() }),
  /** The file's scores were negated (loss-like: lower means member), so higher means member as everywhere else. */
  lowerIsMember: z.boolean(),
  /** Rows read, and those skipped because their label was unknown. */
  rows: z.number().int().nonnegative(),
  skippedUnknown: z.number().int().nonnegative()
})
export type ImportedScores = z.infer<typeof ImportedScoresSchema>

/** What the user asks to run. `model` and `dataset` are names (bundled/added) or folder paths. */
export const ExperimentSpecSchema = z.object({
  name: z.string().max(200).optional(),
  model: z.string().min(1).optional(),
  dataset: z.string().min(1),
  attack: AttackSchema,
  params: ExperimentParamsSchema.prefault({}),
  tags: z.array(z.string().max(50)).max(50).default([]),
  /**
   * Execution provider asked for (issue 19: the form's or `mia --provider`'s); absent = the engine's own setting. What
   * really ran, and why a faster one did not, is in the results (`provider`, `fallbackReason`, `adapter`).
   */
  provider: ProviderChoiceSchema.optional(),
  /** Provenance of imported scores: which file (and its hash), which columns, and the score direction. */
  imported: ImportedScoresSchema.optional()
})
export type ExperimentSpecInput = z.input<typeof ExperimentSpecSchema>
export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>

/** The spec as resolved when it ran: fingerprints and versions pin exactly what was measured. */
export const ResolvedSpecSchema = ExperimentSpecSchema.extend({
  modelName: z.string().nullable(),
  modelFingerprint: z.string().nullable(),
  quantized: z.boolean(),
  /** Folder layout (huggingface, openclip, clip-as-service) and variant ('separate', 'combined-fp16', ...) that ran. */
  modelFormat: z.string().nullable().optional(),
  modelVariant: z.string().nullable().optional(),
  /** The model's pairwise score that CSA reported (SigLIP: sigmoid(exp(t)·cos + b)); absent/null: cosine. */
  scoreRule: ScoreRuleSchema.nullable().optional(),
  datasetName: z.string(),
  datasetHash: z.string(),
  appVersion: z.string(),
  /** Fingerprint of the calibration reference model, when there is one. */
  referenceModelFingerprint: z.string().nullable().optional(),
  /** Loss-grad: where the pinned `params.lossGrad.logitScale` was read (the export's initializer, the score rule, the model card). */
  logitScaleSource: z.string().optional()
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
  /** Membership or shift? (docs/attacks.md "Audit verdict"); absent in records made before it existed. */
  audit: AuditSchema.nullable().optional(),
  /** Attack-specific facts, e.g. WSA's μ, σ, τ, pseudo-member counts and precision. */
  attackReport: z.record(z.string(), z.unknown()),
  counts: z.object({ targets: z.number().int(), members: z.number().int(), nonmembers: z.number().int(), unknown: z.number().int(), reference: z.number().int(), pool: z.number().int() }),
  skipped: z.array(SkippedItemSchema),
  /** Execution provider that ran the model (null for the blind baseline) and why a faster one was not used. */
  provider: z.string().nullable(),
  fallbackReason: z.string().nullable(),
  /** The GPU behind a WebGPU provider (absent in records made before it was recorded). */
  adapter: GpuAdapterSchema.nullable().optional(),
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
  /** What pins the measurement: the list shows the key parameters, and `mia run` finds an identical earlier run by them. */
  modelFingerprint: z.string().nullable(),
  datasetHash: z.string(),
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

/**
 * Fewest members or non-members a slice needs before its AUC is worth comparing with another slice's (attacks.md
 * "Slices"): at 30 per class the AUC's standard error is about 0.05, so two slices 0.1 apart are barely told apart.
 */
export const SLICE_MIN_PER_CLASS = 30

/** A slice of the targets by one metadata value, with its own stratified bootstrap intervals (attacks.md "Slices"). */
export const SliceSchema = z.object({
  column: z.string(),
  value: z.string(),
  members: z.number().int(),
  nonmembers: z.number().int(),
  /** Null when the slice holds one class only. */
  auc: z.number().nullable(),
  aucCI: IntervalSchema.nullable(),
  /** TPR at 1 % FPR and its interval; null with one class, or fewer than 100 non-members (unresolvable). */
  tprAt1: z.number().nullable(),
  tprAt1CI: IntervalSchema.nullable(),
  /** Why this slice's numbers deserve less trust (fewer than SLICE_MIN_PER_CLASS items in a class); null when none. */
  warning: z.string().nullable()
})
export type Slice = z.infer<typeof SliceSchema>

/** The slice whose items the exposed lists show (the Results screen's click-through). */
export const SliceFilterSchema = z.object({ column: z.string().min(1).max(200), value: z.string().max(1000) }).strict()
export type SliceFilter = z.infer<typeof SliceFilterSchema>

/** Everything the Results screen draws for one experiment. */
export const ExperimentViewSchema = z.object({
  record: ExperimentRecordSchema,
  roc: RocPointsSchema.nullable(),
  histogram: HistogramSchema.nullable(),
  topMembers: z.array(ExposedItemSchema),
  falsePositives: z.array(ExposedItemSchema),
  /** Pointwise bootstrap band of the ROC: the record's, else computed from the stored scores with its bootstrap parameters. */
  rocBand: RocBandSchema.nullable().optional(),
  slices: z.array(SliceSchema),
  /** The slice the exposed lists are limited to, when one was asked for, with its item counts. */
  slice: SliceFilterSchema.extend({ members: z.number().int(), nonmembers: z.number().int() }).nullable().optional(),
  /**
   * Scores of the labelled targets per class, each sorted descending: the threshold moves item by item on them and
   * agrees with the metrics (issue 21). Null above MAX_ITEM_SCORES items (then the histogram's bins are used).
   */
  scores: z
    .object({ members: z.array(z.number()), nonmembers: z.array(z.number()) })
    .nullable()
    .optional()
})

/** One item drilled into (experiments.item). */
export const ItemDetailSchema = z.object({
  item: z.object({ id: z.string(), caption: z.string(), membership: z.string(), role: z.string(), metadata: z.record(z.string(), z.string()), image: z.string().nullable() }),
  /** Its score in every finished experiment on the same dataset; `nonmembersAtOrAbove` of `nonmembers` score as high or higher. */
  scores: z.array(
    z.object({ experimentId: z.string(), name: z.string(), attack: AttackSchema, score: z.number(), nonmembersAtOrAbove: z.number().int(), nonmembers: z.number().int(), current: z.boolean() })
  ),
  /** AEA: the similarity of the original (index 0) and of each augmented view, as the aggregation saw them. */
  views: z.array(z.object({ index: z.number().int(), spec: z.string(), score: z.number() }))
})
export type ItemDetail = z.infer<typeof ItemDetailSchema>

/** Largest number of labelled scores a view carries for item-level thresholds. */
export const MAX_ITEM_SCORES = 200_000
export type ExperimentView = z.infer<typeof ExperimentViewSchema>
