// Schema of the audit on every evaluated experiment (docs/attacks.md "Audit verdict"): membership or shift?
import { z } from 'zod'
import { IntervalSchema } from './metrics'

export const AuditVerdictKindSchema = z.enum(['clean', 'shift-affected', 'shift-dominated', 'no-signal', 'shift-unchecked'])
export type AuditVerdictKind = z.infer<typeof AuditVerdictKindSchema>

export const AuditFlagSchema = z.object({ code: z.enum(['reference-shifted', 'trained-on-evaluated']), message: z.string() })
export type AuditFlag = z.infer<typeof AuditFlagSchema>

/** A permutation two-sample test (sliced 1-Wasserstein) between two groups of rows. */
export const TwoSampleSchema = z.object({
  test: z.literal('sliced-wasserstein-1'),
  statistic: z.number(),
  pValue: z.number(),
  permutations: z.number().int(),
  directions: z.number().int(),
  dims: z.number().int(),
  nA: z.number().int(),
  nB: z.number().int(),
  seed: z.number().int()
})

export const AuditSchema = z.object({
  alpha: z.number(),
  verdict: z.object({ kind: AuditVerdictKindSchema, sentence: z.string(), flags: z.array(AuditFlagSchema) }),
  /** (a) The blind baseline; null when it was not run. */
  blind: z.object({ auc: z.number(), aucCI: IntervalSchema }).nullable(),
  /** Attack AUC − blind AUC on the items both scored, with its paired-bootstrap interval. */
  margin: z.object({ delta: z.number(), ci: IntervalSchema, n: z.number().int() }).nullable(),
  /** (b) Members vs non-members on model-free image features (A = members); null without images. */
  twoSample: TwoSampleSchema.extend({ features: z.string() }).nullable(),
  /** (c) The label-permutation null of the attack's AUC and TPR at `fpr`. */
  permutation: z.object({
    auc: z.number(),
    tpr: z.number(),
    fpr: z.number(),
    aucPValue: z.number(),
    tprPValue: z.number(),
    permutations: z.number().int(),
    seed: z.number().int(),
    nullAucMean: z.number(),
    nullAuc95: z.number()
  }),
  /** (d) Reference pool (A) vs evaluation non-members (B) on the scores the attack thresholds; null when unused. */
  referencePool: TwoSampleSchema.extend({ scores: z.string(), meanShift: z.number() }).nullable(),
  /** Evaluated items that also trained the attack model (transductive WSA); 0 when none. */
  trainedOnEvaluated: z.number().int()
})
export type Audit = z.infer<typeof AuditSchema>
