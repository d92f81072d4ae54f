// The audit of one evaluated experiment (docs/attacks.md "Audit verdict"): blind baseline, model-free two-sample
// test, label-permutation null, reference-pool check, transductive flag → one verdict.
import type { Audit } from '../../../shared/contract/audit'
import type { Interval } from '../../../shared/contract/metrics'
import { IMAGE_FEATURE_DIM } from '../attacks'
import { auditVerdict, permutationTest, twoSampleTest } from '../audit'
import { compareScores } from '../metrics'
import type { AttackOutcome } from './attack'

/** Permutations of the label null; two-sample permutations and directions (recorded in the audit). */
export const AUDIT_PERMUTATIONS = 1000
export const AUDIT_TWO_SAMPLE_PERMUTATIONS = 500
export const AUDIT_DIRECTIONS = 64

/** The blind baseline's outcome and its evaluated AUC. */
export interface BlindFacts {
  outcome: AttackOutcome & { imageFeatures: Float64Array | null }
  auc: number
  aucCI: Interval
}

interface AuditContext {
  seed: number
  resamples: number
  confidence: number
  signal?: AbortSignal
}

const labelOf = (m: string): number => (m === 'member' ? 1 : m === 'nonmember' ? 0 : -1)

/** Attack AUC − blind AUC over the items both scored, paired bootstrap. */
async function marginOf(outcome: AttackOutcome, blind: BlindFacts, ctx: AuditContext): Promise<Audit['margin']> {
  const attack = new Map(outcome.targets.map((it, i) => [it.id, outcome.scores[i]]))
  const rows = blind.outcome.targets.flatMap((it, i) =>
    attack.has(it.id) && labelOf(it.membership) >= 0 ? [{ label: labelOf(it.membership), a: attack.get(it.id)!, b: blind.outcome.scores[i] }] : []
  )
  const members = rows.filter((r) => r.label === 1).length
  if (members === 0 || members === rows.length) return null
  const cmp = await compareScores(
    { labels: rows.map((r) => r.label), scoresA: rows.map((r) => r.a), scoresB: rows.map((r) => r.b) },
    { resamples: Math.max(ctx.resamples, 1), seed: ctx.seed, confidence: ctx.confidence, signal: ctx.signal }
  )
  if (cmp.auc.delta === null || !cmp.auc.ci) return null
  return { delta: cmp.auc.delta, ci: cmp.auc.ci, n: rows.length }
}

/** Members (A) against non-members (B) on the blind baseline's model-free image features. */
function twoSampleOf(blind: BlindFacts | null, ctx: AuditContext): Audit['twoSample'] {
  const features = blind?.outcome.imageFeatures
  if (!blind || !features) return null
  const d = IMAGE_FEATURE_DIM
  const rowsOf = (label: number): Float64Array => {
    const picked = blind.outcome.targets.flatMap((it, i) => (labelOf(it.membership) === label ? [i] : []))
    const out = new Float64Array(picked.length * d)
    picked.forEach((i, k) => out.set(features.subarray(i * d, (i + 1) * d), k * d))
    return out
  }
  const a = rowsOf(1)
  const b = rowsOf(0)
  if (a.length < 2 * d || b.length < 2 * d) return null
  const test = twoSampleTest(a, b, d, { permutations: AUDIT_TWO_SAMPLE_PERMUTATIONS, directions: AUDIT_DIRECTIONS, seed: ctx.seed, signal: ctx.signal })
  return { ...test, features: 'model-free image statistics (size, format, mean colour, 4×4×4 colour histogram)' }
}

/** Reference pool (A) vs the evaluation non-members (B) on the scores a threshold is fitted on. */
function referencePoolOf(outcome: AttackOutcome, ctx: AuditContext): Audit['referencePool'] {
  const basis = outcome.thresholdBasis
  if (!basis) return null
  const nonmembers = Float64Array.from(outcome.targets.flatMap((it, i) => (it.membership === 'nonmember' ? [basis.targets[i]] : [])))
  if (nonmembers.length < 2 || basis.reference.length < 2) return null
  const mean = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length
  const mu = mean(nonmembers)
  const sd = Math.sqrt(nonmembers.reduce((s, v) => s + (v - mu) ** 2, 0) / nonmembers.length) || 1
  const test = twoSampleTest(basis.reference, nonmembers, 1, { permutations: AUDIT_TWO_SAMPLE_PERMUTATIONS, seed: ctx.seed, signal: ctx.signal })
  return { ...test, scores: basis.scores, meanShift: (mean(basis.reference) - mu) / sd }
}

/** The audit of an attack's labelled scores; `blind` is null when the blind baseline was off. */
export async function auditOf(outcome: AttackOutcome, labelled: { scores: number[]; labels: number[] }, blind: BlindFacts | null, ctx: AuditContext): Promise<Audit> {
  const permutation = permutationTest(labelled.scores, labelled.labels, { permutations: AUDIT_PERMUTATIONS, seed: ctx.seed, fpr: 0.01, signal: ctx.signal })
  return auditVerdict({
    blind: blind ? { auc: blind.auc, aucCI: blind.aucCI } : null,
    margin: blind ? await marginOf(outcome, blind, ctx) : null,
    twoSample: twoSampleOf(blind, ctx),
    permutation,
    referencePool: referencePoolOf(outcome, ctx),
    trainedOnEvaluated: outcome.trainedOnEvaluated ?? 0
  })
}
