// Comparison figures: overlaid ROC curves of several experiments, and their score histograms side by side.
import type { EChartsOption, LineSeriesOption, TitleComponentOption } from 'echarts'
import { baseOption, figureUnits, legendOf, panelGrid, type FigureSize, type PanelBox } from './frame'
import { CLASS_NAMES, classSeries, countAxis, scoreAxis, thresholdSeries, type HistogramChartOptions, type HistogramInput } from './histogram'
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

function panelTitle(name: string, box: PanelBox, style: FigureStyle, figureHeight: number, index: number): TitleComponentOption {
  // Centred over its plot: ECharts titles align by left edge, so anchor at the panel centre with textAlign.
  const centre = `${(parseFloat(box.left) + parseFloat(box.width) / 2).toFixed(3)}%`
  return {
    id: `panel-title-${index}`,
    text: name,
    left: centre,
    top: `${(parseFloat(box.top) - (100 * style.fontSize.title * 1.6) / figureHeight).toFixed(3)}%`,
    textAlign: 'center',
    textStyle: { fontSize: style.fontSize.title, fontWeight: 'normal', fontFamily: style.fontFamily, color: style.textColor }
  }
}

/** Score histograms of several experiments side by side, one panel each, one shared class legend. */
export function histogramPanelsOption(panels: readonly HistogramPanelInput[], style: FigureStyle, options: HistogramPanelsOptions = {}): EChartsOption {
  if (panels.length === 0) throw new RangeError('No histogram panels to draw.')
  const normalize = options.normalize ?? 'fraction'
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
    title: panels.map((p, i) => panelTitle(p.name, boxes[i], style, size.height, i)),
    grid: boxes.map((b) => ({ ...b })),
    legend: legendOf(style, [CLASS_NAMES.members, CLASS_NAMES.nonmembers], 'top', 'box'),
    xAxis: panels.map((p, i) => scoreAxis(style, p.histogram, options.scoreLabel ?? 'Score', i)),
    yAxis: panels.map((_, i) => countAxis(style, normalize, i, i % columns === 0)),
    series
  }
}
