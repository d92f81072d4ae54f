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
