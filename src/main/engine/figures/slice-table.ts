// slicesTable: the Results view's slices (AUC and TPR@1% FPR with their per-slice bootstrap CIs, warnings) as CSV or a booktabs LaTeX table.
import { SLICE_MIN_PER_CLASS, type ExperimentView, type Slice } from '../../../shared/contract/experiments'
import type { TableFormat } from '../../../shared/contract/exports'
import { csvDocument, csvNumber } from './csv'
import { latexEscape, latexTable } from './latex'
import { latexNumbers } from './latex-numbers'
import { slicesByColumn } from '../../../shared/slices'

const DAGGER = '$^\\dagger$'

function csvOf(slices: readonly Slice[]): string {
  const header = ['column', 'value', 'n_members', 'n_nonmembers', 'auc', 'auc_ci_lo', 'auc_ci_hi', 'tpr_at_fpr_0.01', 'tpr_at_fpr_0.01_ci_lo', 'tpr_at_fpr_0.01_ci_hi', 'warning']
  return csvDocument(
    header,
    slices.map((s) => [
      s.column,
      s.value,
      s.members,
      s.nonmembers,
      csvNumber(s.auc),
      csvNumber(s.aucCI?.lo),
      csvNumber(s.aucCI?.hi),
      csvNumber(s.tprAt1),
      csvNumber(s.tprAt1CI?.lo),
      csvNumber(s.tprAt1CI?.hi),
      s.warning ?? ''
    ])
  )
}

function latexOf(view: ExperimentView, slices: readonly Slice[]): string {
  const n = latexNumbers('plain')
  const boot = view.record.results?.metrics?.bootstrap
  const level = boot ? `${Number((boot.confidence * 100).toPrecision(4))}\\%` : '95\\%'
  const rows = slices.map((s) => [
    latexEscape(s.column),
    `${latexEscape(s.value)}${s.warning ? DAGGER : ''}`,
    n.count(s.members),
    n.count(s.nonmembers),
    s.auc === null ? n.missing : n.ci(s.auc, s.aucCI),
    s.tprAt1 === null ? n.missing : n.ci(s.tprAt1, s.tprAt1CI)
  ])
  return latexTable({
    columns: [
      { header: 'Column', align: 'l' },
      { header: 'Value', align: 'l' },
      { header: '$n_1$', align: 'r' },
      { header: '$n_0$', align: 'r' },
      { header: `AUC [${level} CI]`, align: 'c' },
      { header: `TPR@1\\% FPR [${level} CI]`, align: 'c' }
    ],
    rows,
    float: 'table',
    notes: [
      `Each slice has its own stratified percentile bootstrap${boot ? ` (${boot.resamples} resamples, seed ${boot.seed})` : ''}. ${DAGGER}~Fewer than ${SLICE_MIN_PER_CLASS} members or non-members: too noisy to compare. TPR@1\\% FPR needs at least 100 non-members.`
    ],
    caption: `Membership inference by slice: ${latexEscape(view.record.name)}.`
  })
}

/** The slices of `view` as CSV (one row per slice, CI columns, the warning) or LaTeX. */
export function slicesTable(view: ExperimentView, format: TableFormat): string {
  const slices = slicesByColumn(view.slices).flatMap(([, rows]) => rows)
  return format === 'csv' ? csvOf(slices) : latexOf(view, slices)
}
