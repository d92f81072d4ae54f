// Comparison builders: overlaid ROC of several experiments, histogram panels side by side.
import type { LineSeriesOption } from 'echarts'
import { beforeAll, describe, expect, it } from 'vitest'
import { compareRocOption, defaultColumns, histogramPanelsOption, niceCeil, panelsHeight } from '../../../src/shared/charts/compare'
import { panelGrid } from '../../../src/shared/charts/frame'
import { figureOption, histogramOf, rocSeriesOf } from '../../../src/shared/charts/figures'
import { SCREEN_STYLE, TWO_COLUMN_STYLE } from '../../../src/shared/charts/style'
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

describe('histogram panels on shared axes (issue 21)', () => {
  type Axis = { min?: number; max?: number; name: string }
  /** Heights per bin, computed here from the counts: fraction of the class per unit score. */
  const densities = (edges: readonly number[], counts: readonly number[]): number[] => {
    const total = counts.reduce((a, b) => a + b, 0)
    return counts.map((c, i) => c / total / (edges[i + 1] - edges[i]))
  }

  it('one attack: every panel spans the union of score ranges, and one y axis holds the tallest bar of any panel', async () => {
    const five = await Promise.all([1, 2, 3, 4, 5].map((seed) => makeExperimentView({ name: `run ${seed}`, id: `r${seed}`, seed, shift: 0.3 * seed })))
    const o = figureOption('hist', five, SCREEN_STYLE, { size: { width: 1000, height: panelsHeight(5) } })
    const xs = o.xAxis as Axis[]
    const ys = o.yAxis as Axis[]
    const lo = Math.min(...five.map((v) => v.histogram!.edges[0]))
    const hi = Math.max(...five.map((v) => v.histogram!.edges[v.histogram!.edges.length - 1]))
    for (const x of xs) expect([x.min, x.max]).toEqual([lo, hi])
    // Bins differ in width between runs, so heights are densities (area 1 per class) on one y axis.
    const tallest = Math.max(...five.flatMap((v) => [...densities(v.histogram!.edges, v.histogram!.members), ...densities(v.histogram!.edges, v.histogram!.nonmembers)]))
    expect(new Set(ys.map((y) => y.max)).size).toBe(1)
    expect(ys[0].max!).toBeGreaterThanOrEqual(tallest)
    expect(ys[0].max!).toBeLessThan(tallest * 1.25)
    expect(ys[0].name).toBe('Density (fraction per unit score)')
  })

  it('different attacks: each panel keeps its score axis, the y axis is still shared (fraction of class)', async () => {
    const mixed = [await makeExperimentView({ name: 'csa', id: 'c', seed: 1 }), await makeExperimentView({ name: 'wsa', id: 'w', seed: 2, attack: 'wsa', shift: 2 })]
    const o = figureOption('hist', mixed, SCREEN_STYLE)
    const xs = o.xAxis as Axis[]
    mixed.forEach((v, i) => expect([xs[i].min, xs[i].max]).toEqual([v.histogram!.edges[0], v.histogram!.edges[v.histogram!.edges.length - 1]]))
    const ys = o.yAxis as Axis[]
    const fraction = (c: readonly number[]): number[] => c.map((x) => x / c.reduce((a, b) => a + b, 0))
    const tallest = Math.max(...mixed.flatMap((v) => [...fraction(v.histogram!.members), ...fraction(v.histogram!.nonmembers)]))
    expect(ys[0].max).toBe(ys[1].max)
    expect(ys[0].max!).toBeGreaterThanOrEqual(tallest)
    expect(ys[0].name).toBe('Fraction of class')
  })

  it('keeps a readable plot height for five experiments on screen (≥ 150 px per panel)', () => {
    const height = panelsHeight(5)
    const boxes = panelGrid(5, defaultColumns(5), { ...SCREEN_STYLE, padding: { ...SCREEN_STYLE.padding, top: SCREEN_STYLE.padding.top + SCREEN_STYLE.fontSize.title * 1.4 } }, { width: 1000, height })
    for (const b of boxes) expect((parseFloat(b.height) / 100) * height).toBeGreaterThanOrEqual(150)
    expect(panelsHeight(2)).toBe(panelsHeight(3))
    expect(panelsHeight(9)).toBe(3 * panelsHeight(3))
  })

  it('rounds the shared maximum up to a nice number', () => {
    expect([0.0731, 0.2, 1.01, 7.3, 0.00049].map(niceCeil)).toEqual([0.08, 0.2, 1.2, 8, 0.0005])
  })
})

describe('panel titles', () => {
  it('cut a long name to its panel, so neighbouring titles never overlap', async () => {
    const long = 'an experiment name far too long for one of three panels side by side on a screen'
    const three = await Promise.all([1, 2, 3].map((seed) => makeExperimentView({ name: `${long} ${seed}`, id: `t${seed}`, seed })))
    const size = { width: 1000, height: panelsHeight(3) }
    const o = figureOption('hist', three, SCREEN_STYLE, { size })
    const titles = o.title as Array<{ text: string; left: string }>
    const widthOf = (t: string): number => t.length * SCREEN_STYLE.fontSize.title * 0.6
    for (const t of titles) expect(t.text.endsWith('…')).toBe(true)
    // Centres are percentages of the figure width; half-widths of neighbours must fit between their centres.
    const centres = titles.map((t) => (parseFloat(t.left) / 100) * size.width)
    for (let i = 1; i < titles.length; i++) expect(widthOf(titles[i - 1].text) / 2 + widthOf(titles[i].text) / 2).toBeLessThanOrEqual(centres[i] - centres[i - 1])
    expect(centres[2] + widthOf(titles[2].text) / 2).toBeLessThanOrEqual(size.width)
  })
})
