// ROC chart option: log-log (the paper convention for low-FPR attacks) or linear axes, chance line, TPR@FPR markers.
import type { CustomSeriesOption, EChartsOption, LineSeriesOption } from 'echarts'
import type { RocBandData, RocPoints, TprAtFprEntry } from '../contract/metrics'
import { formatFprTarget, formatNumber } from '../format'
import { axisOf, baseOption, cornerLegendFits, lineOn, figureUnits, legendLineHeight, legendOf, singleGrid, X_NAME_GAP_EM, type FigureSize } from './frame'
import { experimentStroke } from './palette'
import type { FigureStyle } from './style'

/** One curve of a ROC chart. */
export interface RocSeriesInput {
  /** Legend name (experiment name); the AUC is appended when given. */
  name: string
  roc: RocPoints
  auc?: number | null
  /** Non-members evaluated: 1/n is the smallest FPR the curve can show (the log-axis floor). */
  nNonmembers?: number | null
  /** TPR@FPR entries to mark on the curve (unresolvable ones are skipped). */
  tprAtFpr?: readonly TprAtFprEntry[]
  /** Pointwise bootstrap band of TPR at each FPR (attacks.md "ROC confidence band"), shaded in the curve's colour. */
  band?: Pick<RocBandData, 'fpr' | 'lo' | 'hi'> | null
}

/** How to draw a ROC chart. */
export interface RocChartOptions {
  /** 'log' (default): log-log axes; 'linear': the unit square. */
  scale?: 'log' | 'linear'
  /** Mark TPR@FPR targets on each curve (default false). */
  markTargets?: boolean
  /** Lower end of both log axes; default 1/n_nonmembers (logAxisFloor). */
  minRate?: number
  /** Axis limits [min, max], overriding the floor-to-1 default (rates; on log axes both must be positive). */
  xRange?: readonly [number, number]
  yRange?: readonly [number, number]
  /** Screen box (px) the chart fills, to choose where the legend fits; print styles use their own size. */
  size?: FigureSize
  /** Shade each curve's band when it has one (default true). */
  bands?: boolean
}

/** Opacity of a ROC band's fill: the curve stays readable over it, and overlapping bands stay distinguishable. */
export const BAND_OPACITY = 0.2

/** Default log-axis floor when no series says how many non-members it has (attacks.md, Figures: FPR 1e-3…1). */
export const DEFAULT_MIN_RATE = 1e-3

/** Lowest floor drawn: below it a log axis spends most of its length on rates no benchmark resolves. */
const SMALLEST_FLOOR = 1e-6

/**
 * Lowest rate shown on log axes: the smallest resolvable FPR, 1/n₀ of the series with the most non-members
 * (attacks.md, Figures; issue 22 — not the decade below it, which drew an empty strip no curve can enter).
 * At most 0.1, so at least one decade is drawn.
 */
export function logAxisFloor(series: readonly RocSeriesInput[]): number {
  const counts = series.map((s) => s.nNonmembers ?? 0).filter((n) => n > 0)
  if (counts.length === 0) return DEFAULT_MIN_RATE
  return Math.min(Math.max(1 / Math.max(...counts), SMALLEST_FLOOR), 1e-1)
}

/** Legend names: "name (AUC 0.734)", made unique so two same-named experiments keep two legend entries. */
export function rocLegendNames(series: readonly RocSeriesInput[]): string[] {
  const seen = new Map<string, number>()
  return series.map((s) => {
    const base = s.auc === undefined || s.auc === null ? s.name : `${s.name} (AUC ${formatNumber(s.auc)})`
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base} #${count}`
  })
}

/** Curve points; on log axes rates below the floor (FPR or TPR = 0) sit on the floor, repeats dropped. */
function curveData(roc: RocPoints, floor: number | null): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i < roc.fpr.length; i++) {
    const x = floor === null ? roc.fpr[i] : Math.max(roc.fpr[i], floor)
    const y = floor === null ? roc.tpr[i] : Math.max(roc.tpr[i], floor)
    const last = out[out.length - 1]
    if (!last || last[0] !== x || last[1] !== y) out.push([x, y])
  }
  return out
}

function targetMarks(s: RocSeriesInput, style: FigureStyle, floor: number | null): NonNullable<LineSeriesOption['markPoint']> {
  const data = (s.tprAtFpr ?? [])
    // TPR at FPR 0 (issue 20) has no place on a log axis; it is the curve's first point above (0, 0) anyway.
    .filter((e) => e.resolvable && e.tpr !== null && e.target > 0)
    .map((e) => ({
      name: `TPR@${formatFprTarget(e.target)} FPR`,
      coord: [e.target, floor === null ? (e.tpr as number) : Math.max(e.tpr as number, floor)],
      value: formatNumber(e.tpr)
    }))
  return { symbol: 'circle', symbolSize: style.fontSize.label * 0.8, label: { show: false }, silent: !style.interactive, data }
}

