// figureOption: one entry point from experiments to ROC, histogram and comparison options; shared stays Node- and DOM-free.
import fs from 'node:fs'
import path from 'node:path'
import type { LineSeriesOption } from 'echarts'
import { beforeAll, describe, expect, it } from 'vitest'
import { figureOption, scoreLabelOf, sharesScoreScale } from '../../../src/shared/charts/figures'
import { ONE_COLUMN_STYLE } from '../../../src/shared/charts/style'
import type { ExperimentView } from '../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../helpers/experiment-view'

let a: ExperimentView
let b: ExperimentView
beforeAll(async () => {
  a = await makeExperimentView({ name: 'small', seed: 1 })
  b = await makeExperimentView({ name: 'large', seed: 2, attack: 'wsa' })
})

describe('figureOption', () => {
  it('takes legend labels, panel titles and axis limits (issue 22), and refuses a label count that does not match', () => {
    const roc = figureOption('roc', [a, b], ONE_COLUMN_STYLE, { labels: ['ViT-B/32', 'ViT-L/14'], xRange: [0.01, 1] })
    expect((roc.legend as { data: string[] }).data.map((n) => n.replace(/ \(AUC.*$/, ''))).toEqual(['ViT-B/32', 'ViT-L/14'])
    expect((roc.xAxis as { min: number }).min).toBe(0.01)
    const hist = figureOption('hist', [a, b], ONE_COLUMN_STYLE, { labels: ['B', 'L'], xRange: [-1, 1], yRange: [0, 0.5] })
    expect((hist.title as Array<{ text: string }>).map((t) => t.text)).toEqual(['B', 'L'])
    expect((hist.xAxis as Array<{ min: number; max: number }>).map((x) => [x.min, x.max])).toEqual([
      [-1, 1],
      [-1, 1]
    ])
    expect((hist.yAxis as Array<{ max: number }>).every((y) => y.max === 0.5)).toBe(true)
    expect(() => figureOption('roc', [a, b], ONE_COLUMN_STYLE, { labels: ['only one'] })).toThrow(/1 legend label\(s\) for 2 experiment\(s\)/)
  })

  it('draws a ROC from the view curve, and a comparison of several views', () => {
    const roc = figureOption('roc', [a], ONE_COLUMN_STYLE)
    // The curve, then its shaded bootstrap band (attacks.md "ROC confidence band").
    expect((roc.series as LineSeriesOption[]).map((s) => s.name)).toEqual(['Chance', expect.stringMatching(/^small \(AUC/), expect.stringMatching(/^small.* band$/)])
    const cmp = figureOption('compare', [a, b], ONE_COLUMN_STYLE, { scale: 'linear' })
    expect((cmp.xAxis as { type: string }).type).toBe('value')
    expect((cmp.legend as { data: string[] }).data).toHaveLength(2)
    expect((cmp.series as Array<{ type?: string }>).some((s) => s.type === 'custom')).toBe(false)
  })

  it('draws one histogram, or panels for several views', () => {
    const one = figureOption('hist', [a], ONE_COLUMN_STYLE, { threshold: 0.3 })
    expect((one.xAxis as { name: string }).name).toBe('CSA score (cosine similarity)')
    const many = figureOption('hist', [a, b], ONE_COLUMN_STYLE)
    expect(many.grid).toHaveLength(2)
    expect(scoreLabelOf([a, b])).toBe('Score')
  })

  it('names a calibrated score for what it is, and keeps calibrated and plain scores off one axis', () => {
    const calibrated = (mode: string): typeof a => ({ ...a, record: { ...a.record, results: { ...a.record.results!, attackReport: { calibration: { referenceModel: 'demo-clip-ref', mode } } } } })
    expect(scoreLabelOf([calibrated('regression')])).toBe('CSA score calibrated on a reference model (σ above the predicted non-member score)')
    expect(scoreLabelOf([calibrated('difference')])).toBe("CSA score minus the reference model's")
    expect(scoreLabelOf([a, calibrated('regression')])).toBe('Score')
    expect(sharesScoreScale([a, calibrated('regression')])).toBe(false)
    expect(sharesScoreScale([calibrated('regression'), calibrated('regression')])).toBe(true)
  })

  it('explains what is missing', () => {
    expect(() => figureOption('compare', [a], ONE_COLUMN_STYLE)).toThrow(/at least two experiments/)
    expect(() => figureOption('roc', [], ONE_COLUMN_STYLE)).toThrow(/at least one experiment/)
    const bare: ExperimentView = { ...a, roc: null, histogram: null, record: { ...a.record, results: null } }
    expect(() => figureOption('roc', [bare], ONE_COLUMN_STYLE)).toThrow(/has no ROC curve/)
    expect(() => figureOption('hist', [bare], ONE_COLUMN_STYLE)).toThrow(/has no score histogram/)
  })
})

describe('src/shared/charts and format.ts', () => {
  it('import only echarts types and src/shared (no node, no DOM)', () => {
    const root = path.resolve(__dirname, '../../../src/shared')
    const files = [...fs.readdirSync(path.join(root, 'charts')).map((f) => path.join(root, 'charts', f)), path.join(root, 'format.ts')]
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
        const [, typeOnly, spec] = m
        const ok = spec.startsWith('.') ? path.resolve(path.dirname(file), spec).startsWith(root) : spec === 'echarts' && typeOnly !== undefined
        expect(ok, `${path.basename(file)} imports ${spec}`).toBe(true)
      }
    }
  })
})
