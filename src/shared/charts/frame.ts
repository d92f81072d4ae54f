// The parts every chart shares: base option, axes (linear and log), legend and the panel grid layout.
import type { EChartsOption, LegendComponentOption, LineSeriesOption, XAXisComponentOption, YAXisComponentOption } from 'echarts'
import { POINTS_PER_INCH, textStyleOf, type FigureStyle } from './style'

/** One plot area of a figure, in percent of the figure (so panels scale with any size). */
export interface PanelBox {
  left: string
  top: string
  width: string
  height: string
}

type AxisOption = XAXisComponentOption & YAXisComponentOption

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' }

/**
 * Tick label of a log axis: 1 → "1", 0.1 → "10⁻¹", 0.001 → "10⁻³". Off-decade ticks (the axis floor 1/n, e.g.
 * 1/896) get two significant digits: 0.5 → "0.5", 0.0011160… → "1.1×10⁻³".
 */
export function decadeLabel(value: number): string {
  if (value === 1) return '1'
  const sup = (n: number): string => String(n).replace(/./g, (ch) => SUPERSCRIPT[ch] ?? ch)
  const exponent = Math.round(Math.log10(value))
  if (Math.abs(value - 10 ** exponent) <= 1e-9 * value) return `10${sup(exponent)}`
  if (value >= 0.01) return String(Number(value.toPrecision(2)))
  const e = Math.floor(Math.log10(value))
  const mantissa = Number((value / 10 ** e).toPrecision(2))
  // Rounding can carry into the next decade (9.96e-4 → 10×10⁻⁴).
  return mantissa >= 10 ? `10${sup(e + 1)}` : `${mantissa}×10${sup(e)}`
}

/** The identity of a line series drawn on the axes of grid `gridIndex` (every series here is a line). */
export function lineOn(gridIndex: number, id: string, name: string): LineSeriesOption {
  return { id: `${id}-${gridIndex}`, name, type: 'line', xAxisIndex: gridIndex, yAxisIndex: gridIndex }
}

/** Option parts common to every chart of this style: font, colours, background, animation. */
export function baseOption(style: FigureStyle): EChartsOption {
  const option: EChartsOption = {
    animation: style.interactive,
    backgroundColor: style.medium === 'paper' ? '#ffffff' : 'transparent',
    textStyle: textStyleOf(style),
    color: [...style.palette]
  }
  if (style.interactive) option.tooltip = { trigger: 'item', confine: true }
  return option
}

/** A value or log axis with a centred name, styled for the medium. */
export function axisOf(style: FigureStyle, name: string, scale: 'linear' | 'log', range: { min?: number; max?: number }, gridIndex = 0): AxisOption {
  const line = { lineStyle: { color: style.axisColor, width: style.thinLineWidth } }
  const tickLength = style.fontSize.tick * 0.4
  const axis: AxisOption = {
    type: scale === 'log' ? 'log' : 'value',
    gridIndex,
    name,
    nameLocation: 'middle',
    nameTextStyle: { fontSize: style.fontSize.axisName, fontFamily: style.fontFamily, color: style.textColor },
    axisLine: { show: true, onZero: false, ...line },
    axisTick: { show: true, length: tickLength, ...line },
    axisLabel: { fontSize: style.fontSize.tick, fontFamily: style.fontFamily, color: style.textColor, hideOverlap: true, margin: tickLength + style.fontSize.tick * 0.3 },
    splitLine: { show: true, lineStyle: { color: style.gridLineColor, width: style.thinLineWidth } },
    ...range
  }
  if (scale === 'log') Object.assign(axis, { logBase: 10, axisLabel: { ...axis.axisLabel, formatter: decadeLabel } })
  return axis
}

/** Where a legend goes: inside the plot's lower-right corner, in one row along the top, or as a list above the plot. */
export type LegendPlace = 'inside-bottom-right' | 'top' | 'list-above'

/** Gap between an x axis and its name that clears the tick labels (label margin 0.7 em + one line), in em. */
export const X_NAME_GAP_EM = 2.3

/** Height of one legend line in chart units. */
export function legendLineHeight(style: FigureStyle): number {
  return style.fontSize.legend * 1.5
}

/**
 * Whether a vertical legend fits the plot's lower-right corner. Shared code has no font metrics, so text is
 * estimated at 0.55 em a character (DejaVu Sans' average), which only has to be good enough to choose a layout.
 */
export function cornerLegendFits(style: FigureStyle, names: readonly string[], size: FigureSize): boolean {
  const plotWidth = size.width - style.padding.left - style.padding.right
  const plotHeight = size.height - style.padding.top - style.padding.bottom
  const width = Math.max(0, ...names.map((n) => n.length * style.fontSize.legend * 0.55)) + style.fontSize.legend * 3
  return width <= 0.85 * plotWidth && names.length * legendLineHeight(style) <= 0.45 * plotHeight
}

/** Legend over the given series names at `place`; 'box' icons for filled areas. */
export function legendOf(style: FigureStyle, names: string[], place: LegendPlace, icon: 'line' | 'box' = 'line'): LegendComponentOption {
  const common: LegendComponentOption = {
    data: names,
    ...(icon === 'box' ? { icon: 'rect' } : {}),
    textStyle: { fontSize: style.fontSize.legend, fontFamily: style.fontFamily, color: style.textColor },
    itemWidth: style.fontSize.legend * 1.8,
    itemHeight: style.fontSize.legend * 0.7,
    itemGap: style.fontSize.legend * 0.8,
    selectedMode: style.interactive
  }
  if (place === 'top') return { ...common, top: 2, left: 'center', orient: 'horizontal' }
  // Flush left: long names get the whole figure width rather than the plot's.
  if (place === 'list-above') return { ...common, top: 2, left: 4, orient: 'vertical', itemGap: legendLineHeight(style) - style.fontSize.legend, padding: 0 }
  return {
    ...common,
    orient: 'vertical',
    right: style.padding.right + 4,
    bottom: style.padding.bottom + 4,
    backgroundColor: 'rgba(255,255,255,0.85)',
    padding: style.fontSize.legend * 0.4
  }
}

/** Grid boxes for `count` panels in `columns` columns, leaving the style's padding around each one. */
export function panelGrid(count: number, columns: number, style: FigureStyle, figure: FigureSize): PanelBox[] {
  const rows = Math.ceil(count / columns)
  const cellW = figure.width / columns
  const cellH = figure.height / rows
  const pct = (v: number, of: number): string => `${((100 * v) / of).toFixed(3)}%`
  const { left, right, top, bottom } = style.padding
  return Array.from({ length: count }, (_, i) => {
    const col = i % columns
    const row = Math.floor(i / columns)
    return {
      left: pct(col * cellW + left, figure.width),
      top: pct(row * cellH + top, figure.height),
      width: pct(Math.max(cellW - left - right, 1), figure.width),
      height: pct(Math.max(cellH - top - bottom, 1), figure.height)
    }
  })
}

/** Size of a figure in chart units. */
export interface FigureSize {
  width: number
  height: number
}

/** Figure size in chart units: paper styles at 72 units per inch; on screen the given box, else 640 × 420 px. */
export function figureUnits(style: FigureStyle, screen?: FigureSize): FigureSize {
  if (style.widthIn === null || style.heightIn === null) return screen ?? { width: 640, height: 420 }
  return { width: style.widthIn * POINTS_PER_INCH, height: style.heightIn * POINTS_PER_INCH }
}

/** Grid of a single-panel chart: the style's padding, in chart units. */
export function singleGrid(style: FigureStyle): { left: number; right: number; top: number; bottom: number } {
  return { ...style.padding }
}
