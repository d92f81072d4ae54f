// Provenance captions: what was measured (model, dataset, n, attack and parameters, bootstrap, app version), as text.
import path from 'node:path'
import { calibrationReportOf, type CalibrationReport } from '../../../shared/contract/calibration'
import type { ExperimentParams, ExperimentView } from '../../../shared/contract/experiments'
import type { PairedComparisonData } from '../../../shared/contract/metrics'
import { formatCount, providerText } from '../../../shared/format'
import { parseBank, viewCount } from '../augment'

/** What a caption is for and what else it covers. */
export interface CaptionOptions {
  /** Opening words, e.g. "Log-log ROC curves"; left out when absent. */
  subject?: string
  /** Paired comparisons shown with the figure or table. */
  comparisons?: readonly PairedComparisonData[]
}

/** Hex digits of a hash or fingerprint that a caption shows (enough to tell two apart, short enough to read). */
export const SHORT_HASH_LENGTH = 12

/** A fingerprint or content hash cut to its first hex digits, e.g. "sha256:1a2b…" → "1a2b3c4d5e6f". */
export function shortHash(hash: string | null): string {
  if (!hash) return 'unknown'
  return hash.replace(/^[a-z0-9]+:/i, '').slice(0, SHORT_HASH_LENGTH)
}

function bankText(bank: string): string {
  const isDefault = bank.trim() === '' || bank.trim().toLowerCase() === 'default'
  try {
    const k = viewCount(parseBank(isDefault ? 'default' : bank))
    return isDefault ? `default bank, K = ${k}` : `bank "${bank}", K = ${k}`
  } catch {
    // A record is shown as it was stored, even if its bank no longer parses in this version.
    return `bank "${bank}"`
  }
}

/** The attack and the parameters that define it (attacks.md), e.g. "WSA (λ = 1.5, MLP, pool auto)". */
export function attackText(attack: string, p: ExperimentParams): string {
  if (attack === 'aea') return `AEA (${p.aea.aggregation} aggregation, ${bankText(p.aea.bank)})`
  if (attack === 'wsa') {
    const extra = [p.wsa.appendCsa ? '+CSA feature' : '', p.wsa.appendAea ? '+AEA features' : ''].filter(Boolean)
    const model = p.wsa.variant === 'bench2026' ? 'linear layer' : p.wsa.model === 'mlp' ? `MLP, ≤ ${p.wsa.maxEpochs} epochs` : 'logistic regression'
    const lambda = p.wsa.lambda ?? { workbench: `rule (precision ${p.wsa.targetPrecision})`, ko2023: 1.5, bench2026: 0.5 }[p.wsa.variant]
    const variant = p.wsa.variant === 'workbench' ? '' : ` ${p.wsa.variant}`
    const crossFit = p.wsa.pool !== 'separate' && (p.wsa.crossFit ?? p.wsa.variant === 'workbench') ? `, cross-fitted K = ${p.wsa.folds}` : ''
    return `WSA${variant} (λ = ${lambda}, ${model}, pool ${p.wsa.pool}${crossFit}${extra.length ? `, ${extra.join(', ')}` : ''})`
  }
  if (attack === 'blind') return `blind baseline (${p.blind.folds}-fold)`
  if (attack === 'imported') return 'imported scores'
  return attack.toUpperCase()
}

/** The calibration rule that ran (from the report once the run is done; `auto` before). */
function calibrationText(requested: ExperimentParams['calibration']['mode'], report: CalibrationReport | null): string {
  const ran = report?.mode ?? requested
  if (ran === 'regression') return ' (regression fitted on the guaranteed non-members)'
  return ran === 'difference' ? ' (difference)' : ' (auto)'
}

