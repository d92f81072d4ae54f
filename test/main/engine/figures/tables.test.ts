// Metrics tables: booktabs LaTeX with escaped names and CSV with one row per experiment, CIs, and paired Δ (row − reference).
import { beforeAll, describe, expect, it } from 'vitest'
import { csvTextRows } from '../../../../src/main/engine/csv'
import { latexEscape, metricsTable } from '../../../../src/main/engine/figures'
import type { ExperimentView } from '../../../../src/shared/contract/experiments'
import type { PairedComparisonData } from '../../../../src/shared/contract/metrics'
import { formatCI, formatNumber } from '../../../../src/shared/format'
import { makeExperimentView } from '../../../helpers/experiment-view'

/** Rows of a CSV table, read back with the project's one CSV reader; tables end rows with CRLF (RFC 4180). */
function readCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true)
  return [...csvTextRows(text, 'table.csv')].map((r) => {
    expect(r.error).toBeUndefined()
    return r.fields
  })
}

const NASTY = 'AEA_drop 50% & #1 {x} ~^$\\'

let a: ExperimentView
let b: ExperimentView
let comparison: PairedComparisonData
beforeAll(async () => {
  a = await makeExperimentView({ id: 'exp-a', name: NASTY, seed: 1, attack: 'aea', nonmembers: 600 })
  b = await makeExperimentView({ id: 'exp-b', name: '=cmd|calc', seed: 2, modelName: 'demo-clip-l', nonmembers: 1500 })
  comparison = {
    a: 'exp-a',
    b: 'exp-b',
    nItems: 1000,
    deltaAuc: { delta: -0.12, ci: { lo: -0.15, hi: -0.09 }, pValue: 0.0004 },
    deltaTprAt1: { delta: 0.02, ci: { lo: -0.01, hi: 0.05 }, pValue: 0.21 },
    resamples: 1000,
    seed: 0
  }
})

describe('latexEscape', () => {
  it('escapes the LaTeX specials and spells the symbols our labels use', () => {
    expect(latexEscape(NASTY)).toBe('AEA\\_drop 50\\% \\& \\#1 \\{x\\} \\textasciitilde{}\\textasciicircum{}\\$\\textbackslash{}')
    expect(latexEscape('< 0.001, Δ ≥ 2, λ')).toBe('\\textless{} 0.001, $\\Delta$ $\\geq$ 2, $\\lambda$')
    expect(latexEscape('plain text 0.734 [0.712, 0.756]')).toBe('plain text 0.734 [0.712, 0.756]')
  })
})

describe('metricsTable (LaTeX)', () => {
  it('is a booktabs table with one escaped row per experiment and consistent columns', () => {
    const tex = metricsTable([a, b], [], 'latex')
    const top = tex.indexOf('\\toprule')
    const mid = tex.indexOf('\\midrule')
    const bottom = tex.indexOf('\\bottomrule')
    expect(top).toBeGreaterThan(0)
    expect(top < mid && mid < bottom).toBe(true)
    const body = tex
      .slice(mid + '\\midrule'.length, bottom)
      .trim()
      .split('\n')
      .map((l) => l.trim())
    expect(body).toHaveLength(2)
    expect(body[0].startsWith(`${latexEscape(NASTY)} & demo-clip-s & emoji-demo & AEA & 400 & 600 & `)).toBe(true)
    const columns = /\\begin\{tabular\}\{([lrc]+)\}/.exec(tex)![1].length
    const header = tex.slice(top, mid).split('\n')[1]
    for (const line of [header, ...body]) expect(line.split(/(?<!\\)&/).length).toBe(columns)
    const m = a.record.results!.metrics!
    expect(body[0]).toContain(` & ${formatCI(m.auc, m.aucCI)} & ${formatCI(m.balancedAccuracy, m.balancedAccuracyCI)} & `)
    expect(tex).toContain('\\caption{Membership inference metrics.')
  })

  it('marks unresolvable TPR@FPR with a note instead of a number', () => {
    const tex = metricsTable([a, b], [], 'latex')
    const [rowA, rowB] = tex.split('\\midrule')[1].split('\\bottomrule')[0].trim().split('\n')
    expect(rowA).toContain('n/a$^\\dagger$')
    expect(rowB).not.toContain('n/a')
    expect(rowB).toContain(formatCI(b.record.results!.metrics!.tprAtFpr['0.001'].tpr, b.record.results!.metrics!.tprAtFpr['0.001'].ci))
    expect(tex).toContain('Not resolvable: TPR at FPR $f$ needs at least $1/f$ non-members.')
  })

  it('adds ΔAUC = A − B (reference minus row, as on screen and in `compare`) with CI and p', () => {
    const tex = metricsTable([a, b], [comparison], 'latex')
    expect(tex).toContain('$\\Delta$AUC (A $-$ B) & $p$ \\\\')
    const [rowA, rowB] = tex.split('\\midrule')[1].split('\\bottomrule')[0].trim().split('\n')
    expect(rowA.trim().endsWith('& A (reference) &  \\\\')).toBe(true)
    expect(rowB.trim().endsWith('& -0.120 [-0.150, -0.090] & \\textless{} 0.001 \\\\')).toBe(true)
    expect(tex).toContain('$\\Delta$ = A $-$ B: the reference A (first row) minus the row B')
  })
})

