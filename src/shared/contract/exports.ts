// Schemas of exported artefacts (figures, tables, records) and of the embed and augmentation-preview operations.
import { z } from 'zod'
import { SkippedItemSchema } from './experiments'
import { GpuAdapterSchema } from './models'

/** Figure kinds the renderer and `mia export --figure` draw from the same chart builders. */
export const FigureKindSchema = z.enum(['roc', 'hist', 'compare'])
export type FigureKind = z.infer<typeof FigureKindSchema>
export const FigureFormatSchema = z.enum(['svg', 'pdf', 'png'])
export type FigureFormat = z.infer<typeof FigureFormatSchema>
export const TableFormatSchema = z.enum(['csv', 'latex'])
export type TableFormat = z.infer<typeof TableFormatSchema>

/** An axis range [min, max] in data units (rates for ROC axes, scores for histograms). */
export const AxisRangeSchema = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, { message: 'an axis range needs min < max' })
export type AxisRange = z.infer<typeof AxisRangeSchema>

/** How an exported figure is drawn beyond its kind and size (issue 22: linear axes, limits, legend labels). */
export const FigureDrawOptionsSchema = z
  .object({
    /** ROC axes: log-log (default; from 1/n₀) or linear. */
    scale: z.enum(['log', 'linear']).default('log'),
    xRange: AxisRangeSchema.optional(),
    yRange: AxisRangeSchema.optional(),
    /** Legend labels in the order of the experiments, replacing their names. */
    labels: z.array(z.string().min(1).max(200)).max(16).optional()
  })
  .strict()
export type FigureDrawOptions = z.infer<typeof FigureDrawOptionsSchema>

/** Metrics-table columns a researcher can choose (`--columns auc,tpr@1%,ba`); ids are stable, headers are the table's. */
export const TABLE_COLUMNS = ['model', 'dataset', 'attack', 'params', 'n', 'auc', 'ba', 'tpr@0.1%', 'tpr@1%', 'tpr@5%', 'adv', 'blind', 'audit', 'calibration', 'delta'] as const
export const TableColumnSchema = z.enum(TABLE_COLUMNS)
export type TableColumn = z.infer<typeof TableColumnSchema>

/** How a LaTeX/CSV metrics table is laid out. */
export const TableOptionsSchema = z
  .object({
    /** Columns after the experiment label, in this order; default all. */
    columns: z.array(TableColumnSchema).min(1).max(TABLE_COLUMNS.length).optional(),
    /** LaTeX float: `table` (one column) or `table*` (spans both columns). */
    float: z.enum(['table', 'table*']).default('table*'),
    /** Row labels: experiment names, or `short` = only what differs between the rows (model, attack, parameters). */
    labels: z.enum(['names', 'short']).default('names'),
    /** LaTeX numbers: plain text, or siunitx `\num{}` cells with the CI as `\numrange{}`-style text. */
    numbers: z.enum(['plain', 'siunitx']).default('plain')
  })
  .strict()
export type TableOptions = z.infer<typeof TableOptionsSchema>

/** A file produced by an export: text formats as UTF-8, binary ones (pdf, png) as base64. */
export const ExportFileSchema = z.object({
  fileName: z.string(),
  mime: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
  /** Provenance caption to paste under the figure or table. */
  caption: z.string()
})
export type ExportFile = z.infer<typeof ExportFileSchema>

/** One rendered view of the augmentation preview: `orig` first, then the K augmented views. */
export const ViewPreviewSchema = z.object({ index: z.number().int(), spec: z.string(), image: z.string() })
export type ViewPreview = z.infer<typeof ViewPreviewSchema>

/** Summary of an embed run: what came from the cache, what was computed, what was skipped and why. */
export const EmbedSummarySchema = z.object({
  model: z.string(),
  modelFingerprint: z.string(),
  provider: z.string(),
  fallbackReason: z.string().nullable(),
  /** The GPU behind a WebGPU provider; null on the CPU and other providers. */
  adapter: GpuAdapterSchema.nullable(),
  dataset: z.string(),
  datasetHash: z.string(),
  items: z.number().int(),
  views: z.array(z.string()),
  computed: z.object({ image: z.number().int(), text: z.number().int() }),
  cached: z.object({ image: z.number().int(), text: z.number().int() }),
  skipped: z.array(SkippedItemSchema),
  /** Where the JSON-lines embeddings were written, when asked. */
  out: z.string().nullable(),
  seconds: z.number()
})
export type EmbedSummary = z.infer<typeof EmbedSummarySchema>
