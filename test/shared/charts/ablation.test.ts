// The WSA ablation's table rows (means over seeds, by hand here) and its two-panel figure: one line per λ on each panel,
// every |D_no| of the grid labelled, CSA's values as the dashed reference lines, failed fits left out of the lines.
import { describe, expect, it } from 'vitest'
import { ablationOf } from '../../helpers/ablation'
import type { LineSeriesOption } from 'echarts'
import { ablationOption, paperStyle, SCREEN_STYLE } from '../../../src/shared/charts'
import { ablationRows, lambdaLabel, type AblationCell } from '../../../src/shared/contract/ablation'

const cell = (size: number, seed: number, requested: AblationCell['requested'], auc: number | null, lambda: number | null = typeof requested === 'number' ? requested : 1): AblationCell => ({
  size,
  all: size === 400,
  seed,
  requested,
  lambda: auc === null ? null : lambda,
  lambdaRule: auc === null ? null : requested === 'rule' ? 'precision' : 'fixed',
  nSelected: auc === null ? null : 10 * (seed + 1),
  usedPerClass: auc === null ? null : 5,
  precision: auc === null ? null : 0.8,
  auc,
  tpr1: auc === null ? null : auc / 10,
  error: auc === null ? 'No pool item reaches τ.' : null
})

const ablation = ablationOf([
  cell(100, 0, 0, 0.7),
  cell(100, 1, 0, 0.74),
  cell(100, 0, 'rule', 0.72, 1),
  cell(100, 1, 'rule', 0.76, 1.25),
  cell(400, 0, 0, 0.82),
  cell(400, 1, 0, null),
  cell(400, 0, 'rule', null),
  cell(400, 1, 'rule', null)
])

describe('WSA ablation rows and figure', () => {
  it('averages each (size, λ) over the seeds that fitted, and keeps the reason when none did', () => {
    const rows = ablationRows(ablation.cells)
    expect(rows.map((r) => [r.size, r.requested, r.fits, r.failed])).toEqual([
      [100, 0, 2, 0],
      [100, 'rule', 2, 0],
      [400, 0, 1, 1],
      [400, 'rule', 0, 2]
    ])
    expect(rows[0].auc).toBeCloseTo((0.7 + 0.74) / 2, 15)
    expect(rows[0].nSelected).toBe(15)
    expect(rows[2].auc).toBe(0.82)
    expect(rows[3]).toMatchObject({ auc: null, error: 'No pool item reaches τ.' })
    expect(lambdaLabel(rows[1].requested, rows[1].lambdas)).toBe('rule → 1/1.25')
    expect(lambdaLabel(0)).toBe('0')
  })

  it('draws one line per λ per panel over the grid’s |D_no| (labelled) with CSA dashed at its AUC and TPR@1%', () => {
    for (const style of [SCREEN_STYLE, paperStyle(6.9, 2.9)]) {
      const option = ablationOption(ablation, style, { width: 900, height: 320 })
      const series = option.series as LineSeriesOption[]
      expect(series).toHaveLength(4)
      expect(series.map((s) => s.name)).toEqual(['λ 0', 'λ rule → 1/1.25', 'λ 0', 'λ rule → 1/1.25'])
      expect(series[0].data).toEqual([
        [0, (0.7 + 0.74) / 2],
        [1, 0.82]
      ])
      // The rule's fits at 400 all failed: no point there, rather than a zero.
      expect(series[1].data).toEqual([[0, (0.72 + 0.76) / 2]])
      expect(series[2].data).toEqual([
        [0, (0.7 / 10 + 0.74 / 10) / 2],
        [1, 0.82 / 10]
      ])
      const marks = series.flatMap((s) => (s.markLine ? [s.markLine] : []))
      expect(marks.map((m) => (m.data as Array<{ yAxis: number }>)[0].yAxis)).toEqual([0.8, 0.05])
      expect(marks.every((m) => (m.lineStyle as { type: string }).type === 'dashed')).toBe(true)
      const x = option.xAxis as Array<{ type: string; data: string[] }>
      expect(x.map((a) => [a.type, a.data])).toEqual([
        ['category', ['100', '400 (all)']],
        ['category', ['100', '400 (all)']]
      ])
      // Each y axis holds its lines and CSA's value, in steps of 0.05 (TPR from 0).
      const y = option.yAxis as Array<{ min: number; max: number }>
      expect(y.map((a) => [a.min, a.max])).toEqual([
        [0.7, 0.85],
        [0, 0.1]
      ])
    }
  })
})
