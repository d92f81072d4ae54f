// Reference-model calibration (docs/attacks.md "Reference-model calibration"): score = s_target − s_reference
// (mode difference) or the standardised residual of s_target on s_reference fitted on the guaranteed non-members
// (mode regression, attacks/reference-calibration.ts), where s is the attack's score (CSA cosine or AEA aggregate)
// under the target model and under a reference model that never saw the evaluation items. Warns when the reference
// is the target itself or saw the items.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { CalibrationReport } from '../../../shared/contract/calibration'
import type { CalibrationMode, CalibrationRule, ResolvedSpec } from '../../../shared/contract/experiments'
import { REGRESSION_MIN_POOL, calibratedScores, calibrationRule, fitReferenceLine, type ReferenceLine } from '../attacks/reference-calibration'
import { defaultBank, parseBank } from '../augment'
import { rocAuc, rocCurve } from '../metrics'
import type { Services } from '../services'
import { basis, scoreWithModel, type AttackOutcome } from './attack'
import { embedItems } from './embed'
import { providersOf, type RunItems } from './plan'

/** A reference model's own CSA/AEA AUC on the targets at or above this says it likely saw the members. */
export const REFERENCE_SAW_MEMBERS_AUC = 0.6

function aucOf(items: AttackOutcome['targets'], scores: ArrayLike<number>): number | null {
  const labels = items.map((it) => (it.membership === 'member' ? 1 : it.membership === 'nonmember' ? 0 : -1))
  const keep = labels.flatMap((l, i) => (l >= 0 ? [i] : []))
  const members = keep.filter((i) => labels[i] === 1).length
  if (members === 0 || members === keep.length) return null
  return rocAuc(rocCurve({ scores: keep.map((i) => scores[i]), labels: keep.map((i) => labels[i]) }))
}

