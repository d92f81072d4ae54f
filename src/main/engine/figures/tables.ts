// metricsTable: the metrics of one or more experiments (and their paired Δ) as CSV or a booktabs LaTeX table.
import type { Audit } from '../../../shared/contract/audit'
import type { ExperimentView } from '../../../shared/contract/experiments'
import type { PairedComparisonData, TprAtFprEntry } from '../../../shared/contract/metrics'
import { formatCI, formatCount, formatFprTarget, formatNumber, formatPValue, formatUnresolvable, NOT_AVAILABLE } from '../../../shared/format'
import { provenanceCaption } from './caption'
import { csvDocument, csvNumber, type CsvValue } from './csv'
import { latexEscape, latexTable, type LatexColumn } from './latex'
import { metricsRows, tableTargets, type MetricsRow } from './table-rows'

const unresolved = (e: TprAtFprEntry | null): boolean => e !== null && (!e.resolvable || e.tpr === null)

function csvHeader(targets: readonly number[], paired: boolean): string[] {
  const withCI = (name: string): string[] => [name, `${name}_ci_lo`, `${name}_ci_hi`]
  return [
    'experiment_id', 'experiment', 'model', 'model_fingerprint', 'dataset', 'dataset_hash', 'attack', 'n_members', 'n_nonmembers',
    ...withCI('auc'),
    ...withCI('balanced_accuracy'),
    ...targets.flatMap((t) => withCI(`tpr_at_fpr_${t}`)),
    'advantage',
    ...withCI('blind_auc'),
    'audit_verdict', 'audit_flags', ...withCI('audit_margin'), 'audit_auc_perm_p', 'audit_tpr_at_fpr_0.01_perm_p', 'audit_permutations',
    'audit_two_sample_p', 'audit_reference_pool_p', 'audit_reference_pool_shift_sd', 'audit_trained_on_evaluated',
    ...(paired ? ['paired_reference', 'paired_n_items', ...withCI('delta_auc'), 'delta_auc_p', ...withCI('delta_tpr_at_fpr_0.01'), 'delta_tpr_at_fpr_0.01_p'] : []),
    'notes'
  ]
}

function csvPaired(r: MetricsRow): CsvValue[] {
  const p = r.paired
  if (p === null) return new Array<CsvValue>(10).fill(null)
  if (p === 'reference') return ['(reference)', ...new Array<CsvValue>(9).fill(null)]
  return [p.reference, p.nItems, csvNumber(p.deltaAuc), csvNumber(p.deltaAucCI.lo), csvNumber(p.deltaAucCI.hi), csvNumber(p.pValue),
    csvNumber(p.deltaTprAt1), csvNumber(p.deltaTprAt1CI?.lo), csvNumber(p.deltaTprAt1CI?.hi), csvNumber(p.deltaTprAt1P)]
}

function csvAudit(a: Audit | null): CsvValue[] {
  if (!a) return new Array<CsvValue>(12).fill(null)
  return [a.verdict.kind, a.verdict.flags.map((f) => f.code).join(' '), csvNumber(a.margin?.delta), csvNumber(a.margin?.ci.lo), csvNumber(a.margin?.ci.hi),
    csvNumber(a.permutation.aucPValue), csvNumber(a.permutation.tprPValue), a.permutation.permutations, csvNumber(a.twoSample?.pValue),
    csvNumber(a.referencePool?.pValue), csvNumber(a.referencePool?.meanShift), a.trainedOnEvaluated]
}

function csvRow(r: MetricsRow, paired: boolean): CsvValue[] {
  const withCI = (v: number | null, ci: { lo: number; hi: number } | null | undefined): CsvValue[] => [csvNumber(v), csvNumber(ci?.lo), csvNumber(ci?.hi)]
  const notes = r.tprAtFpr.filter(unresolved).map((e) => `TPR@${formatFprTarget((e as TprAtFprEntry).target)} FPR: ${formatUnresolvable((e as TprAtFprEntry).target)}`)
  return [
    r.id, r.name, r.model, r.modelFingerprint, r.dataset, r.datasetHash, r.attack, r.nMembers, r.nNonmembers,
    ...withCI(r.auc, r.aucCI),
    ...withCI(r.balancedAccuracy, r.balancedAccuracyCI),
    ...r.tprAtFpr.flatMap((e) => withCI(e?.tpr ?? null, e?.ci)),
    csvNumber(r.advantage),
    ...withCI(r.blindAuc, r.blindAucCI),
    ...csvAudit(r.audit),
    ...(paired ? csvPaired(r) : []),
    notes.join('; ')
  ]
}

