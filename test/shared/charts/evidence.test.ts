// Evidence figures: stability bars count what the summary's records say (members apart), and the items-needed curve
// draws every subsample size on a log axis with p = 0.01 and `needed` marked, a p of 0 at the floor.
import { describe, expect, it } from 'vitest'
import type { BarSeriesOption, LineSeriesOption } from 'echarts'
import { itemsNeededOption, P_FLOOR, SCREEN_STYLE, stabilityOption } from '../../../src/shared/charts'
import type { SeedSummary, SetInference } from '../../../src/shared/contract/evidence'

const summary: SeedSummary = {
  ids: ['a', 'b', 'c'],
  seeds: [0, 1, 2],
  stats: [],
  stability: {
    fpr: 0.01,
    histogram: [10, 3, 1, 2],
    flaggedByAll: 2,
    flaggedByAny: 6,
    records: [
      { id: 'm1', membership: 'member', flagged: 3 },
      { id: 'n1', membership: 'nonmember', flagged: 3 },
      { id: 'm2', membership: 'member', flagged: 2 },
      { id: 'm3', membership: 'member', flagged: 1 },
      { id: 'n2', membership: 'nonmember', flagged: 1 },
      { id: 'u1', membership: 'unknown', flagged: 1 }
    ]
  },
  notes: []
}

describe('stabilityOption', () => {
  it('stacks members, non-members and the unlabelled rest for k = 1…n seeds, summing to the histogram', () => {
    const series = stabilityOption(summary, SCREEN_STYLE).series as BarSeriesOption[]
    expect(series.map((s) => s.name)).toEqual(['members', 'non-members', 'unlabelled'])
    expect(series.map((s) => s.data)).toEqual([
      [1, 1, 1],
      [1, 0, 1],
      [1, 0, 0]
    ])
    const totals = [0, 1, 2].map((i) => series.reduce((a, s) => a + (s.data as number[])[i], 0))
    expect(totals).toEqual(summary.stability.histogram.slice(1))
  })
})

describe('itemsNeededOption', () => {
  const result: SetInference = {
    attack: 'csa',
    alternative: 'suspect > reference',
    nSuspect: 40,
    nReference: 30,
    pValue: 1e-5,
    welch: { t: 4, df: 60, pValue: 1e-5 },
    mannWhitney: { u: 900, z: 4, pValue: 2e-5 },
    effect: { cohensD: 1, probabilityOfSuperiority: 0.75 },
    curve: [
      { size: 5, medianP: 0.2, fractionBelow: 0.05 },
      { size: 10, medianP: 0.004, fractionBelow: 0.6 },
      { size: 40, medianP: 0, fractionBelow: 1 }
    ],
    needed: 10,
    seed: 0,
    notes: []
  }

  it('draws the median p by size with the floor for p = 0, the 0.01 line and the needed size marked', () => {
    const option = itemsNeededOption(result, SCREEN_STYLE)
    const line = (option.series as LineSeriesOption[])[0]
    expect(line.data).toEqual([
      [5, 0.2],
      [10, 0.004],
      [40, P_FLOOR]
    ])
    expect(line.markLine?.data).toEqual([expect.objectContaining({ yAxis: 0.01 }), expect.objectContaining({ xAxis: 10 })])
    expect(option.yAxis).toMatchObject({ type: 'log', max: 1, min: P_FLOOR })
  })

  it('marks no size when none reaches p < 0.01', () => {
    const line = (itemsNeededOption({ ...result, needed: null }, SCREEN_STYLE).series as LineSeriesOption[])[0]
    expect(line.markLine?.data).toHaveLength(1)
  })
})
