// The palette rule of issue 21: a colour means one thing per figure, and experiment colours are never class colours.
import { beforeAll, describe, expect, it } from 'vitest'
import type { EChartsOption } from 'echarts'
import { upsetOption } from '../../../src/shared/charts/agreement'
import { figureOption } from '../../../src/shared/charts/figures'
import { CLASS_COLORS, EXPERIMENT_COLORS, checkPalette, colourMeanings, experimentStroke } from '../../../src/shared/charts/palette'
import { ONE_COLUMN_STYLE, SCREEN_STYLE, TWO_COLUMN_STYLE, colorAt, paperStyle } from '../../../src/shared/charts/style'
import { vennOption } from '../../../src/shared/charts/venn'
import type { Agreement } from '../../../src/shared/contract/evidence'
import type { ExperimentView } from '../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../helpers/experiment-view'

/** CIE L*a*b* of an sRGB hex colour (D65), written out here so the distance check does not trust the module under test. */
function lab(hex: string): [number, number, number] {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  const xyz = [0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2], 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2], 0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]]
  const f = (t: number): number => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29)
  const [fx, fy, fz] = [xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883].map(f)
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)]
}
const deltaE = (a: string, b: string): number => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]))

const classes = [CLASS_COLORS.members, CLASS_COLORS.nonmembers].map((c) => c.toLowerCase())

let views: ExperimentView[]
beforeAll(async () => {
  views = await Promise.all([0, 1, 2, 3, 4].map((i) => makeExperimentView({ name: `exp ${i}`, id: `e${i}`, seed: i + 1, shift: 0.5 + 0.4 * i })))
})

/** Every colour of the option stands for one name. */
function oneMeaningEach(option: EChartsOption): Map<string, Set<string>> {
  const meanings = colourMeanings(option)
  for (const [colour, names] of meanings) expect([...names], `colour ${colour}`).toHaveLength(1)
  return meanings
}

describe('palette', () => {
  it('keeps experiment and class colours apart, and visibly so (CIE76 ΔE ≥ 20)', () => {
    for (const c of EXPERIMENT_COLORS) {
      expect(classes).not.toContain(c.toLowerCase())
      for (const k of classes) expect(deltaE(c, k), `${c} vs ${k}`).toBeGreaterThanOrEqual(20)
    }
    expect(new Set(EXPERIMENT_COLORS.map((c) => c.toLowerCase())).size).toBe(EXPERIMENT_COLORS.length)
    for (const style of [SCREEN_STYLE, ONE_COLUMN_STYLE, TWO_COLUMN_STYLE, paperStyle(5)]) expect(() => checkPalette(style.palette, style.classColors)).not.toThrow()
    expect(() => checkPalette(['#0072B2', '#009E73'], CLASS_COLORS)).toThrow(/both an experiment colour and a class colour/)
  })

  it('gives each of 18 experiments its own colour and dash pair', () => {
    const pairs = Array.from({ length: 18 }, (_, i) => experimentStroke(EXPERIMENT_COLORS, i))
    expect(new Set(pairs.map((p) => `${p.color} ${p.type}`)).size).toBe(18)
    expect(pairs.slice(0, EXPERIMENT_COLORS.length).every((p) => p.type === 'solid')).toBe(true)
    expect(pairs[EXPERIMENT_COLORS.length]).toEqual({ color: EXPERIMENT_COLORS[0], type: 'dashed' })
    expect(colorAt(SCREEN_STYLE, 7)).toBe(EXPERIMENT_COLORS[1])
  })

  it('compare ROC and histograms: experiments in experiment colours, classes in class colours, no colour shared', () => {
    for (const style of [SCREEN_STYLE, TWO_COLUMN_STYLE]) {
      const roc = oneMeaningEach(figureOption('compare', views, style))
      const hist = oneMeaningEach(figureOption('hist', views, style))
      const rocColours = [...roc.keys()].filter((c) => c !== style.axisColor.toLowerCase())
      expect(rocColours).toHaveLength(5)
      for (const c of rocColours) expect(EXPERIMENT_COLORS.map((x) => x.toLowerCase())).toContain(c)
      const histColours = [...hist.keys()].filter((c) => c !== style.textColor.toLowerCase())
      expect(histColours.sort()).toEqual([...classes].sort())
      for (const c of rocColours) expect(histColours).not.toContain(c)
      // Panel titles wear the colour of their experiment's ROC curve.
      const titles = figureOption('hist', views, style).title as Array<{ textStyle: { color: string } }>
      expect(titles.map((t) => t.textStyle.color.toLowerCase())).toEqual(rocColours)
    }
  })

  it('agreement figures: Venn circles in experiment colours, UpSet bars in class colours', () => {
    const a: Agreement = {
      fpr: 0.01,
      nItems: 50,
      experiments: ['A', 'B', 'C'].map((name, i) => ({ id: name, name, threshold: 0.5, flagged: 3 + i })),
      jaccard: [],
      intersections: [{ sets: [0, 1, 2], count: 2, members: 2 }],
      records: [],
      notes: []
    }
    const venn = oneMeaningEach(vennOption(a, ONE_COLUMN_STYLE))
    expect([...venn.keys()]).toEqual(EXPERIMENT_COLORS.slice(0, 3).map((c) => c.toLowerCase()))
    const upset = oneMeaningEach(upsetOption(a, ONE_COLUMN_STYLE))
    for (const c of classes) expect(upset.has(c)).toBe(true)
    for (const c of EXPERIMENT_COLORS) expect(upset.has(c.toLowerCase())).toBe(false)
  })
})
