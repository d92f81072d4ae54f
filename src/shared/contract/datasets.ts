// Schemas of datasets, their validation report and item pages, shared by engine, transports and renderer.
import { z } from 'zod'

export const MembershipSchema = z.enum(['member', 'nonmember', 'unknown'])
export const RoleSchema = z.enum(['target', 'reference', 'pool'])

/** Item counts by membership × role. */
export const DatasetCountsSchema = z.object({
  total: z.number().int(),
  byRole: z.record(RoleSchema, z.object({ member: z.number().int(), nonmember: z.number().int(), unknown: z.number().int() }))
})
export type DatasetCounts = z.infer<typeof DatasetCountsSchema>

/** A dataset as listed: where it is, what it is, how big. */
export const DatasetSummarySchema = z.object({
  name: z.string(),
  path: z.string(),
  source: z.enum(['bundled', 'user']),
  kind: z.string(),
  description: z.string(),
  license: z.string(),
  hash: z.string().nullable(),
  counts: DatasetCountsSchema.nullable(),
  metadataColumns: z.array(z.string()),
  /** Embedding-only datasets (clip-retrieval): vector size, the model that made them, number of parts; null otherwise. */
  embeddings: z.object({ dim: z.number().int(), model: z.string().nullable(), parts: z.number().int() }).nullable(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).nullable()
})
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>

/** One problem found by validation; errors make runs skip the item, warnings do not. */
export const ValidationIssueSchema = z.object({
  itemId: z.string().nullable(),
  line: z.number().int().nullable(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string().nullable()
})
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>

/** The report `datasets.validate` returns before any run. */
export const ValidationReportSchema = z.object({
  dataset: z.string(),
  counts: DatasetCountsSchema,
  /** Items a run would use (no error-level issue). */
  usable: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  issues: z.array(ValidationIssueSchema),
  /** True when issues were cut to keep the report small; counts are still complete. */
  truncated: z.boolean()
})
export type ValidationReport = z.infer<typeof ValidationReportSchema>

/** One item for the thumbnail grid. */
export const ItemCardSchema = z.object({
  id: z.string(),
  caption: z.string(),
  membership: MembershipSchema,
  role: RoleSchema,
  metadata: z.record(z.string(), z.string()),
  /** PNG thumbnail as a data: URL (never a file path: browser mode serves no files). */
  thumbnail: z.string().nullable()
})
export type ItemCard = z.infer<typeof ItemCardSchema>
