// Score histogram option: members and non-members on shared bin edges, overlaid semi-transparent, optional threshold line.
import type { EChartsOption, LineSeriesOption } from 'echarts'
import { formatNumber } from '../format'
import { axisOf, baseOption, legendOf, lineOn, singleGrid, X_NAME_GAP_EM } from './frame'
import type { FigureStyle } from './style'

/** Binned scores per class; `edges` has one more entry than each count array (HistogramSchema). */
export interface HistogramInput {
  edges: readonly number[]
  members: readonly number[]
  nonmembers: readonly number[]
}

/** How to draw a score histogram. */
export interface HistogramChartOptions {
  /** 'fraction' (default): each class sums to 1, so imbalanced classes compare; 'count': raw counts. */
  normalize?: HistogramNormalize
  /** Score of a vertical threshold marker (the renderer's slider); null or absent: none. */
  threshold?: number | null
  /** Axis name of the scores, e.g. "CSA score (cosine similarity)". */
  scoreLabel?: string
}

/**
 * Bar heights: 'fraction' of the class per bin; 'density', fraction per unit score (each class has area 1, so panels with
 * different bin widths share a y axis honestly); 'count', items.
 */
export type HistogramNormalize = 'fraction' | 'density' | 'count'

/** Legend names of the two classes. */
export const CLASS_NAMES = { members: 'Members', nonmembers: 'Non-members' } as const

/** Check that counts fit the edges; a mismatch would silently shift every bar. */
export function checkHistogram(h: HistogramInput): void {
  if (h.edges.length < 2 || h.members.length !== h.edges.length - 1 || h.nonmembers.length !== h.edges.length - 1) {
    throw new RangeError(`Histogram needs n + 1 edges for n bins; got ${h.edges.length} edges, ${h.members.length} and ${h.nonmembers.length} counts.`)
  }
}

/** Step outline of one class: [edge, height] pairs drawn with step 'end', closed down to 0 at both ends. */
export function stepData(edges: readonly number[], counts: readonly number[], normalize: HistogramNormalize): [number, number][] {
  const heights = binHeights(edges, counts, normalize)
  const out: [number, number][] = [[edges[0], 0]]
  heights.forEach((h, i) => out.push([edges[i], h]))
  out.push([edges[edges.length - 1], heights.length > 0 ? heights[heights.length - 1] : 0])
  out.push([edges[edges.length - 1], 0])
  return out
}

/** Height of each bin under `normalize` (an empty class is all zeros). */
export function binHeights(edges: readonly number[], counts: readonly number[], normalize: HistogramNormalize): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  if (normalize === 'count' || total === 0) return counts.map((c) => c)
  if (normalize === 'fraction') return counts.map((c) => c / total)
  return counts.map((c, i) => (edges[i + 1] > edges[i] ? c / total / (edges[i + 1] - edges[i]) : 0))
}

/** The two class series (filled steps) of one histogram panel. */
export function classSeries(h: HistogramInput, style: FigureStyle, normalize: HistogramNormalize, gridIndex = 0): LineSeriesOption[] {
  checkHistogram(h)
  const one = (key: 'members' | 'nonmembers', z: number): LineSeriesOption => ({
    ...lineOn(gridIndex, key, CLASS_NAMES[key]),
    step: 'end',
    data: stepData(h.edges, h[key], normalize),
    showSymbol: false,
    z,
    color: style.classColors[key],
    lineStyle: { width: style.thinLineWidth * 1.5, color: style.classColors[key] },
    areaStyle: { color: style.classColors[key], opacity: style.areaOpacity }
  })
  return [one('nonmembers', 2), one('members', 3)]
}

/** A vertical dashed marker at `threshold` on grid `gridIndex`, labelled with its value. */
export function thresholdSeries(threshold: number, style: FigureStyle, gridIndex = 0): LineSeriesOption {
  return {
    ...lineOn(gridIndex, 'threshold', 'Threshold'),
    data: [],
    silent: true,
    markLine: {
      symbol: 'none',
      silent: true,
      animation: style.interactive,
      lineStyle: { color: style.textColor, width: style.thinLineWidth * 1.5, type: 'dashed' },
      // Inside the plot along the line, clear of the legend and panel titles above it.
      label: { formatter: `τ = ${formatNumber(threshold)}`, position: 'insideEndTop', fontSize: style.fontSize.label, fontFamily: style.fontFamily, color: style.textColor },
      data: [{ xAxis: threshold }]
    }
  }
}

/** Score (x) axis spanning the outer bin edges; their odd end values get no tick label. */
export function scoreAxis(style: FigureStyle, h: HistogramInput, name: string, gridIndex = 0, range?: { min: number; max: number }): ReturnType<typeof axisOf> {
  const axis = axisOf(style, name, 'linear', range ?? { min: h.edges[0], max: h.edges[h.edges.length - 1] }, gridIndex)
  axis.axisLabel = { ...axis.axisLabel, showMinLabel: false, showMaxLabel: false }
  axis.nameGap = style.fontSize.tick * X_NAME_GAP_EM
  return axis
}

const COUNT_AXIS_NAMES: Record<HistogramNormalize, string> = { fraction: 'Fraction of class', density: 'Density (fraction per unit score)', count: 'Items' }

/** Count (y) axis of a histogram panel; `named` false leaves inner panels unlabelled. */
export function countAxis(style: FigureStyle, normalize: HistogramNormalize, gridIndex = 0, named = true, max?: number): ReturnType<typeof axisOf> {
  const axis = axisOf(style, named ? COUNT_AXIS_NAMES[normalize] : '', 'linear', max === undefined ? { min: 0 } : { min: 0, max }, gridIndex)
  axis.nameGap = style.fontSize.tick * 3.4
  return axis
}

/** Member vs non-member score histogram with a legend and an optional threshold marker. */
export function histogramOption(h: HistogramInput, style: FigureStyle, options: HistogramChartOptions = {}): EChartsOption {
  const normalize = options.normalize ?? 'fraction'
  const series: LineSeriesOption[] = classSeries(h, style, normalize)
  if (options.threshold !== undefined && options.threshold !== null) series.push(thresholdSeries(options.threshold, style))
  return {
    ...baseOption(style),
    grid: singleGrid(style),
    legend: legendOf(style, [CLASS_NAMES.members, CLASS_NAMES.nonmembers], 'top', 'box'),
    xAxis: scoreAxis(style, h, options.scoreLabel ?? 'Score'),
    yAxis: countAxis(style, normalize),
    series
  }
}
