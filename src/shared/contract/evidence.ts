// Schemas of evidence across experiments (issue 20): per-record agreement, multi-seed summaries, set-level dataset inference.
import { z } from 'zod'
import { SeedSchema } from './numbers'

/** Which records each experiment flags at one FPR budget, and how the flag sets overlap. */
export const AgreementSchema = z.object({
  /** The FPR budget f: an experiment flags an item iff its score ≥ the threshold of its TPR@f point. */
  fpr: z.number(),
  /** Items scored by every experiment (the universe of the sets). */
  nItems: z.number().int(),
  experiments: z.array(z.object({ id: z.string(), name: z.string(), threshold: z.number().nullable(), flagged: z.number().int() })),
  /** jaccard[i][j] = |F_i ∩ F_j| / |F_i ∪ F_j| (1 when both are empty). */
  jaccard: z.array(z.array(z.number())),
  /** UpSet rows: each non-empty exact combination of flagging experiments (indices) and its item count, members among them. */
  intersections: z.array(z.object({ sets: z.array(z.number().int()), count: z.number().int(), members: z.number().int() })),
  /**
   * Items flagged by at least one experiment: per-record flags in experiment order (the CSV export), most exposed first
   * (flagged by more experiments, then higher `exposure`, then id). `exposure`: the mean over experiments of the item's
   * mid-rank among that experiment's labelled non-member scores, in [0, 1] (docs/attacks.md "Agreement and seeds").
   */
  records: z.array(z.object({ id: z.string(), caption: z.string(), membership: z.string(), flags: z.array(z.boolean()), exposure: z.number() })),
  notes: z.array(z.string())
})
export type Agreement = z.infer<typeof AgreementSchema>

/** Most seeds one multi-seed run takes: `experiments.seeds` summarises at most 16 experiments (operations.ts). */
export const MAX_SEEDS = 16

/**
 * A multi-seed list as typed (`0-4`, `0,3,7`, `0-2,9`) → distinct seeds in order, at least 2 and at most MAX_SEEDS.
 * The CLI's `--seeds` and the New experiment form's Seeds field parse through this one schema (issue 20).
 */
export const SeedListSchema = z.string().transform((text, ctx): number[] => {
  const out: number[] = []
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    const lo = m ? Number(m[1]) : NaN
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo
    if (!m || hi < lo || !SeedSchema.safeParse(hi).success) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not a list of seeds: use e.g. 0-4 or 0,3,7` })
      return z.NEVER
    }
    for (let s = lo; s <= hi && out.length <= MAX_SEEDS; s++) if (!out.includes(s)) out.push(s)
  }
  if (out.length < 2) ctx.addIssue({ code: 'custom', message: `"${text.trim()}" names ${out.length} seed; a multi-seed run needs at least 2 (use the single seed otherwise)` })
  else if (out.length > MAX_SEEDS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_SEEDS} seeds in one multi-seed run (their summary compares up to ${MAX_SEEDS} experiments)` })
  return out
})

/** One metric over seeds. */
export const SeedStatSchema = z.object({ metric: z.string(), mean: z.number(), sd: z.number(), min: z.number(), max: z.number(), values: z.array(z.number().nullable()) })
export type SeedStat = z.infer<typeof SeedStatSchema>

/** Several runs of one spec that differ only in the seed. */
export const SeedSummarySchema = z.object({
  ids: z.array(z.string()),
  seeds: z.array(z.number().int()),
  /** Mean, sample sd (ddof 1), min and max of every scalar metric. */
  stats: z.array(SeedStatSchema),
  /** Per-record stability at FPR `fpr`: histogram[k] = items flagged by exactly k of the seeds. */
  stability: z.object({
    fpr: z.number(),
    histogram: z.array(z.number().int()),
    flaggedByAll: z.number().int(),
    flaggedByAny: z.number().int(),
    /** Every item flagged by at least one seed, with how many seeds flag it, most stable first. */
    records: z.array(z.object({ id: z.string(), membership: z.string(), flagged: z.number().int(), caption: z.string().optional() }))
  }),
  notes: z.array(z.string())
})
export type SeedSummary = z.infer<typeof SeedSummarySchema>

/** Set-level dataset inference: is the suspect collection (as a whole) drawn from the training data? */
export const SetInferenceSchema = z.object({
  attack: z.string(),
  /** Score orientation: higher = more member-like for every attack. */
  alternative: z.literal('suspect > reference'),
  nSuspect: z.number().int(),
  nReference: z.number().int(),
  /** p-value of the primary test (Welch's t, one-sided). */
  pValue: z.number(),
  welch: z.object({ t: z.number(), df: z.number(), pValue: z.number() }),
  mannWhitney: z.object({ u: z.number(), z: z.number(), pValue: z.number() }),
  /** Cohen's d with the pooled sd, and the common-language effect size P(suspect > reference) = U / (n₁n₀). */
  effect: z.object({ cohensD: z.number(), probabilityOfSuperiority: z.number() }),
  /** Mean p-value of seeded subsamples of the suspect set by size; `needed` = smallest size whose median p < 0.01. */
  curve: z.array(z.object({ size: z.number().int(), medianP: z.number(), fractionBelow: z.number() })),
  needed: z.number().int().nullable(),
  seed: z.number().int(),
  /**
   * The test's own false-positive rate on this data: seeded subsets of labelled non-member targets (outside the suspect
   * set) of the suspect set's size, tested the same way; `rate` = fraction with p < 0.01. Null without labelled non-members.
   */
  nullCheck: z.object({ subsets: z.number().int(), size: z.number().int(), rejected: z.number().int(), rate: z.number() }).nullable().optional(),
  notes: z.array(z.string())
})
export type SetInference = z.infer<typeof SetInferenceSchema>