/** The dashed y = x line from the axis floor (0 on linear axes) to 1. */
export function chanceSeries(style: FigureStyle, floor: number, gridIndex = 0): LineSeriesOption {
  return {
    ...lineOn(gridIndex, 'chance', 'Chance'),
    data: [
      [floor, floor],
      [1, 1]
    ],
    symbol: 'none',
    silent: true,
    z: 1,
    lineStyle: { color: style.axisColor, width: style.thinLineWidth, type: 'dashed' }
  }
}

/** Line series of ROC curves (one per input) for the grid `gridIndex`. */
export function rocLineSeries(series: readonly RocSeriesInput[], style: FigureStyle, options: RocChartOptions, gridIndex = 0): LineSeriesOption[] {
  const log = (options.scale ?? 'log') === 'log'
  const floor = log ? (options.minRate ?? logAxisFloor(series)) : null
  const names = rocLegendNames(series)
  return series.map((s, i) => {
    const stroke = experimentStroke(style.palette, i)
    const line: LineSeriesOption = {
      ...lineOn(gridIndex, `roc-${i}`, names[i]),
      data: curveData(s.roc, floor),
      // No symbol: the legend then shows a plain line in the curve's colour.
      symbol: 'none',
      clip: true,
      z: 3,
      color: stroke.color,
      lineStyle: { width: style.lineWidth, color: stroke.color, type: stroke.type }
    }
    if (options.markTargets) line.markPoint = targetMarks(s, style, floor)
    return line
  })
}

/**
 * The band of `s` as one filled polygon (upper edge left to right, lower edge back), clipped to the grid like the curve.
 * A custom series, because ECharts' stacked areas fill to the axis and break on log axes; the polygon is drawn in data
 * coordinates, so it follows zoom and log/linear axes alike. Off the legend: the caption and screen note name it.
 */
export function rocBandSeries(s: RocSeriesInput, style: FigureStyle, index: number, floor: number | null, gridIndex = 0): CustomSeriesOption | null {
  const band = s.band
  if (!band || band.fpr.length < 2) return null
  const at = (v: number): number => (floor === null ? v : Math.max(v, floor))
  const upper = band.fpr.map((f, g) => [at(f), at(band.hi[g])])
  const lower = band.fpr.map((f, g) => [at(f), at(band.lo[g])]).reverse()
  const polygon = [...upper, ...lower]
  const color = experimentStroke(style.palette, index).color
  return {
    type: 'custom',
    id: `roc-band-${index}`,
    name: `${s.name} band`,
    xAxisIndex: gridIndex,
    yAxisIndex: gridIndex,
    data: [polygon[0]],
    clip: true,
    silent: true,
    z: 2,
    renderItem: (_params, api) => ({ type: 'polygon', shape: { points: polygon.map((p) => api.coord(p)) }, style: { fill: color, opacity: BAND_OPACITY } })
  }
}

/** ROC chart of one or more curves with a shared legend (names + AUC) and the chance line. */
export function rocOption(series: readonly RocSeriesInput[], style: FigureStyle, options: RocChartOptions = {}): EChartsOption {
  const log = (options.scale ?? 'log') === 'log'
  const floor = log ? (options.minRate ?? logAxisFloor(series)) : 0
  const scale = log ? 'log' : 'linear'
  const range = (r: readonly [number, number] | undefined): { min: number; max: number } => (r ? { min: r[0], max: r[1] } : { min: floor, max: 1 })
  const xAxis = axisOf(style, 'False positive rate', scale, range(options.xRange))
  const yAxis = axisOf(style, 'True positive rate', scale, range(options.yRange))
  xAxis.nameGap = style.fontSize.tick * X_NAME_GAP_EM
  yAxis.nameGap = style.fontSize.tick * (log ? 3.2 : 2.8)
  const names = rocLegendNames(series)
  // The lower-right corner is empty under any curve above chance; long or many names go above the plot instead.
  const inside = cornerLegendFits(style, names, figureUnits(style, options.size))
  const grid = singleGrid(style)
  if (!inside) grid.top = Math.max(grid.top, 2 + names.length * legendLineHeight(style) + style.fontSize.legend)
  return {
    ...baseOption(style),
    grid,
    legend: legendOf(style, names, inside ? 'inside-bottom-right' : 'list-above'),
    xAxis,
    yAxis,
    // Bands last in the list (curves keep their indices); z draws them under the curves.
    series: [
      chanceSeries(style, floor),
      ...rocLineSeries(series, style, { ...options, minRate: floor }),
      ...(options.bands === false ? [] : series.flatMap((s, i) => rocBandSeries(s, style, i, log ? floor : null) ?? []))
    ]
  }
}
