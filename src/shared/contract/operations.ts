// Every operation of the workbench: name, input schema, output schema. Transports are generic over this table.
import { z } from 'zod'
import { BatchSizeSchema, DpiSchema, MaxIssuesSchema, ResamplesSchema, SeedSchema, SetSizeSchema } from './numbers'
import { DatasetSummarySchema, ItemCardSchema, MembershipSchema, RoleSchema, ValidationReportSchema } from './datasets'
import { AblationGridSchema, WsaAblationSchema } from './ablation'
import { AgreementSchema, SeedSummarySchema, SetInferenceSchema } from './evidence'
import {
  AttackSchema,
  ImportedScoresSchema,
  ExperimentRecordSchema,
  ExperimentSpecSchema,
  ExperimentStatusSchema,
  ExperimentSummarySchema,
  ExperimentViewSchema,
  SliceFilterSchema,
  ItemDetailSchema
} from './experiments'
import { EmbedSummarySchema, ExportFileSchema, FigureDrawOptionsSchema, FigureFormatSchema, FigureKindSchema, TableFormatSchema, TableOptionsSchema, ViewPreviewSchema } from './exports'
import { MetricsReportSchema, PairedComparisonSchema } from './metrics'
import { CapabilitiesSchema, ModelInfoSchema, ModelInspectionSchema, ModelNameSchema, ProviderChoiceSchema } from './models'

/** Definition of one operation; `long` ones stream events and honour cancellation. */
export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  long: boolean
  summary: string
}

function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>): OperationDef<I, O> {
  return def
}

/** Application identity, where it keeps data, and what it can run. */
export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  runtime: z.enum(['node', 'electron']),
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  paths: z.object({ workspace: z.string(), bundledModels: z.string(), bundledDatasets: z.string() }),
  capabilities: CapabilitiesSchema,
  /** The provider this engine was started with (`mia --provider … serve`; auto when none): new runs start from it. */
  defaultProvider: ProviderChoiceSchema,
  /** Image preparation: preprocessing worker threads (0 = on the inference thread) and libuv's pool, which runs their decodes. */
  threads: z.object({ preprocessing: z.number().int().nonnegative(), uvThreadpool: z.number().int().positive() })
})
export type AppInfo = z.infer<typeof AppInfoSchema>

const none = z.object({}).strict()
const id = z.string().min(1).max(200)
/** A model or dataset: a bundled/added name or a folder/manifest path. */
const ref = z.string().min(1).max(4096)
const ok = z.object({ ok: z.literal(true) })
const ExperimentIdsSchema = z.array(id).min(1).max(16)

