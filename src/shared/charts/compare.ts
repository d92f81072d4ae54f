// Comparison figures: overlaid ROC curves of several experiments, and their score histograms side by side.
import type { EChartsOption, LineSeriesOption, TitleComponentOption } from 'echarts'
import { baseOption, figureUnits, legendOf, panelGrid, type FigureSize, type PanelBox } from './frame'
import { binHeights, CLASS_NAMES, classSeries, countAxis, scoreAxis, thresholdSeries, type HistogramChartOptions, type HistogramInput, type HistogramNormalize } from './histogram'
import { experimentStroke } from './palette'
import { rocOption, type RocChartOptions, type RocSeriesInput } from './roc'
import type { FigureStyle } from './style'

/** One panel of a side-by-side histogram figure. */
export interface HistogramPanelInput {
  /** Panel title (experiment name). */
  name: string
  histogram: HistogramInput
  /** Threshold marker of this panel, if any. */
  threshold?: number | null
}

/** Layout of histogram panels. */
export interface HistogramPanelsOptions extends Omit<HistogramChartOptions, 'threshold'> {
  /** Panels per row; default all in one row up to 3, else a near-square grid. */
  columns?: number
  /** Screen box (px) the panels are laid out in; print styles use their own size. */
  size?: FigureSize
  /**
   * One score axis for every panel (default true); false when the experiments score on different scales (different
   * attacks), where a shared axis would squash some panels to a line. The y axis is always shared.
   */
  sharedX?: boolean
}

/** Bins of different widths on one x axis compare as densities; equal bins as fractions (the single-figure default). */
export function panelNormalize(panels: readonly HistogramPanelInput[], sharedX: boolean): HistogramNormalize {
  const width = (h: HistogramInput): number => (h.edges[h.edges.length - 1] - h.edges[0]) / (h.edges.length - 1)
  const w0 = width(panels[0].histogram)
  return sharedX && panels.some((p) => Math.abs(width(p.histogram) - w0) > 1e-6 * Math.abs(w0)) ? 'density' : 'fraction'
}

/** Smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) ≥ v, so a shared axis ends on a round tick. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  const m = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((x) => x * p >= v * (1 - 1e-12)) ?? 10
  return m * p
}

/** Overlaid ROC curves of two or more experiments with one shared legend (no bands unless asked: several overlap into mud). */
export function compareRocOption(series: readonly RocSeriesInput[], style: FigureStyle, options: RocChartOptions = {}): EChartsOption {
  if (series.length < 2) throw new RangeError(`A comparison needs at least two experiments; got ${series.length}.`)
  return rocOption(series, style, { bands: false, ...options })
}

/** Default panels per row: one row up to three panels, else about square. */
export function defaultColumns(count: number): number {
  return count <= 3 ? count : Math.ceil(Math.sqrt(count))
}

/** Screen height of one row of histogram panels (px): 5 experiments (2 rows of 3) keep ~165 px of plot each. */
export const PANEL_ROW_HEIGHT_PX = 280

/** Screen height (px) of `count` histogram panels in the default grid: it grows by rows, so no panel gets squashed. */
export function panelsHeight(count: number): number {
  return PANEL_ROW_HEIGHT_PX * Math.ceil(count / Math.max(1, defaultColumns(count)))
}

/** A panel title in its experiment's colour: the same colour as the experiment's ROC curve and Venn circle. */
function panelTitle(name: string, box: PanelBox, style: FigureStyle, size: FigureSize, index: number): TitleComponentOption {
  // Shared code has no font metrics: ~0.6 em a character. Centred over the plot, a title may overhang it by the right
  // padding on each side (the last panel's edge is the figure's); longer names are cut so titles never overlap.
  const maxChars = Math.max(6, Math.floor(((parseFloat(box.width) / 100) * size.width + 2 * style.padding.right) / (style.fontSize.title * 0.6)))
  const text = name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name
  // Centred over its plot: ECharts titles align by left edge, so anchor at the panel centre with textAlign.
  const centre = `${(parseFloat(box.left) + parseFloat(box.width) / 2).toFixed(3)}%`
  return {
    id: `panel-title-${index}`,
    text,
    left: centre,
    top: `${(parseFloat(box.top) - (100 * style.fontSize.title * 1.6) / size.height).toFixed(3)}%`,
    textAlign: 'center',
    textStyle: { fontSize: style.fontSize.title, fontWeight: 'bold', fontFamily: style.fontFamily, color: experimentStroke(style.palette, index).color }
  }
}

/** Score histograms of several experiments side by side, one panel each on shared axes, one shared class legend. */
export function histogramPanelsOption(panels: readonly HistogramPanelInput[], style: FigureStyle, options: HistogramPanelsOptions = {}): EChartsOption {
  if (panels.length === 0) throw new RangeError('No histogram panels to draw.')
  const sharedX = options.sharedX ?? true
  const normalize = options.normalize ?? panelNormalize(panels, sharedX)
  const xRange = sharedX ? { min: Math.min(...panels.map((p) => p.histogram.edges[0])), max: Math.max(...panels.map((p) => p.histogram.edges[p.histogram.edges.length - 1])) } : undefined
  const yMax = niceCeil(Math.max(...panels.flatMap((p) => [...binHeights(p.histogram.edges, p.histogram.members, normalize), ...binHeights(p.histogram.edges, p.histogram.nonmembers, normalize)])))
  const columns = Math.min(options.columns ?? defaultColumns(panels.length), panels.length)
  const size = figureUnits(style, options.size)
  // Titles need room above every panel, on top of the legend row.
  const padded: FigureStyle = { ...style, padding: { ...style.padding, top: style.padding.top + style.fontSize.title * 1.4 } }
  const boxes = panelGrid(panels.length, columns, padded, size)
  const series: LineSeriesOption[] = []
  panels.forEach((p, i) => {
    series.push(...classSeries(p.histogram, style, normalize, i))
    if (p.threshold !== undefined && p.threshold !== null) series.push(thresholdSeries(p.threshold, style, i))
  })
  return {
    ...baseOption(style),
    title: panels.map((p, i) => panelTitle(p.name, boxes[i], style, size, i)),
    grid: boxes.map((b) => ({ ...b })),
    legend: legendOf(style, [CLASS_NAMES.members, CLASS_NAMES.nonmembers], 'top', 'box'),
    xAxis: panels.map((p, i) => scoreAxis(style, p.histogram, options.scoreLabel ?? 'Score', i, xRange)),
    yAxis: panels.map((_, i) => countAxis(style, normalize, i, i % columns === 0, yMax)),
    series
  }
}