describe('metricsTable (CSV)', () => {
  it('has one row per experiment with values and CI bounds in their own columns', () => {
    const rows = readCsv(metricsTable([a, b], [], 'csv'))
    const [header, rowA, rowB] = rows
    expect(rows).toHaveLength(3)
    const col = (row: string[], name: string): string => row[header.indexOf(name)]
    const m = a.record.results!.metrics!
    expect(col(rowA, 'experiment')).toBe(NASTY)
    expect(col(rowB, 'experiment')).toBe("'=cmd|calc")
    expect([col(rowA, 'n_members'), col(rowA, 'n_nonmembers'), col(rowA, 'attack')]).toEqual(['400', '600', 'aea'])
    expect(col(rowA, 'auc')).toBe(formatNumber(m.auc, 6))
    expect(col(rowA, 'auc_ci_lo')).toBe(formatNumber(m.aucCI.lo, 6))
    expect(col(rowA, 'balanced_accuracy_ci_hi')).toBe(formatNumber(m.balancedAccuracyCI.hi, 6))
    expect(col(rowA, 'advantage')).toBe(formatNumber(m.advantage, 6))
    expect(col(rowA, 'blind_auc')).toBe('0.510000')
    expect(col(rowA, 'tpr_at_fpr_0.001')).toBe('')
    expect(col(rowA, 'tpr_at_fpr_0.01')).toBe(formatNumber(m.tprAtFpr['0.01'].tpr, 6))
    expect(col(rowA, 'notes')).toBe('TPR@0.1% FPR: n/a (needs ≥ 1000 non-members)')
    expect(header.some((h) => h.startsWith('delta_auc'))).toBe(false)
  })

  it('adds the paired columns as A − B (reference minus row), the sign of the engine, the screen and `compare`', () => {
    const [header, rowA, rowB] = readCsv(metricsTable([a, b], [comparison], 'csv'))
    const col = (row: string[], name: string): string => row[header.indexOf(name)]
    expect(col(rowA, 'paired_reference')).toBe('(reference)')
    expect(col(rowA, 'delta_auc_ref_minus_row')).toBe('')
    expect(col(rowB, 'paired_reference')).toBe(NASTY)
    const d = 'delta_auc_ref_minus_row'
    expect([col(rowB, d), col(rowB, `${d}_ci_lo`), col(rowB, `${d}_ci_hi`), col(rowB, 'delta_auc_p')]).toEqual(['-0.120000', '-0.150000', '-0.090000', '0.000400'])
    const t = 'delta_tpr_at_fpr_0.01_ref_minus_row'
    expect([col(rowB, t), col(rowB, `${t}_ci_lo`), col(rowB, `${t}_ci_hi`)]).toEqual(['0.020000', '-0.010000', '0.050000'])
  })

  it('carries the audit verdict and its numbers; LaTeX gets an Audit column and a flag note', () => {
    const audit = {
      alpha: 0.01,
      verdict: { kind: 'shift-affected' as const, sentence: 'Membership signal with distribution shift: …', flags: [{ code: 'reference-shifted' as const, message: 'Reference pool shifted: …' }] },
      blind: { auc: 0.73, aucCI: { lo: 0.68, hi: 0.78 } },
      margin: { delta: 0.158, ci: { lo: 0.097, hi: 0.216 }, n: 534 },
      twoSample: { test: 'sliced-wasserstein-1' as const, statistic: 0.23, pValue: 0.002, permutations: 500, directions: 64, dims: 70, nA: 354, nB: 180, seed: 0, features: 'image stats' },
      permutation: { auc: 0.89, tpr: 0.17, fpr: 0.01, aucPValue: 1 / 1001, tprPValue: 1 / 1001, permutations: 1000, seed: 0, nullAucMean: 0.5, nullAuc95: 0.545 },
      referencePool: { test: 'sliced-wasserstein-1' as const, statistic: 0.1, pValue: 0.004, permutations: 500, directions: 1, dims: 1, nA: 355, nB: 180, seed: 0, scores: 'csa', meanShift: -0.4 },
      trainedOnEvaluated: 0
    }
    const audited: ExperimentView = { ...a, record: { ...a.record, results: { ...a.record.results!, audit } } }
    const [header, row] = readCsv(metricsTable([audited, b], [], 'csv'))
    const col = (name: string): string => row[header.indexOf(name)]
    expect([col('audit_verdict'), col('audit_flags'), col('audit_margin'), col('audit_margin_ci_lo'), col('audit_two_sample_p'), col('audit_reference_pool_p'), col('audit_permutations')]).toEqual([
      'shift-affected',
      'reference-shifted',
      '0.158000',
      '0.097000',
      '0.002000',
      '0.004000',
      '1000'
    ])
    const tex = metricsTable([audited, b], [], 'latex')
    expect(tex).toContain('shift-affected*')
    expect(tex).toContain('The audit raised a flag')
    expect(tex).toContain('Audit: Membership signal with distribution shift')
  })

  it('carries the reference-model calibration (reference, rule, fitted line) when a row is calibrated, and only then', () => {
    const calibration = { referenceModel: 'demo-clip-ref', mode: 'regression', requested: 'auto', line: { intercept: 0.248, slope: 0.491, sigma: 0.254, n: 1080 }, referenceAuc: 0.475, warnings: [] }
    const calibrated: ExperimentView = { ...b, record: { ...b.record, results: { ...b.record.results!, attackReport: { calibration } } } }
    const [header, plainRow, row] = readCsv(metricsTable([a, calibrated], [], 'csv'))
    const col = (r: string[], name: string): string => r[header.indexOf(name)]
    expect(
      ['calibration_reference', 'calibration_rule', 'calibration_intercept', 'calibration_slope', 'calibration_sigma', 'calibration_n', 'calibration_reference_auc'].map((n) => col(row, n))
    ).toEqual(['demo-clip-ref', 'regression', '0.248000', '0.491000', '0.254000', '1080', '0.475000'])
    expect(col(plainRow, 'calibration_reference')).toBe('')
    // A table without a calibrated row keeps its header as before.
    expect(readCsv(metricsTable([a, b], [], 'csv'))[0].some((h) => h.startsWith('calibration_'))).toBe(false)
    const tex = metricsTable([a, calibrated], [], 'latex')
    expect(tex).toContain('Calibration')
    expect(tex).toContain('demo-clip-ref (regression, $b$ = 0.491)')
    expect(metricsTable([calibrated], [], 'csv', { columns: ['auc', 'calibration'] }).split('\r\n')[0]).toBe(
      'experiment_id,experiment,auc,auc_ci_lo,auc_ci_hi,calibration_reference,calibration_rule,calibration_intercept,calibration_slope,calibration_sigma,calibration_n,calibration_reference_auc,notes'
    )
  })

  it('keeps a row for an experiment without metrics', () => {
    const bare: ExperimentView = { ...a, record: { ...a.record, results: null } }
    const [header, row] = readCsv(metricsTable([bare], [], 'csv'))
    expect(row[header.indexOf('auc')]).toBe('')
    expect(metricsTable([bare], [], 'latex')).toContain(' & n/a & n/a & ')
  })
})