/** The reference model opened (its files unchanged since the experiment was created), embedded and scored by the same attack. */
async function scoreReference(s: Services, spec: ResolvedSpec, parts: RunItems, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<{ fingerprint: string | null; outcome: AttackOutcome }> {
  const ref = spec.params.calibration.referenceModel!
  const model = await s.models.open(s.resolveModel(ref), { providers: providersOf(spec) })
  if (spec.referenceModelFingerprint !== undefined && model.description.fingerprint !== spec.referenceModelFingerprint) {
    throw new WorkbenchError({
      code: 'bad-model',
      item: model.description.path,
      message: `The files of reference model ${ref} changed since the experiment was created.`,
      hint: 'Create a new experiment for the current model files, or restore the original ones.'
    })
  }
  await model.load()
  const bank = spec.attack === 'aea' ? (spec.params.aea.bank.trim() ? parseBank(spec.params.aea.bank) : defaultBank()) : null
  const emb = await embedItems({
    model,
    items: [...parts.targets, ...parts.reference],
    store: s.store(),
    bank,
    seed: spec.params.seed,
    batchSize: s.config.batchSize,
    signal: ctx.signal,
    emit: ctx.emit
  })
  return { fingerprint: model.description.fingerprint, outcome: await scoreWithModel(spec, parts, emb, ctx.signal, ctx.emit) }
}

/**
 * The rule that runs and its fitted line. `auto` takes the regression where it can be fitted and otherwise the
 * difference, saying why — too few guaranteed non-members, or a reference that predicts the target exactly (then the
 * checks below warn about the reference); a rule the spec names fails with the fit's own error.
 */
function ruleAndLine(requested: CalibrationMode, pool: { t: ArrayLike<number>; r: ArrayLike<number> } | null): { mode: CalibrationRule; line: ReferenceLine | null; autoReason: string | null } {
  const mode = calibrationRule(requested, pool?.t.length ?? 0)
  if (mode === 'difference')
    return { mode, line: null, autoReason: requested === 'auto' ? `${pool?.t.length ?? 0} guaranteed non-members are too few to fit the regression (${REGRESSION_MIN_POOL} needed)` : null }
  try {
    return { mode, line: fitReferenceLine(pool?.t ?? [], pool?.r ?? []), autoReason: null }
  } catch (e) {
    if (requested !== 'auto' || !(e instanceof WorkbenchError)) throw e
    return { mode: 'difference', line: null, autoReason: `the regression cannot be fitted: ${e.message}` }
  }
}

/** Embed with the reference model, score the same attack, and return the calibrated outcome. */
export async function calibrate(s: Services, spec: ResolvedSpec, parts: RunItems, target: AttackOutcome, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<AttackOutcome> {
  const ref = spec.params.calibration.referenceModel!
  const { fingerprint, outcome: refOutcome } = await scoreReference(s, spec, parts, ctx)
  const refScore = new Map(refOutcome.targets.map((it, i) => [it.id, refOutcome.scores[i]]))
  const keep = target.targets.flatMap((it, i) => (refScore.has(it.id) ? [i] : []))
  const targets = keep.map((i) => target.targets[i])
  const requested = spec.params.calibration.mode
  const pool = target.referenceScores && refOutcome.referenceScores?.length === target.referenceScores.length ? { t: target.referenceScores, r: refOutcome.referenceScores } : null
  const { mode, line, autoReason } = ruleAndLine(requested, pool)
  if (autoReason) ctx.emit({ type: 'log', level: 'warn', message: `Calibration (auto): ${autoReason}; using the difference s_target − s_reference.` })
  const targetScores = keep.map((i) => target.scores[i])
  const refScores = targets.map((it) => refScore.get(it.id)!)
  const scores = calibratedScores(mode, targetScores, refScores, line)
  const referenceScores = pool ? calibratedScores(mode, pool.t, pool.r, line) : null
  const report = { ...calibrationReport(ref, fingerprint, spec.modelFingerprint, targets, targetScores, refScores), mode, requested, autoReason, line }
  for (const w of report.warnings) ctx.emit({ type: 'log', level: 'warn', message: w })
  return {
    ...target,
    targets,
    scores,
    referenceScores,
    extra: target.extra ? keep.map((i) => target.extra![i]) : null,
    report: { ...target.report, calibration: report },
    ...basis(`${mode === 'regression' ? 'regression-calibrated' : 'calibrated'} ${spec.attack}`, referenceScores, scores)
  }
}

/** The checks on the reference model: the target itself, identical scores, or its own membership signal. */
export function calibrationReport(
  name: string,
  fingerprint: string | null,
  targetFingerprint: string | null,
  items: AttackOutcome['targets'],
  targetScores: number[],
  refScores: number[]
): Omit<CalibrationReport, 'mode' | 'requested' | 'autoReason' | 'line'> {
  const sameFingerprintAsTarget = fingerprint !== null && fingerprint === targetFingerprint
  const maxAbsDifference = targetScores.reduce((m, v, i) => Math.max(m, Math.abs(v - refScores[i])), 0)
  const referenceAuc = aucOf(items, refScores)
  const warnings: string[] = []
  if (sameFingerprintAsTarget) warnings.push(`The reference model ${name} is the target model itself (same fingerprint): calibrated scores are all 0.`)
  else if (maxAbsDifference === 0) warnings.push(`The reference model ${name} scores every target exactly like the target model: it is a copy of it.`)
  if (!sameFingerprintAsTarget && referenceAuc !== null && referenceAuc >= REFERENCE_SAW_MEMBERS_AUC) {
    warnings.push(
      `The reference model ${name} itself separates members from non-members (AUC ${referenceAuc.toFixed(3)} ≥ ${REFERENCE_SAW_MEMBERS_AUC}): it probably saw the evaluation items, and calibrating against it removes membership signal.`
    )
  }
  return { referenceModel: name, referenceFingerprint: fingerprint, sameFingerprintAsTarget, maxAbsDifference, referenceAuc, warnings }
}
