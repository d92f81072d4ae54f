// The WSA pool-size ablation (issue 17, shown on screen by issue 21): WSA's AUC and TPR@1% FPR against the size of the
// guaranteed non-member pool D_no and λ, beside CSA on the same targets (docs/attacks.md "WSA ablation").
import { z } from 'zod'
import { LambdaSchema, SeedSchema } from './numbers'

/** A pool size: a number of reference items, or `all` of them. */
export const AblationSizeSchema = z.union([z.number().int().min(2).max(10_000_000), z.literal('all')])
export type AblationSize = z.infer<typeof AblationSizeSchema>
/** A λ of the grid: fixed, or `rule` = what the experiment's variant does without a λ (the workbench: the label-free precision rule). */
export const AblationLambdaSchema = z.union([LambdaSchema, z.literal('rule')])
export type AblationLambda = z.infer<typeof AblationLambdaSchema>

/** The small default grid of the results screen and `mia experiments ablation`. */
export const DEFAULT_ABLATION_SIZES: readonly AblationSize[] = [100, 250, 500, 1000, 'all']
export const DEFAULT_ABLATION_LAMBDAS: readonly AblationLambda[] = ['rule', 0, 1]

/** The grid asked for: every size × seed × λ is one WSA fit. */
export const AblationGridSchema = z
  .object({
    sizes: z
      .array(AblationSizeSchema)
      .min(1)
      .max(12)
      .default([...DEFAULT_ABLATION_SIZES]),
    lambdas: z
      .array(AblationLambdaSchema)
      .min(1)
      .max(12)
      .default([...DEFAULT_ABLATION_LAMBDAS]),
    /** Seeds of the pool subsets and the attack model; absent → the experiment's seed. */
    seeds: z.array(SeedSchema).min(1).max(10).optional()
  })
  .strict()

/** One WSA fit of the grid. `error`: why it produced no scores (e.g. no pseudo-member above τ); its numbers are then null. */
export const AblationCellSchema = z.object({
  /** Reference items in D_no (`all` resolved to the count). */
  size: z.number().int(),
  /** The size was `all` (or larger than the pool: then it is all). */
  all: z.boolean(),
  seed: z.number().int(),
  /** The λ asked for: a number, or `rule`. */
  requested: AblationLambdaSchema,
  /** The λ that set τ (for `rule`: the one the rule chose); null when the fit failed before τ. */
  lambda: z.number().nullable(),
  lambdaRule: z.enum(['fixed', 'precision']).nullable(),
  nSelected: z.number().int().nullable(),
  usedPerClass: z.number().int().nullable(),
  /** Share of true members among the selected pseudo-members (ground truth: for the table, never for a choice). */
  precision: z.number().nullable(),
  auc: z.number().nullable(),
  tpr1: z.number().nullable(),
  error: z.string().nullable()
})
export type AblationCell = z.infer<typeof AblationCellSchema>

/** The ablation of one WSA experiment. */
export const WsaAblationSchema = z.object({
  experimentId: z.string(),
  name: z.string(),
  /** Labelled targets evaluated (all of them, or ko2023's evaluation set per fit). */
  nTargets: z.number().int(),
  /** Reference items available for D_no. */
  nReference: z.number().int(),
  /** CSA on the same targets: the reference line. */
  csa: z.object({ auc: z.number(), tpr1: z.number().nullable() }),
  /** The experiment's own λ setting, for the table's reading. */
  variant: z.string(),
  cells: z.array(AblationCellSchema),
  notes: z.array(z.string()),
  seconds: z.number()
})
export type WsaAblation = z.infer<typeof WsaAblationSchema>

/** The cells of one (size, λ) averaged over their seeds: a row of the table and a point of the chart. */
export interface AblationRow {
  size: number
  all: boolean
  requested: AblationLambda
  /** Distinct λ values used (the rule may choose different ones per seed). */
  lambdas: number[]
  fits: number
  failed: number
  nSelected: number | null
  usedPerClass: number | null
  precision: number | null
  auc: number | null
  tpr1: number | null
  /** The first failure's reason, when every fit of the row failed. */
  error: string | null
}

const meanOf = (xs: Array<number | null>): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x))
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null
}

/** Rows of the ablation table in grid order (sizes as given, λ as given), each the mean over the seeds that fitted. */
export function ablationRows(cells: readonly AblationCell[]): AblationRow[] {
  const groups = new Map<string, AblationCell[]>()
  for (const c of cells) {
    const key = `${c.size}|${String(c.requested)}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  return [...groups.values()].map((g) => {
    const ok = g.filter((c) => c.error === null)
    return {
      size: g[0].size,
      all: g[0].all,
      requested: g[0].requested,
      lambdas: [...new Set(ok.map((c) => c.lambda!))],
      fits: ok.length,
      failed: g.length - ok.length,
      nSelected: meanOf(ok.map((c) => c.nSelected)),
      usedPerClass: meanOf(ok.map((c) => c.usedPerClass)),
      precision: meanOf(ok.map((c) => c.precision)),
      auc: meanOf(ok.map((c) => c.auc)),
      tpr1: meanOf(ok.map((c) => c.tpr1)),
      error: ok.length ? null : g[0].error
    }
  })
}

/** How a λ of the grid reads in tables and legends: `rule → 1.25`, `0.5`. */
export function lambdaLabel(requested: AblationLambda, used: readonly number[] = []): string {
  if (requested !== 'rule') return String(requested)
  return used.length ? `rule → ${used.join('/')}` : 'rule'
}
