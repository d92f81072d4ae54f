// Histogram option builder: shared bin edges as filled steps per class, normalisation, threshold marker.
import type { LineSeriesOption } from 'echarts'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkHistogram, histogramOption, stepData } from '../../../src/shared/charts/histogram'
import { histogramOf } from '../../../src/shared/charts/figures'
import { ONE_COLUMN_STYLE } from '../../../src/shared/charts/style'
import type { ExperimentView } from '../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../helpers/experiment-view'

const seriesOf = (o: ReturnType<typeof histogramOption>): LineSeriesOption[] => o.series as LineSeriesOption[]

/** Heights of the bins back from step data: the points between the two closing zeros. */
const heights = (data: [number, number][]): number[] => data.slice(1, -2).map((p) => p[1])

let view: ExperimentView
beforeAll(async () => {
  view = await makeExperimentView({ members: 300, nonmembers: 500, bins: 20 })
})

describe('stepData', () => {
  it('draws each bin from its left edge at its height and closes to 0 at both ends', () => {
    expect(stepData([0, 1, 2, 3], [2, 6, 2], 'count')).toEqual([
      [0, 0],
      [0, 2],
      [1, 6],
      [2, 2],
      [3, 2],
      [3, 0]
    ])
  })
  it('normalises each class to fractions summing to 1', () => {
    const h = histogramOf(view)
    const m = heights(stepData(h.edges, h.members, 'fraction'))
    const n = heights(stepData(h.edges, h.nonmembers, 'fraction'))
    expect(m.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(n.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(m.map((v) => v * 300)).toEqual(h.members.map((c) => expect.closeTo(c, 9)))
  })
})

describe('histogramOption', () => {
  it('overlays members and non-members on the shared edges, semi-transparent, with a class legend', () => {
    const h = histogramOf(view)
    const o = histogramOption(h, ONE_COLUMN_STYLE)
    const series = seriesOf(o)
    expect(series.map((s) => s.name).sort()).toEqual(['Members', 'Non-members'])
    expect((o.legend as { data: string[] }).data).toEqual(['Members', 'Non-members'])
    for (const s of series) {
      expect(s.step).toBe('end')
      const opacity = (s.areaStyle as { opacity: number }).opacity
      expect(opacity).toBeGreaterThan(0)
      expect(opacity).toBeLessThan(1)
      const xs = (s.data as [number, number][]).map((p) => p[0])
      expect(new Set(xs)).toEqual(new Set(h.edges))
    }
    expect(series[0].color).not.toBe(series[1].color)
    const x = o.xAxis as { min: number; max: number; type: string }
    expect([x.type, x.min, x.max]).toEqual(['value', h.edges[0], h.edges[h.edges.length - 1]])
  })

  it('draws a vertical threshold line only when a threshold is given', () => {
    const h = histogramOf(view)
    expect(seriesOf(histogramOption(h, ONE_COLUMN_STYLE)).some((s) => s.name === 'Threshold')).toBe(false)
    expect(seriesOf(histogramOption(h, ONE_COLUMN_STYLE, { threshold: null })).some((s) => s.name === 'Threshold')).toBe(false)
    const marker = seriesOf(histogramOption(h, ONE_COLUMN_STYLE, { threshold: 0.27 })).find((s) => s.name === 'Threshold')
    const line = marker?.markLine as { data: { xAxis: number }[]; label: { formatter: string } }
    expect(line.data).toEqual([{ xAxis: 0.27 }])
    expect(line.label.formatter).toBe('τ = 0.270')
  })

  it('uses counts when asked', () => {
    const h = histogramOf(view)
    const members = seriesOf(histogramOption(h, ONE_COLUMN_STYLE, { normalize: 'count' })).find((s) => s.name === 'Members')!
    expect(heights(members.data as [number, number][])).toEqual(h.members)
  })

  it('rejects counts that do not fit the edges', () => {
    expect(() => checkHistogram({ edges: [0, 1, 2], members: [1, 2, 3], nonmembers: [1, 2] })).toThrow(/n \+ 1 edges/)
  })
})