describe('metricsTable options (issue 22)', () => {
  it('keeps only the chosen columns, in order, in LaTeX and CSV', () => {
    const tex = metricsTable([a, b], [comparison], 'latex', { columns: ['auc', 'tpr@1%', 'ba', 'delta'], float: 'table' })
    expect(tex).toContain('\\begin{table}[t]')
    expect(tex).toContain('\\end{table}\n')
    expect(tex).toContain('Experiment & AUC & TPR@1\\% FPR & Bal.\\ acc. & $\\Delta$AUC (A $-$ B) & $p$ \\\\')
    const [header] = readCsv(metricsTable([a, b], [], 'csv', { columns: ['n', 'auc'] }))
    expect(header).toEqual(['experiment_id', 'experiment', 'n_members', 'n_nonmembers', 'auc', 'auc_ci_lo', 'auc_ci_hi', 'notes'])
  })

  it('labels rows by what differs between them', () => {
    const tex = metricsTable([a, b], [], 'latex', { columns: ['auc'], labels: 'short' })
    const rows = tex
      .split('\\midrule')[1]
      .split('\\bottomrule')[0]
      .trim()
      .split('\n')
      .map((r) => r.trim().split(' & ')[0])
    // a: AEA on the default model; b: CSA on demo-clip-l — model, attack and parameters differ, the dataset does not.
    // The parameters read as everywhere else (list, legends, names: shared/experiment-facts.ts).
    expect(rows[0]).toBe(`${latexEscape(a.record.spec.modelName!)} · AEA · bank default (K = 10), aggregation ${latexEscape(a.record.spec.params.aea.aggregation)}, seed ${a.record.spec.params.seed}`)
    expect(rows[1].startsWith('demo-clip-l · CSA')).toBe(true)
  })

  it('writes siunitx numbers, keeping the sign of Δ, and names the package', () => {
    const tex = metricsTable([a, b], [comparison], 'latex', { columns: ['auc', 'delta'], numbers: 'siunitx' })
    expect(tex.split('\n')[0]).toBe('% Requires \\usepackage{booktabs}, \\usepackage{siunitx}.')
    const m = a.record.results!.metrics!
    expect(tex).toContain(`\\num{${formatNumber(m.auc)}} {[}\\num{${formatNumber(m.aucCI.lo)}}, \\num{${formatNumber(m.aucCI.hi)}}{]}`)
    expect(tex).toContain('\\num[retain-explicit-plus]{-0.120} {[}\\num[retain-explicit-plus]{-0.150}, \\num[retain-explicit-plus]{-0.090}{]} & $<$\\num{0.001}')
  })
})
