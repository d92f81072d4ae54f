// metricsTable: the metrics of one or more experiments (and their paired Δ) as CSV or a booktabs LaTeX table.
import type { Audit } from '../../../shared/contract/audit'
import type { ExperimentView } from '../../../shared/contract/experiments'
import { TableOptionsSchema, type TableColumn, type TableOptions } from '../../../shared/contract/exports'
import type { PairedComparisonData, TprAtFprEntry } from '../../../shared/contract/metrics'
import { keyParams, shortLabels } from '../../../shared/experiment-labels'
import { formatFprTarget, formatUnresolvable } from '../../../shared/format'
import { provenanceCaption } from './caption'
import { csvDocument, csvNumber, type CsvValue } from './csv'
import { latexEscape, latexTable, type LatexColumn } from './latex'
import { latexNumbers, type LatexNumbers } from './latex-numbers'
import { metricsRows, tableTargets, type MetricsRow } from './table-rows'

const unresolved = (e: TprAtFprEntry | null): boolean => e !== null && (!e.resolvable || e.tpr === null)
const DAGGER = '$^\\dagger$'

/** The FPR target of a `tpr@…` column id, e.g. "tpr@1%" → 0.01. */
const targetOf = (column: TableColumn): number | null => (column.startsWith('tpr@') ? Number(column.slice(4, -1)) / 100 : null)

/** One chosen column: its CSV fields and its LaTeX column(s), for every row. */
interface ColumnDef {
  csvHeader: string[]
  csv(r: MetricsRow): CsvValue[]
  latex: LatexColumn[]
  tex(r: MetricsRow, n: LatexNumbers): string[]
}

const withCI = (name: string): string[] => [name, `${name}_ci_lo`, `${name}_ci_hi`]
const csvCI = (v: number | null, ci: { lo: number; hi: number } | null | undefined): CsvValue[] => [csvNumber(v), csvNumber(ci?.lo), csvNumber(ci?.hi)]
const c = (header: string, align: LatexColumn['align'] = 'c'): LatexColumn => ({ header, align })

function tprColumn(target: number, targets: readonly number[], level: string): ColumnDef {
  const at = targets.indexOf(target)
  const entry = (r: MetricsRow): TprAtFprEntry | null => (at < 0 ? null : r.tprAtFpr[at])
  return {
    csvHeader: withCI(`tpr_at_fpr_${target}`),
    csv: (r) => csvCI(entry(r)?.tpr ?? null, entry(r)?.ci),
    latex: [c(`TPR@${latexEscape(formatFprTarget(target))} FPR${level}`)],
    tex: (r, n) => {
      const e = entry(r)
      return [e === null ? n.missing : unresolved(e) ? `${n.missing}${DAGGER}` : n.ci(e.tpr, e.ci)]
    }
  }
}

/** Paired Δ columns: A − B, A being the first (reference) experiment and B the row. */
const DELTA: ColumnDef = {
  csvHeader: ['paired_reference', 'paired_n_items', ...withCI('delta_auc_ref_minus_row'), 'delta_auc_p', ...withCI('delta_tpr_at_fpr_0.01_ref_minus_row'), 'delta_tpr_at_fpr_0.01_p'],
  csv: (r) => {
    const p = r.paired
    if (p === null) return new Array<CsvValue>(10).fill(null)
    if (p === 'reference') return ['(reference)', ...new Array<CsvValue>(9).fill(null)]
    return [p.reference, p.nItems, ...csvCI(p.deltaAuc, p.deltaAucCI), csvNumber(p.pValue), ...csvCI(p.deltaTprAt1, p.deltaTprAt1CI), csvNumber(p.deltaTprAt1P)]
  },
  latex: [c('$\\Delta$AUC (A $-$ B)'), c('$p$', 'r')],
  tex: (r, n) => {
    const p = r.paired
    if (p === null) return ['', '']
    if (p === 'reference') return ['A (reference)', '']
    return [n.signedCI(p.deltaAuc, p.deltaAucCI), n.p(p.pValue)]
  }
}