/** The operation table. Adding an operation = adding it here and to the engine's handlers. */
export const operations = {
  'app.info': op({ input: none, output: AppInfoSchema, long: false, summary: 'Version, runtime, paths and capabilities (execution providers, Electron runtime, fallbacks).' }),
  'models.list': op({
    input: none,
    output: z.object({ models: z.array(ModelInfoSchema), hint: z.string().nullable() }),
    long: false,
    summary: 'Bundled and user-added models with architecture facts, fingerprint and load errors.'
  }),
  'models.add': op({
    /** `name` overrides the one the folder's files give; a bundled model's name is refused either way. */
    input: z.object({ path: ref, name: ModelNameSchema.optional() }).strict(),
    output: ModelInfoSchema,
    long: false,
    summary: 'Register a model folder (Hugging Face ONNX, OpenCLIP/immich or clip-as-service layout) and describe it.'
  }),
  'models.inspect': op({
    input: z.object({ path: ref, variant: z.string().min(1).max(64).optional() }).strict(),
    output: ModelInspectionSchema,
    long: false,
    summary: 'Describe a model folder (any layout) without registering it: layout, towers, variant, preprocessing, tokenizer and every problem found.'
  }),
  'models.pull': op({
    input: z.object({ repoId: z.string().min(3).max(200), revision: z.string().min(1).max(200).optional(), variant: z.string().min(1).max(64).optional() }).strict(),
    output: ModelInfoSchema.extend({ downloadedBytes: z.number().int().nonnegative(), pulledFiles: z.array(z.string()) }),
    long: true,
    summary: "Download the files a Hugging Face repo's CLIP layout needs into the hub cache (resumable, checksummed; HF_ENDPOINT, HF_TOKEN) and describe the snapshot."
  }),
  'models.remove': op({ input: z.object({ path: ref }).strict(), output: ok, long: false, summary: 'Forget a user-added model folder (its cached embeddings stay).' }),
  'datasets.list': op({ input: none, output: z.object({ datasets: z.array(DatasetSummarySchema) }), long: false, summary: 'Bundled and user-added datasets with counts by membership and role.' }),
  'datasets.add': op({ input: z.object({ path: ref }).strict(), output: DatasetSummarySchema, long: true, summary: 'Register a manifest or image folder as a dataset and count its items.' }),
  'datasets.remove': op({ input: z.object({ path: ref }).strict(), output: ok, long: false, summary: 'Forget a user-added dataset.' }),
  'datasets.validate': op({
    input: z.object({ dataset: ref, maxIssues: MaxIssuesSchema.default(500) }).strict(),
    output: ValidationReportSchema,
    long: true,
    summary: 'Check every item (files, decoding, duplicates, captions) before a run; report per item.'
  }),
  'datasets.items': op({
    input: z
      .object({
        dataset: ref,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(60),
        role: RoleSchema.optional(),
        membership: MembershipSchema.optional(),
        search: z.string().max(200).optional(),
        thumbnailSize: z.number().int().min(16).max(512).default(96)
      })
      .strict(),
    output: z.object({ total: z.number().int(), items: z.array(ItemCardSchema) }),
    long: false,
    summary: 'A page of items with thumbnails, for the dataset grid.'
  }),
  'augment.preview': op({
    input: z
      .object({
        dataset: ref,
        itemId: id.optional(),
        bank: z.string().max(20_000).default(''),
        seed: SeedSchema.default(0),
        size: z.number().int().min(16).max(512).default(128)
      })
      .strict(),
    output: z.object({ itemId: z.string(), caption: z.string(), bank: z.string(), views: z.array(ViewPreviewSchema) }),
    long: false,
    summary: 'The K augmented views of one item (the first by default) as PNG thumbnails; validates the bank.'
  }),
  embed: op({
    input: z
      .object({
        model: ref,
        dataset: ref,
        augment: z.string().max(20_000).optional(),
        seed: SeedSchema.default(0),
        out: z.string().max(4096).optional(),
        batchSize: BatchSizeSchema.optional(),
        /** Process only shard `index` of `count` (0-based): a deterministic split by item id, for cluster job arrays. */
        shard: z
          .object({ index: z.number().int().min(0), count: z.number().int().min(1).max(100_000) })
          .refine((v) => v.index < v.count, { message: 'shard index must be below the shard count' })
          .optional()
      })
      .strict(),
    output: EmbedSummarySchema,
    long: true,
    summary: 'Compute (or read from the cache) the embeddings of every item and view; optionally write JSON lines.'
  }),
  'experiments.create': op({
    input: z.object({ spec: ExperimentSpecSchema }).strict(),
    output: ExperimentRecordSchema,
    long: false,
    summary: 'Resolve a spec (fingerprints, hashes) and store it as a pending experiment.'
  }),
  'experiments.run': op({
    input: z.object({ id }).strict(),
    output: ExperimentRecordSchema,
    long: true,
    summary: 'Run or resume an experiment: embed what the cache lacks, score, evaluate, store.'
  }),
  'experiments.start': op({
    input: z.object({ id }).strict(),
    output: z.object({ started: z.boolean() }),
    long: false,
    summary: 'Start or resume an experiment in the engine and return at once; the run belongs to the engine (only experiments.cancel stops it).'
  }),
  'experiments.follow': op({
    input: z.object({ id }).strict(),
    output: z.object({ record: ExperimentRecordSchema, followed: z.boolean() }),
    long: true,
    summary: 'Replay what a run has reported so far, then stream it live until it ends; cancelling this call only stops following.'
  }),
  'experiments.cancel': op({
    input: z.object({ id }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    long: false,
    summary: 'Stop a running experiment; what it finished stays cached, so a resume continues from there.'
  }),
  'experiments.active': op({ input: none, output: z.object({ ids: z.array(z.string()) }), long: false, summary: 'Ids of the experiments running in this engine now.' }),
  'experiments.rerun': op({
    input: z.object({ record: z.unknown() }).strict(),
    output: z.object({ record: ExperimentRecordSchema, reproduced: z.boolean(), differences: z.array(z.string()) }),
    long: true,
    summary: 'Run an exported record again as a new experiment and check the metrics are reproduced exactly.'
  }),
  'experiments.list': op({
    input: z.object({ search: z.string().max(200).optional(), status: ExperimentStatusSchema.optional() }).strict(),
    output: z.object({ experiments: z.array(ExperimentSummarySchema) }),
    long: false,
    summary: 'Saved experiments, newest first, filtered by a search over name, id and tags.'
  }),
  'experiments.get': op({
    input: z.object({ id, top: z.number().int().min(1).max(200).default(12), slice: SliceFilterSchema.optional() }).strict(),
    output: ExperimentViewSchema,
    long: false,
    summary: 'Everything the Results screen shows for one experiment; `top` items in each "most exposed" list (of `slice` only, when given).'
  }),
  'experiments.item': op({
    input: z.object({ id, itemId: id, size: z.number().int().min(16).max(1024).default(320) }).strict(),
    output: ItemDetailSchema,
    long: false,
    summary: 'One item drilled into: image, caption, metadata, its score and rank in every experiment on the dataset, AEA view scores.'
  }),
  'experiments.thumbnails': op({
    input: z.object({ id, itemIds: z.array(id).min(1).max(200), size: z.number().int().min(16).max(512).default(96) }).strict(),
    output: z.object({ thumbnails: z.array(z.object({ id: z.string(), thumbnail: z.string().nullable() })) }),
    long: false,
    summary: 'PNG thumbnails (data: URLs) of items an experiment scored, for lists of records such as the agreement view; null when no image is kept.'
  }),
  'experiments.rename': op({ input: z.object({ id, name: z.string().min(1).max(200) }).strict(), output: ExperimentSummarySchema, long: false, summary: 'Rename an experiment.' }),
  'experiments.tag': op({
    input: z.object({ id, tags: z.array(z.string().min(1).max(50)).max(50) }).strict(),
    output: ExperimentSummarySchema,
    long: false,
    summary: 'Replace the tags of an experiment.'
  }),
  'experiments.delete': op({ input: z.object({ id }).strict(), output: ok, long: false, summary: 'Delete an experiment and its scores (cached embeddings stay).' }),
  'experiments.compare': op({
    input: z.object({ ids: ExperimentIdsSchema.min(2), resamples: ResamplesSchema.default(1000), seed: SeedSchema.default(0) }).strict(),
    output: z.object({
      views: z.array(ExperimentViewSchema),
      /** Paired comparisons (first experiment vs each other) where both scored the same target items. */
      comparisons: z.array(PairedComparisonSchema),
      /** Why a pair was not compared (different target items), one line each. */
      notes: z.array(z.string())
    }),
    long: true,
    summary: 'Two or more experiments side by side, with paired ΔAUC and ΔTPR@1%FPR when the target items match.'
  }),
  'experiments.ablation': op({
    input: AblationGridSchema.extend({ id }).strict(),
    output: WsaAblationSchema,
    long: true,
    summary: "WSA's AUC and TPR@1% FPR against the guaranteed non-member pool size and λ, beside CSA, on a WSA experiment's cached embeddings."
  }),
  'export.ablation': op({
    input: z
      .object({
        /** The ablation as the engine returned it (the figure redraws it; nothing is refitted). */
        ablation: WsaAblationSchema,
        format: z.enum(['svg', 'pdf', 'png', 'csv']),
        widthIn: z.number().min(1).max(20).default(6.9),
        dpi: DpiSchema.default(300)
      })
      .strict(),
    output: ExportFileSchema,
    long: false,
    summary: 'The WSA ablation as a figure (AUC and TPR@1% FPR against |D_no|, one line per λ, CSA dashed; SVG/PDF/PNG) or its cells as CSV.'
  }),
  'audit.set': op({
    input: z
      .object({
        model: ref.optional(),
        dataset: ref,
        /** `members` / `nonmembers`: the labelled targets of that class; or the suspect target ids. */
        suspect: z.union([z.enum(['members', 'nonmembers']), z.array(id).min(2).max(10_000_000)]),
        size: SetSizeSchema.optional(),
        attack: AttackSchema.exclude(['blind']).default('csa'),
        seed: z.number().int().nonnegative().default(0),
        /**
         * The known non-members: `reference` = the dataset's reference items (falls back to the labelled non-member targets
         * when the attack does not score them); `nonmembers` = a seeded half of the labelled non-member targets outside the
         * suspect set (the other half feeds the null check); or explicit target ids.
         */
        known: z.union([z.enum(['reference', 'nonmembers']), z.array(id).min(2).max(10_000_000)]).default('reference'),
        /** Seeded non-member subsets tested to measure the test's false-positive rate (0 = skip). */
        nullSubsets: z.number().int().min(0).max(100_000).default(200)
      })
      .strict(),
    output: SetInferenceSchema.extend({ experimentId: z.string(), referenceSource: z.enum(['reference-role', 'labelled-nonmembers', 'held-out-half', 'known-ids']) }),
    long: true,
    summary: 'Set-level dataset inference: was this collection, as a whole, in the training data? One-sided tests against known non-members.'
  }),
  'experiments.agreement': op({
    input: z.object({ ids: ExperimentIdsSchema.min(2), fpr: z.number().min(0).lt(1).default(0.01) }).strict(),
    output: AgreementSchema,
    long: false,
    summary: 'Which records each experiment flags at an FPR budget: Jaccard indices, UpSet intersections, per-record flags.'
  }),
  'experiments.seeds': op({
    input: z.object({ ids: ExperimentIdsSchema.min(2), fpr: z.number().min(0).lt(1).default(0.01) }).strict(),
    output: SeedSummarySchema,
    long: false,
    summary: 'Runs of one spec over several seeds: mean ± sd and min–max of every metric, per-record stability.'
  }),
  'metrics.evaluate': op({
    input: z
      .object({
        scores: z.array(z.number()).min(2),
        labels: z.array(z.union([z.literal(0), z.literal(1)])).min(2),
        referenceScores: z.array(z.number()).optional(),
        resamples: ResamplesSchema.default(1000),
        seed: SeedSchema.default(0)
      })
      .strict(),
    output: MetricsReportSchema,
    long: true,
    summary: 'Evaluate any scores with the pinned conventions (AUC, TPR@FPR, balanced accuracy, bootstrap CIs).'
  }),
  'experiments.import': op({
    input: z
      .object({
        name: z.string().min(1).max(200),
        tags: z.array(z.string().min(1).max(50)).max(50).default([]),
        /** One entry per labelled row, in file order; ids from the file's id column, or null to number the rows. */
        scores: z.array(z.number()).min(2).max(10_000_000),
        labels: z
          .array(z.union([z.literal(0), z.literal(1)]))
          .min(2)
          .max(10_000_000),
        ids: z.array(z.string().min(1).max(1000)).max(10_000_000).nullable(),
        source: ImportedScoresSchema,
        resamples: z.number().int().min(0).max(100_000).default(1000),
        seed: z.number().int().nonnegative().default(0)
      })
      .strict(),
    output: ExperimentRecordSchema,
    long: true,
    summary: "Store another tool's scores as an experiment (with the file's hash and column mapping), evaluated by the same conventions."
  }),
  'export.figure': op({
    input: z
      .object({
        ids: ExperimentIdsSchema,
        figure: FigureKindSchema,
        format: FigureFormatSchema,
        widthIn: z.number().min(1).max(20).default(3.3),
        heightIn: z.number().min(0.5).max(20).optional(),
        dpi: DpiSchema.default(300),
        draw: FigureDrawOptionsSchema.prefault({})
      })
      .strict(),
    output: ExportFileSchema,
    long: false,
    summary: 'A ROC, histogram or comparison figure as SVG, PDF (one page, fonts embedded) or PNG.'
  }),
  'export.table': op({
    input: z.object({ ids: ExperimentIdsSchema, format: TableFormatSchema, table: TableOptionsSchema.prefault({}) }).strict(),
    output: ExportFileSchema,
    long: false,
    summary: 'The metrics table (with paired deltas for comparisons) as CSV or a booktabs LaTeX table.'
  }),
  'export.agreement': op({
    input: z
      .object({
        ids: ExperimentIdsSchema.min(2),
        fpr: z.number().min(0).lt(1).default(0.01),
        /** A figure format for the agreement figure, or `csv` for the per-record flags. */
        format: z.enum(['svg', 'pdf', 'png', 'csv']),
        /** Venn (2–3 experiments) or UpSet (any number); `auto`: Venn up to 3 experiments, else UpSet. */
        figure: z.enum(['auto', 'venn', 'upset']).default('auto'),
        widthIn: z.number().min(1).max(20).default(3.3),
        dpi: z.number().int().min(72).max(1200).default(300)
      })
      .strict(),
    output: ExportFileSchema,
    long: false,
    summary: 'Per-record agreement of experiments at an FPR budget: the Venn or UpSet figure (SVG/PDF/PNG) or the per-record flags as CSV.'
  }),
  'export.slices': op({
    input: z.object({ id, format: TableFormatSchema }).strict(),
    output: ExportFileSchema,
    long: false,
    summary: 'The slices of one experiment (AUC and TPR@1% FPR with per-slice bootstrap CIs, small-slice warnings) as CSV or LaTeX.'
  }),
  'export.scores': op({ input: z.object({ id }).strict(), output: ExportFileSchema, long: false, summary: 'Per-item scores of one experiment as CSV.' }),
  'export.record': op({ input: z.object({ id }).strict(), output: ExportFileSchema, long: false, summary: 'The experiment record JSON: enough to rerun it with `mia rerun`.' })
} as const

export type Operations = typeof operations
export type OperationName = keyof Operations
/** What a caller passes (before schema defaults apply). */
export type OpInput<K extends OperationName> = z.input<Operations[K]['input']>
/** What the engine receives after validation (defaults applied). */
export type OpParsedInput<K extends OperationName> = z.output<Operations[K]['input']>
export type OpOutput<K extends OperationName> = z.output<Operations[K]['output']>

/** True when `name` is an operation of the contract. */
export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name)
}
