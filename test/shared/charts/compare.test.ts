// Comparison builders: overlaid ROC of several experiments, histogram panels side by side.
import type { LineSeriesOption } from 'echarts'
import { beforeAll, describe, expect, it } from 'vitest'
import { compareRocOption, defaultColumns, histogramPanelsOption } from '../../../src/shared/charts/compare'
import { panelGrid } from '../../../src/shared/charts/frame'
import { histogramOf, rocSeriesOf } from '../../../src/shared/charts/figures'
import { TWO_COLUMN_STYLE } from '../../../src/shared/charts/style'
import type { ExperimentView } from '../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../helpers/experiment-view'

let views: ExperimentView[]
beforeAll(async () => {
  views = await Promise.all([
    makeExperimentView({ name: 'ViT-B/32', seed: 1, shift: 0.7 }),
    makeExperimentView({ name: 'ViT-L/14', seed: 2, shift: 1.4 }),
    makeExperimentView({ name: 'ViT-H/14', seed: 3, shift: 1.9 })
  ])
})

describe('compareRocOption', () => {
  it('overlays every experiment with one legend and one chance line', () => {
    const o = compareRocOption(views.map(rocSeriesOf), TWO_COLUMN_STYLE)
    const series = o.series as LineSeriesOption[]
    expect(series.filter((s) => s.name === 'Chance')).toHaveLength(1)
    const legend = (o.legend as { data: string[] }).data
    expect(legend).toHaveLength(3)
    expect(legend[1]).toMatch(/^ViT-L\/14 \(AUC 0\.\d{3}\)$/)
    expect(series.filter((s) => s.name !== 'Chance').map((s) => s.name)).toEqual(legend)
  })
  it('needs at least two experiments', () => {
    expect(() => compareRocOption([rocSeriesOf(views[0])], TWO_COLUMN_STYLE)).toThrow(/at least two/)
  })
})

describe('histogramPanelsOption', () => {
  it('draws one titled panel per experiment, each on its own axes', () => {
    const panels = views.map((v) => ({ name: v.record.name, histogram: histogramOf(v), threshold: 0.25 }))
    const o = histogramPanelsOption(panels, TWO_COLUMN_STYLE)
    expect(o.grid).toHaveLength(3)
    expect((o.xAxis as { gridIndex: number }[]).map((a) => a.gridIndex)).toEqual([0, 1, 2])
    expect((o.title as { text: string }[]).map((t) => t.text)).toEqual(['ViT-B/32', 'ViT-L/14', 'ViT-H/14'])
    const series = o.series as LineSeriesOption[]
    for (let i = 0; i < 3; i++) {
      const own = series.filter((s) => s.xAxisIndex === i)
      expect(own.map((s) => s.name).sort()).toEqual(['Members', 'Non-members', 'Threshold'])
      expect(own.every((s) => s.yAxisIndex === i)).toBe(true)
    }
    expect((o.legend as { data: string[] }).data).toEqual(['Members', 'Non-members'])
    // Only the first panel of a row names the y axis.
    expect((o.yAxis as { name: string }[]).map((a) => a.name !== '')).toEqual([true, false, false])
  })

  it('lays panels out in rows without overlap inside the figure', () => {
    expect([1, 2, 3, 4, 5, 9].map(defaultColumns)).toEqual([1, 2, 3, 2, 3, 3])
    const boxes = panelGrid(4, 2, TWO_COLUMN_STYLE, { width: 496.8, height: 400 })
    const num = (s: string): number => parseFloat(s)
    for (const b of boxes) {
      expect(num(b.left)).toBeGreaterThan(0)
      expect(num(b.top)).toBeGreaterThan(0)
      expect(num(b.left) + num(b.width)).toBeLessThan(100)
      expect(num(b.top) + num(b.height)).toBeLessThan(100)
    }
    expect(num(boxes[0].left) + num(boxes[0].width)).toBeLessThan(num(boxes[1].left))
    expect(num(boxes[0].top) + num(boxes[0].height)).toBeLessThan(num(boxes[2].top))
  })

  it('rejects an empty figure', () => {
    expect(() => histogramPanelsOption([], TWO_COLUMN_STYLE)).toThrow(/No histogram panels/)
  })
})