/** The audit verdict (attacks.md "Audit verdict"): kind and flags, margin over the blind baseline, permutation and pool tests. */
const AUDIT: ColumnDef = {
  csvHeader: [
    'audit_verdict',
    'audit_flags',
    ...withCI('audit_margin'),
    'audit_auc_perm_p',
    'audit_tpr_at_fpr_0.01_perm_p',
    'audit_permutations',
    'audit_two_sample_p',
    'audit_reference_pool_p',
    'audit_reference_pool_shift_sd',
    'audit_trained_on_evaluated'
  ],
  csv: (r) => {
    const a: Audit | null = r.audit
    if (!a) return new Array<CsvValue>(12).fill(null)
    return [
      a.verdict.kind,
      a.verdict.flags.map((f) => f.code).join(' '),
      ...csvCI(a.margin?.delta ?? null, a.margin?.ci),
      csvNumber(a.permutation.aucPValue),
      csvNumber(a.permutation.tprPValue),
      a.permutation.permutations,
      csvNumber(a.twoSample?.pValue),
      csvNumber(a.referencePool?.pValue),
      csvNumber(a.referencePool?.meanShift),
      a.trainedOnEvaluated
    ]
  },
  latex: [c('Audit', 'l')],
  tex: (r) => [latexEscape(r.audit ? `${r.audit.verdict.kind}${r.audit.verdict.flags.length ? '*' : ''}` : '')]
}

/** Reference-model calibration: the reference, the rule that ran and the regression's line (empty for plain rows). */
const CALIBRATION: ColumnDef = {
  csvHeader: ['calibration_reference', 'calibration_rule', 'calibration_intercept', 'calibration_slope', 'calibration_sigma', 'calibration_n', 'calibration_reference_auc'],
  csv: (r) => {
    const c = r.calibration
    if (!c) return new Array<CsvValue>(7).fill(null)
    return [c.referenceModel, c.mode, csvNumber(c.line?.intercept), csvNumber(c.line?.slope), csvNumber(c.line?.sigma), c.line?.n ?? null, csvNumber(c.referenceAuc)]
  },
  latex: [c('Calibration', 'l')],
  tex: (r, n) => {
    const cal = r.calibration
    if (!cal) return ['']
    return [`${latexEscape(cal.referenceModel)} (${cal.mode}${cal.line ? `, $b$ = ${n.value(cal.line.slope)}` : ''})`]
  }
}

function columnDefs(targets: readonly number[], level: string): Record<TableColumn, ColumnDef> {
  const text = (header: string, csvName: string, of: (r: MetricsRow) => string): ColumnDef => ({ csvHeader: [csvName], csv: (r) => [of(r)], latex: [c(header, 'l')], tex: (r) => [latexEscape(of(r))] })
  return {
    model: { csvHeader: ['model', 'model_fingerprint'], csv: (r) => [r.model, r.modelFingerprint], latex: [c('Model', 'l')], tex: (r) => [latexEscape(r.model)] },
    dataset: { csvHeader: ['dataset', 'dataset_hash'], csv: (r) => [r.dataset, r.datasetHash], latex: [c('Dataset', 'l')], tex: (r) => [latexEscape(r.dataset)] },
    attack: { csvHeader: ['attack'], csv: (r) => [r.attack], latex: [c('Attack', 'l')], tex: (r) => [latexEscape(r.attack.toUpperCase())] },
    params: text('Parameters', 'parameters', (r) => keyParams(r.attack, r.params)),
    n: {
      csvHeader: ['n_members', 'n_nonmembers'],
      csv: (r) => [r.nMembers, r.nNonmembers],
      latex: [c('Members', 'r'), c('Non-members', 'r')],
      tex: (r, n) => [n.count(r.nMembers), n.count(r.nNonmembers)]
    },
    auc: { csvHeader: withCI('auc'), csv: (r) => csvCI(r.auc, r.aucCI), latex: [c(`AUC${level}`)], tex: (r, n) => [n.ci(r.auc, r.aucCI)] },
    ba: {
      csvHeader: withCI('balanced_accuracy'),
      csv: (r) => csvCI(r.balancedAccuracy, r.balancedAccuracyCI),
      latex: [c('Bal.\\ acc.')],
      tex: (r, n) => [n.ci(r.balancedAccuracy, r.balancedAccuracyCI)]
    },
    'tpr@0.1%': tprColumn(0.001, targets, ''),
    'tpr@1%': tprColumn(0.01, targets, ''),
    'tpr@5%': tprColumn(0.05, targets, ''),
    adv: { csvHeader: ['advantage'], csv: (r) => [csvNumber(r.advantage)], latex: [c('Adv.', 'r')], tex: (r, n) => [n.value(r.advantage)] },
    blind: { csvHeader: withCI('blind_auc'), csv: (r) => csvCI(r.blindAuc, r.blindAucCI), latex: [c('Blind AUC')], tex: (r, n) => [n.ci(r.blindAuc, r.blindAucCI)] },
    audit: AUDIT,
    calibration: CALIBRATION,
    delta: DELTA
  }
}

