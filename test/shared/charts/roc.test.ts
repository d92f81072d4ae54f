// ROC option builder: log-log and linear axes, chance line, legend names with AUC, floors and TPR@FPR markers.
import type { LineSeriesOption } from 'echarts'
import { beforeAll, describe, expect, it } from 'vitest'
import { decadeLabel } from '../../../src/shared/charts/frame'
import { logAxisFloor, rocLegendNames, rocOption, type RocSeriesInput } from '../../../src/shared/charts/roc'
import { rocSeriesOf } from '../../../src/shared/charts/figures'
import { ONE_COLUMN_STYLE, SCREEN_STYLE } from '../../../src/shared/charts/style'
import type { ExperimentView } from '../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../helpers/experiment-view'

type Axis = { type?: string; min?: number; max?: number; name?: string }
const seriesOf = (o: ReturnType<typeof rocOption>): LineSeriesOption[] => o.series as LineSeriesOption[]
const pointsOf = (s: LineSeriesOption): [number, number][] => s.data as [number, number][]

let small: ExperimentView
let large: ExperimentView
beforeAll(async () => {
  small = await makeExperimentView({ name: 'CSA on demo-clip-s', members: 400, nonmembers: 600, shift: 0.8, seed: 1 })
  large = await makeExperimentView({ name: 'CSA on demo-clip-l', modelName: 'demo-clip-l', members: 400, nonmembers: 2000, shift: 1.5, seed: 2 })
})

describe('rocOption (log-log)', () => {
  it('has log axes from the floor to 1 and the chance line y = x', () => {
    const o = rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE)
    const x = o.xAxis as Axis
    const y = o.yAxis as Axis
    expect([x.type, y.type]).toEqual(['log', 'log'])
    // 600 non-members: the smallest resolvable FPR is 1/600, and the axes start there (issue 22), not at the decade below.
    expect([x.min, x.max, y.min, y.max]).toEqual([1 / 600, 1, 1 / 600, 1])
    const chance = seriesOf(o).find((s) => s.name === 'Chance')
    expect(chance?.data).toEqual([
      [1 / 600, 1 / 600],
      [1, 1]
    ])
    expect((chance?.lineStyle as { type?: string }).type).toBe('dashed')
  })

  it('names each curve with its AUC in a shared legend', () => {
    const o = rocOption([rocSeriesOf(small), rocSeriesOf(large)], ONE_COLUMN_STYLE)
    const legend = o.legend as { data: string[] }
    const aucS = small.record.results!.metrics!.auc.toFixed(3)
    expect(legend.data).toEqual([`CSA on demo-clip-s (AUC ${aucS})`, `CSA on demo-clip-l (AUC ${large.record.results!.metrics!.auc.toFixed(3)})`])
    const curves = seriesOf(o).filter((s) => s.type === 'line' && s.name !== 'Chance')
    expect(curves.map((s) => s.name)).toEqual(legend.data)
    expect(curves[0].color).not.toBe(curves[1].color)
    // The floor follows the larger non-member count: 1/2000.
    expect((o.xAxis as Axis).min).toBe(1 / 2000)
  })

  it('keeps every point on the axes: zero rates sit on the floor, the curve ends at (1, 1)', () => {
    const o = rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE)
    const pts = pointsOf(seriesOf(o)[1])
    expect(pts[0]).toEqual([1 / 600, 1 / 600])
    expect(pts[pts.length - 1]).toEqual([1, 1])
    expect(pts.every(([fx, ty]) => fx >= 1 / 600 && ty >= 1 / 600 && fx <= 1 && ty <= 1)).toBe(true)
    // Points with FPR above the floor are drawn where they are.
    const roc = small.roc!
    const i = roc.fpr.findIndex((f) => f > 0.1)
    expect(pts).toContainEqual([roc.fpr[i], roc.tpr[i]])
  })

  it('marks only resolvable TPR@FPR targets, at (target, TPR)', () => {
    const o = rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE, { markTargets: true })
    const marks = (seriesOf(o)[1].markPoint as { data: { coord: number[] }[] }).data
    const entries = small.record.results!.metrics!.tprAtFpr
    // 600 non-members cannot resolve 0.1 % FPR.
    expect(entries['0.001'].resolvable).toBe(false)
    expect(marks.map((m) => m.coord)).toEqual([
      [0.01, entries['0.01'].tpr],
      [0.05, entries['0.05'].tpr]
    ])
    expect(seriesOf(rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE))[1].markPoint).toBeUndefined()
  })
})

describe('rocOption (linear)', () => {
  it('draws the unit square with the exact curve points', () => {
    const o = rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE, { scale: 'linear' })
    expect([(o.xAxis as Axis).type, (o.xAxis as Axis).min, (o.yAxis as Axis).max]).toEqual(['value', 0, 1])
    expect(seriesOf(o)[0].data).toEqual([
      [0, 0],
      [1, 1]
    ])
    const roc = small.roc!
    const expected = roc.fpr.map((f, i) => [f, roc.tpr[i]]).filter((p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1])
    expect(pointsOf(seriesOf(o)[1])).toEqual(expected)
  })
})

