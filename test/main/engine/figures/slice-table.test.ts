// slicesTable: CSV columns with CI bounds and warnings, numeric values in numeric order; LaTeX with daggers and escaped values.
import { beforeAll, describe, expect, it } from 'vitest'
import { slicesTable } from '../../../../src/main/engine/figures'
import type { ExperimentView, Slice } from '../../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../../helpers/experiment-view'

const row = (column: string, value: string, members: number, nonmembers: number, auc: number | null, warning: string | null = null): Slice => ({
  column,
  value,
  members,
  nonmembers,
  auc,
  aucCI: auc === null ? null : { lo: auc - 0.05, hi: auc + 0.05 },
  tprAt1: nonmembers >= 100 ? 0.1 : null,
  tprAt1CI: nonmembers >= 100 ? { lo: 0.05, hi: 0.15 } : null,
  warning
})

let view: ExperimentView
beforeAll(async () => {
  const base = await makeExperimentView({ name: 'CSA & co', seed: 1 })
  view = {
    ...base,
    slices: [row('version', '11.0', 40, 120, 0.7), row('version', '2.0', 12, 30, 0.6, 'Only 12 member(s)'), row('version', '0.6', 300, 150, 0.65), row('vendor', 'a_b', 200, 200, null)]
  }
})

describe('slicesTable', () => {
  it('writes CSV rows with CI bounds and warnings, numeric values in numeric order', () => {
    const lines = slicesTable(view, 'csv').trim().split(/\r?\n/)
    expect(lines[0]).toBe('column,value,n_members,n_nonmembers,auc,auc_ci_lo,auc_ci_hi,tpr_at_fpr_0.01,tpr_at_fpr_0.01_ci_lo,tpr_at_fpr_0.01_ci_hi,warning')
    expect(lines.slice(1, 4).map((l) => l.split(',')[1])).toEqual(['0.6', '2.0', '11.0'])
    expect(lines[1]).toBe('version,0.6,300,150,0.650000,0.600000,0.700000,0.100000,0.050000,0.150000,')
    expect(lines[2]).toContain(',,,,Only 12 member(s)')
    expect(lines[4]).toBe('vendor,a_b,200,200,,,,0.100000,0.050000,0.150000,')
  })

  it('writes a booktabs LaTeX table: escaped values, a dagger on warned slices, the bootstrap in a note', () => {
    const tex = slicesTable(view, 'latex')
    expect(tex).toContain('\\toprule')
    expect(tex).toContain('a\\_b')
    expect(tex).toContain('2.0$^\\dagger$')
    expect(tex).not.toContain('11.0$^\\dagger$')
    expect(tex).toContain('0.650 [0.600, 0.700]')
    expect(tex).toContain('own stratified percentile bootstrap (200 resamples, seed 1)')
    expect(tex).toContain('CSA \\& co')
  })
})