/** Columns by default: everything but the parameters, with TPR at the experiments' own targets, the calibration when a
 * row is calibrated and Δ when paired. */
function chosenColumns(options: TableOptions, targets: readonly number[], paired: boolean, calibrated: boolean, level: string): ColumnDef[] {
  const defs = columnDefs(targets, level)
  if (options.columns) {
    return options.columns.flatMap((id) => {
      if (id === 'delta' && !paired) return []
      const t = targetOf(id)
      return [t === null ? defs[id] : tprColumn(t, targets, '')]
    })
  }
  const standard: TableColumn[] = ['model', 'dataset', 'attack', 'n', 'auc', 'ba']
  return [...standard.map((id) => defs[id]), ...targets.map((t) => tprColumn(t, targets, '')), defs.adv, defs.blind, AUDIT, ...(calibrated ? [CALIBRATION] : []), ...(paired ? [DELTA] : [])]
}

function latexNotes(rows: readonly MetricsRow[], paired: boolean, level: string): string[] {
  const notes: string[] = [`Values are point estimates with ${level} bootstrap confidence intervals in brackets.`]
  if (rows.some((r) => r.tprAtFpr.some(unresolved))) notes.push(`${DAGGER}Not resolvable: TPR at FPR $f$ needs at least $1/f$ non-members.`)
  if (rows.some((r) => r.audit?.verdict.flags.length)) notes.push('*The audit raised a flag (reference pool shifted or training rows evaluated); see the caption.')
  if (paired) notes.push('$\\Delta$ = A $-$ B: the reference A (first row) minus the row B, over the same target items (paired bootstrap).')
  return notes
}

/** Confidence level of the table's intervals, e.g. "95%". */
function levelOf(views: readonly ExperimentView[]): string {
  const conf = views.find((v) => v.record.results?.metrics)?.record.results?.metrics?.bootstrap.confidence ?? 0.95
  return `${Number((conf * 100).toPrecision(4))}%`
}

/**
 * The metrics table, one row per experiment: the chosen columns (default: model, dataset, attack, n, AUC, balanced
 * accuracy and TPR@FPR with CIs, advantage, blind-baseline AUC, and paired ΔAUC = A − B with CI and p when compared).
 */
export function metricsTable(views: readonly ExperimentView[], comparisons: readonly PairedComparisonData[] = [], format: 'csv' | 'latex' = 'csv', tableOptions: Partial<TableOptions> = {}): string {
  const options = TableOptionsSchema.parse(tableOptions)
  const rows = metricsRows(views, comparisons)
  const targets = tableTargets(views)
  const paired = comparisons.length > 0
  const level = levelOf(views)
  const columns = chosenColumns(
    options,
    targets,
    paired,
    rows.some((r) => r.calibration !== null),
    ''
  )
  const labels = options.labels === 'short' ? shortLabels(rows.map((r) => ({ ...r, modelName: r.model, datasetName: r.dataset }))) : rows.map((r) => r.name)
  if (format === 'csv') {
    const notes = (r: MetricsRow): string =>
      r.tprAtFpr
        .filter(unresolved)
        .map((e) => `TPR@${formatFprTarget((e as TprAtFprEntry).target)} FPR: ${formatUnresolvable((e as TprAtFprEntry).target)}`)
        .join('; ')
    const header = ['experiment_id', 'experiment', ...(options.labels === 'short' ? ['label'] : []), ...columns.flatMap((col) => col.csvHeader), 'notes']
    return csvDocument(
      header,
      rows.map((r, i) => [r.id, r.name, ...(options.labels === 'short' ? [labels[i]] : []), ...columns.flatMap((col) => col.csv(r)), notes(r)])
    )
  }
  const n = latexNumbers(options.numbers)
  return latexTable({
    float: options.float,
    requires: n.requires,
    columns: [c('Experiment', 'l'), ...columns.flatMap((col) => col.latex)],
    rows: rows.map((r, i) => [latexEscape(labels[i]), ...columns.flatMap((col) => col.tex(r, n))]),
    notes: latexNotes(rows, paired, latexEscape(level)),
    caption: latexEscape(provenanceCaption(views, { subject: 'Membership inference metrics', comparisons })),
    label: 'tab:mia-metrics'
  })
}