const DAGGER = '$^\\dagger$'

function latexCells(r: MetricsRow, paired: boolean): string[] {
  const tpr = (e: TprAtFprEntry | null): string => (e === null ? NOT_AVAILABLE : unresolved(e) ? `${NOT_AVAILABLE}${DAGGER}` : latexEscape(formatCI(e.tpr, e.ci)))
  const cells = [
    latexEscape(r.name), latexEscape(r.model), latexEscape(r.dataset), latexEscape(r.attack.toUpperCase()),
    latexEscape(formatCount(r.nMembers)), latexEscape(formatCount(r.nNonmembers)),
    latexEscape(formatCI(r.auc, r.aucCI)), latexEscape(formatCI(r.balancedAccuracy, r.balancedAccuracyCI)),
    ...r.tprAtFpr.map(tpr),
    latexEscape(formatNumber(r.advantage)), latexEscape(formatCI(r.blindAuc, r.blindAucCI)),
    latexEscape(r.audit ? `${r.audit.verdict.kind}${r.audit.verdict.flags.length ? '*' : ''}` : '')
  ]
  if (!paired) return cells
  const p = r.paired
  if (p === null) return [...cells, '', '']
  if (p === 'reference') return [...cells, 'reference', '']
  return [...cells, latexEscape(formatCI(p.deltaAuc, p.deltaAucCI)), latexEscape(formatPValue(p.pValue))]
}

function latexColumns(targets: readonly number[], level: string, paired: boolean): LatexColumn[] {
  const c = (header: string, align: LatexColumn['align'] = 'c'): LatexColumn => ({ header, align })
  return [
    c('Experiment', 'l'), c('Model', 'l'), c('Dataset', 'l'), c('Attack', 'l'), c('Members', 'r'), c('Non-members', 'r'),
    c(`AUC [${level} CI]`), c('Bal.\\ acc.'),
    ...targets.map((t) => c(`TPR@${latexEscape(formatFprTarget(t))} FPR`)),
    c('Adv.', 'r'), c('Blind AUC'), c('Audit', 'l'),
    ...(paired ? [c('$\\Delta$AUC vs.\\ ref.'), c('$p$', 'r')] : [])
  ]
}

function latexNotes(rows: readonly MetricsRow[], paired: boolean): string[] {
  const notes: string[] = []
  if (rows.some((r) => r.tprAtFpr.some(unresolved))) {
    notes.push(`${DAGGER}Not resolvable: TPR at FPR $f$ needs at least $1/f$ non-members.`)
  }
  if (rows.some((r) => r.audit?.verdict.flags.length)) notes.push('*The audit raised a flag (reference pool shifted or training rows evaluated); see the caption.')
  if (paired) notes.push('$\\Delta$AUC = AUC of the row $-$ AUC of the reference, over the same target items (paired bootstrap).')
  return notes
}

/** Confidence level of the table's intervals, e.g. "95\%" (LaTeX). */
function levelOf(views: readonly ExperimentView[]): string {
  const conf = views.find((v) => v.record.results?.metrics)?.record.results?.metrics?.bootstrap.confidence ?? 0.95
  return latexEscape(`${Number((conf * 100).toPrecision(4))}%`)
}

/**
 * The metrics table, one row per experiment: model, dataset, attack, n, AUC, balanced accuracy and TPR@FPR
 * with CIs, advantage, blind-baseline AUC, and paired ΔAUC (row − reference) with CI and p when comparisons are given.
 */
export function metricsTable(views: readonly ExperimentView[], comparisons: readonly PairedComparisonData[] = [], format: 'csv' | 'latex' = 'csv'): string {
  const rows = metricsRows(views, comparisons)
  const targets = tableTargets(views)
  const paired = comparisons.length > 0
  if (format === 'csv') return csvDocument(csvHeader(targets, paired), rows.map((r) => csvRow(r, paired)))
  return latexTable({
    columns: latexColumns(targets, levelOf(views), paired),
    rows: rows.map((r) => latexCells(r, paired)),
    notes: latexNotes(rows, paired),
    caption: latexEscape(provenanceCaption(views, { subject: 'Membership inference metrics', comparisons })),
    label: 'tab:mia-metrics'
  })
}