function experimentText(view: ExperimentView): string {
  const { spec, results, name } = view.record
  const n = results?.metrics?.n ?? (results ? { members: results.counts.members, nonmembers: results.counts.nonmembers } : null)
  if (spec.imported) {
    const src = spec.imported
    const columns = `columns ${src.columns.score}/${src.columns.label}${src.columns.id ? `/${src.columns.id}` : ''}`
    return `${name}: imported scores from ${path.basename(src.file)} (sha256 ${shortHash(src.sha256)}, ${columns}${src.lowerIsMember ? ', negated: lower is member' : ''}), ${n ? `${formatCount(n.members)} members / ${formatCount(n.nonmembers)} non-members` : 'not evaluated'}.`
  }
  const model = spec.modelName ?? spec.model ?? 'no model'
  const parts = [
    `model ${model} (${spec.modelFormat ? `${spec.modelFormat} ${spec.modelVariant ?? ''}, `.replace(' ,', ',') : ''}fingerprint ${shortHash(spec.modelFingerprint)}${spec.quantized ? ', quantized' : ''})`,
    `dataset ${spec.datasetName} (hash ${shortHash(spec.datasetHash)})`,
    n ? `${formatCount(n.members)} members / ${formatCount(n.nonmembers)} non-members` : 'not evaluated',
    `${attackText(spec.attack, spec.params)}${spec.params.calibration.referenceModel ? ` calibrated against reference model ${spec.params.calibration.referenceModel}${calibrationText(spec.params.calibration.mode, calibrationReportOf(results?.attackReport))}` : ''}, seed ${spec.params.seed}`
  ]
  const audit = results?.audit
  return `${name}: ${parts.join(', ')}.${audit ? ` Audit: ${audit.verdict.sentence}${audit.verdict.flags.map((f) => ` ${f.message}`).join('')}` : ''}`
}

const distinct = (values: readonly string[]): string => [...new Set(values)].join(' / ')

function bootstrapText(views: readonly ExperimentView[]): string | null {
  const boots = views.flatMap((v) => (v.record.results?.metrics ? [v.record.results.metrics.bootstrap] : []))
  if (boots.length === 0) return null
  const level = distinct(boots.map((b) => `${Number((b.confidence * 100).toPrecision(4))}%`))
  const resamples = distinct(boots.map((b) => formatCount(b.resamples)))
  return `Intervals: ${level} stratified percentile bootstrap, ${resamples} resamples.`
}

/** What a ROC figure's shading is (attacks.md "ROC confidence band"), or null when no view has a band. */
export function rocBandText(views: readonly ExperimentView[]): string | null {
  const bands = views.flatMap((v) => {
    const band = v.rocBand ?? v.record.results?.metrics?.rocBand
    return band ? [band] : []
  })
  if (bands.length === 0) return null
  const level = distinct(bands.map((b) => `${Number((b.confidence * 100).toPrecision(4))}%`))
  const resamples = distinct(bands.map((b) => formatCount(b.resamples)))
  return `shaded: pointwise ${level} bootstrap band of TPR at each FPR (${resamples} stratified resamples; not a simultaneous band)`
}

function pairedText(comparisons: readonly PairedComparisonData[]): string | null {
  if (comparisons.length === 0) return null
  const items = distinct(comparisons.map((c) => formatCount(c.nItems)))
  const resamples = distinct(comparisons.map((c) => formatCount(c.resamples)))
  return `Paired Δ over the ${items} common target items, paired bootstrap with ${resamples} resamples.`
}

/** Which execution provider computed the embeddings; says so when the experiments' providers differ. */
function inferenceText(views: readonly ExperimentView[]): string | null {
  const ran = views.flatMap((v) => (v.record.results?.provider ? [{ name: v.record.name, where: providerText(v.record.results.provider, v.record.results.adapter) }] : []))
  if (ran.length === 0) return null
  const where = [...new Set(ran.map((r) => r.where))]
  if (where.length === 1) return `Embeddings computed on ${where[0]}.`
  return `Embeddings computed on different execution providers (${ran.map((r) => `${r.name}: ${r.where}`).join('; ')}).`
}

/** Caption text for a figure or table of `views`: every experiment's provenance, the bootstrap and the app version. */
export function provenanceCaption(views: readonly ExperimentView[], options: CaptionOptions = {}): string {
  const sentences = [
    options.subject ? `${options.subject}.` : null,
    ...views.map(experimentText),
    bootstrapText(views),
    pairedText(options.comparisons ?? []),
    inferenceText(views),
    `MIA Workbench ${distinct(views.map((v) => v.record.spec.appVersion))}.`
  ]
  return sentences.filter((s): s is string => s !== null).join(' ')
}