describe('styles and helpers', () => {
  it('animates and has tooltips on screen only', () => {
    const input = [rocSeriesOf(small)]
    expect(rocOption(input, ONE_COLUMN_STYLE).animation).toBe(false)
    expect(rocOption(input, ONE_COLUMN_STYLE).tooltip).toBeUndefined()
    expect(rocOption(input, SCREEN_STYLE).animation).toBe(true)
    expect(rocOption(input, SCREEN_STYLE).tooltip).toBeDefined()
  })

  it('puts the log floor at the smallest resolvable FPR 1/n_nonmembers, within [1e-6, 1e-1]', () => {
    const roc = { fpr: [0, 1], tpr: [0, 1], thresholds: [null, 0] }
    const floor = (n: number | null): number => logAxisFloor([{ name: 'x', roc, nNonmembers: n }])
    expect([floor(600), floor(1000), floor(2000), floor(5), floor(10_000_000), floor(null)]).toEqual([1 / 600, 1e-3, 5e-4, 1e-1, 1e-6, 1e-3])
  })

  it('takes axis limits when given', () => {
    const o = rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE, { xRange: [0.01, 1], yRange: [0.001, 0.5] })
    expect([(o.xAxis as Axis).min, (o.xAxis as Axis).max, (o.yAxis as Axis).min, (o.yAxis as Axis).max]).toEqual([0.01, 1, 0.001, 0.5])
  })

  it('keeps legend names unique and leaves out a missing AUC', () => {
    const roc = { fpr: [0, 1], tpr: [0, 1], thresholds: [null, 0] }
    const s: RocSeriesInput[] = [
      { name: 'A', roc, auc: 0.5 },
      { name: 'A', roc, auc: 0.5 },
      { name: 'B', roc }
    ]
    expect(rocLegendNames(s)).toEqual(['A (AUC 0.500)', 'A (AUC 0.500) #2', 'B'])
  })

  it('puts a short legend in the empty lower-right corner and long names above the plot', () => {
    const roc = { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], thresholds: [null, 0.5, 0] }
    const short = rocOption(
      [
        { name: 'ViT-B/32', roc, auc: 0.7 },
        { name: 'ViT-L/14', roc, auc: 0.8 }
      ],
      ONE_COLUMN_STYLE
    )
    const longName = 'CSA on a model with a rather long descriptive name'
    const long = rocOption(
      [
        { name: longName, roc, auc: 0.7 },
        { name: `${longName}, again`, roc, auc: 0.8 }
      ],
      ONE_COLUMN_STYLE
    )
    const legend = (o: ReturnType<typeof rocOption>): { right?: number; bottom?: number; top?: number } => o.legend as { right?: number; bottom?: number; top?: number }
    const top = (o: ReturnType<typeof rocOption>): number => (o.grid as { top: number }).top
    expect(legend(short).bottom).toBeGreaterThan(ONE_COLUMN_STYLE.padding.bottom)
    expect(top(short)).toBe(ONE_COLUMN_STYLE.padding.top)
    expect(legend(long).top).toBe(2)
    expect(top(long)).toBeGreaterThan(ONE_COLUMN_STYLE.padding.top)
    // The screen is wide enough for the long name inside.
    expect(legend(rocOption([{ name: longName, roc, auc: 0.7 }], SCREEN_STYLE, { size: { width: 900, height: 500 } })).bottom).toBeDefined()
  })

  it('labels log ticks as powers of ten', () => {
    expect([1, 0.1, 0.001, 1e-4, 0.5].map(decadeLabel)).toEqual(['1', '10⁻¹', '10⁻³', '10⁻⁴', '0.5'])
    // The floor 1/n of a log axis is off-decade: two significant digits, never a 17-digit float.
    expect([1 / 896, 1 / 180, 0.0333333, 9.96e-4, 2.5e-5].map(decadeLabel)).toEqual(['1.1×10⁻³', '5.6×10⁻³', '0.033', '10⁻³', '2.5×10⁻⁵'])
  })
})

describe('ROC band', () => {
  type Custom = { type: string; name: string; z: number; clip: boolean; renderItem: (p: unknown, api: { coord: (p: number[]) => number[] }) => { type: string; shape: { points: number[][] } } }
  const bandOf = (o: ReturnType<typeof rocOption>): Custom[] => (o.series as unknown as Custom[]).filter((s) => s.type === 'custom')
  /** The polygon of a band series in data coordinates (api.coord as the identity). */
  const polygonOf = (s: Custom): number[][] => s.renderItem({}, { coord: (p) => p }).shape.points

  it('shades the band as one polygon, upper edge then lower edge back, under the curve, on log and linear axes', () => {
    const series = rocSeriesOf(small)
    const band = series.band!
    expect(band.fpr.length).toBeGreaterThan(40)
    const linear = bandOf(rocOption([series], ONE_COLUMN_STYLE, { scale: 'linear' }))
    expect(linear).toHaveLength(1)
    expect(linear[0]).toMatchObject({ clip: true, z: 2 })
    const expected = [...band.fpr.map((f, g) => [f, band.hi[g]]), ...band.fpr.map((f, g) => [f, band.lo[g]]).reverse()]
    expect(polygonOf(linear[0])).toEqual(expected)
    // Log axes: zero rates sit on the floor 1/600, as the curve's own points do.
    const log = polygonOf(bandOf(rocOption([series], ONE_COLUMN_STYLE))[0])
    expect(Math.min(...log.flat())).toBe(1 / 600)
    expect(log).toHaveLength(2 * band.fpr.length)
  })

  it('is left out when asked, when a curve has none, and in comparisons', () => {
    expect(bandOf(rocOption([rocSeriesOf(small)], ONE_COLUMN_STYLE, { bands: false }))).toHaveLength(0)
    expect(bandOf(rocOption([{ ...rocSeriesOf(small), band: null }], ONE_COLUMN_STYLE))).toHaveLength(0)
    expect(bandOf(rocOption([rocSeriesOf(small), rocSeriesOf(large)], ONE_COLUMN_STYLE))).toHaveLength(2)
  })
})
