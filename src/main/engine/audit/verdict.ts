// The audit verdict (docs/attacks.md "Audit verdict"): one plain sentence, from fixed rules over the blind
// baseline, the model-free two-sample test, the label-permutation null and the reference-pool check.
import type { Audit, AuditFlag, AuditVerdictKind } from '../../../shared/contract/audit'
import { BLIND_WARNING_AUC, BLIND_WARNING_MARGIN } from '../attacks/blind'

/** Significance level of every audit test. */
export const AUDIT_ALPHA = 0.01

/** What the rules read; every field is stored in the record's audit beside the verdict. */
export type VerdictInput = Omit<Audit, 'verdict' | 'alpha'>

const f3 = (x: number): string => x.toFixed(3)
const ci = (c: { lo: number; hi: number } | null | undefined): string => (c ? ` [${f3(c.lo)}, ${f3(c.hi)}]` : '')
const p = (x: number): string => (x < 0.001 ? x.toExponential(1) : x.toFixed(3))

/** Is there shift without the model: the two-sample test rejects, or the blind baseline beats chance? */
function shiftEvidence(a: VerdictInput): string | null {
  const parts: string[] = []
  if (a.twoSample && a.twoSample.pValue <= AUDIT_ALPHA) parts.push(`model-free image features differ (two-sample p = ${p(a.twoSample.pValue)})`)
  // The blind rule is the existing warning level of attacks.md "Blind baseline" (0.60): its bootstrap CI holds the
  // fitted classifier fixed, so a CI above 0.5 alone is not evidence of shift (emoji-demo's random split: 0.54).
  if (a.blind && a.blind.auc >= BLIND_WARNING_AUC) parts.push(`the blind baseline reaches AUC ${f3(a.blind.auc)}${ci(a.blind.aucCI)}`)
  return parts.length ? parts.join('; ') : null
}

function kindOf(a: VerdictInput): AuditVerdictKind {
  if (a.permutation.aucPValue > AUDIT_ALPHA) return 'no-signal'
  if (!a.blind && !a.twoSample) return 'shift-unchecked'
  const margin = a.margin
  if (a.blind && margin && shiftEvidence(a) && (margin.delta <= BLIND_WARNING_MARGIN || margin.ci.lo <= 0)) return 'shift-dominated'
  return shiftEvidence(a) ? 'shift-affected' : 'clean'
}

function sentenceOf(kind: AuditVerdictKind, a: VerdictInput): string {
  const m = a.margin ? `${a.margin.delta >= 0 ? '+' : ''}${f3(a.margin.delta)}${ci(a.margin.ci)}` : 'n/a (no blind baseline)'
  const perm = `label-permutation p = ${p(a.permutation.aucPValue)} over ${a.permutation.permutations} permutations`
  switch (kind) {
    case 'no-signal':
      return `No membership signal: the attack's AUC ${f3(a.permutation.auc)} lies within the label-permutation null (${perm}).`
    case 'shift-unchecked':
      return `Membership signal (${perm}), but shift was not checked: the blind baseline and the two-sample test were not run.`
    case 'shift-dominated':
      return `Shift-dominated: ${shiftEvidence(a)}, and the attack beats the blind baseline by only ${m}; the blind baseline explains the attack.`
    case 'shift-affected':
      return `Membership signal with distribution shift: the attack AUC exceeds the blind baseline by ${m} (${perm}), but ${shiftEvidence(a)}; part of the AUC may be shift.`
    case 'clean':
      return `Membership signal beyond shift: the attack AUC exceeds the blind baseline by ${m} (${perm}); no shift between members and non-members was found without the model at α = ${AUDIT_ALPHA}${a.twoSample ? ` (two-sample p = ${p(a.twoSample.pValue)})` : ''}.`
  }
}

function flagsOf(a: VerdictInput): AuditFlag[] {
  const flags: AuditFlag[] = []
  const r = a.referencePool
  if (r && r.pValue <= AUDIT_ALPHA) {
    flags.push({
      code: 'reference-shifted',
      message: `Reference pool shifted: the guaranteed non-members' ${r.scores} scores differ from the evaluation non-members' (p = ${p(r.pValue)}, mean shift ${r.meanShift >= 0 ? '+' : ''}${r.meanShift.toFixed(2)} σ); thresholds fitted on the pool (WSA's μ + λσ, the calibrated τ) are unreliable.`
    })
  }
  if (a.trainedOnEvaluated > 0) {
    flags.push({ code: 'trained-on-evaluated', message: `${a.trainedOnEvaluated} evaluated items also trained the attack model (transductive): their scores, and the AUC, are inflated.` })
  }
  return flags
}

/** The verdict of an audit: kind, sentence and flags. */
export function auditVerdict(input: VerdictInput): Audit {
  const kind = kindOf(input)
  return { ...input, alpha: AUDIT_ALPHA, verdict: { kind, sentence: sentenceOf(kind, input), flags: flagsOf(input) } }
}
