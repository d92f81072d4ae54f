// Figure styles: the app's screen style and print styles for one- and two-column paper layouts.
import { checkPalette, CLASS_COLORS, EXPERIMENT_COLORS, experimentStroke } from './palette'

export { OKABE_ITO } from './palette'

/** Points per inch: print styles lay a chart out at 72 units per inch, so every size below is in pt. */
export const POINTS_PER_INCH = 72

/** Column widths of common two-column paper templates (inches). */
export const PAPER_WIDTHS_IN = { oneColumn: 3.3, twoColumn: 6.9 } as const

/** Everything a chart builder needs to know about how to draw; sizes in chart units (px on screen, pt in print). */
export interface FigureStyle {
  /** 'screen' for the app, 'paper' for export. */
  medium: 'screen' | 'paper'
  /** Width of the figure in inches (paper); null on screen, where the container decides. */
  widthIn: number | null
  /** Default height in inches (paper); null on screen. */
  heightIn: number | null
  /** CSS family list, unquoted: ECharts' SSR writes it into a double-quoted style attribute as is. */
  fontFamily: string
  fontSize: { tick: number; axisName: number; legend: number; title: number; label: number }
  lineWidth: number
  /** Width of the thin lines: chance diagonal, axes, threshold marker. */
  thinLineWidth: number
  /** Experiment colours (palette.ts): never a class colour. */
  palette: readonly string[]
  /** Members / non-members colours of score histograms and agreement bars (palette.ts): never an experiment colour. */
  classColors: { members: string; nonmembers: string }
  /** Fill opacity of overlaid histograms. */
  areaOpacity: number
  textColor: string
  axisColor: string
  gridLineColor: string
  /** Space around each plot area (chart units). */
  padding: { left: number; right: number; top: number; bottom: number }
  /** Animations and tooltips belong on screen only; export renders one static frame. */
  interactive: boolean
}

/** The font bundled under resources/fonts and embedded in PDF/PNG export. */
export const EXPORT_FONT_FAMILY = 'DejaVu Sans'

const classColors = CLASS_COLORS

/** Screen style for the app's charts (px units, animated, tooltips). */
export const SCREEN_STYLE: FigureStyle = {
  medium: 'screen',
  widthIn: null,
  heightIn: null,
  fontFamily: `system-ui, -apple-system, Segoe UI, ${EXPORT_FONT_FAMILY}, sans-serif`,
  fontSize: { tick: 11, axisName: 12, legend: 12, title: 14, label: 11 },
  lineWidth: 2,
  thinLineWidth: 1,
  palette: EXPERIMENT_COLORS,
  classColors,
  areaOpacity: 0.35,
  textColor: '#333333',
  axisColor: '#666666',
  gridLineColor: '#e6e6e6',
  padding: { left: 64, right: 24, top: 40, bottom: 52 },
  interactive: true
}

/**
 * Print style for a figure `widthIn` inches wide: 7–8 pt text (legible at column width), thin lines,
 * no animation. Height defaults to 0.75 of the width, at most 3 in (a two-column figure is a strip).
 */
export function paperStyle(widthIn: number, heightIn?: number): FigureStyle {
  if (!(widthIn > 0)) throw new RangeError(`Figure width must be positive; got ${widthIn} in.`)
  checkPalette(EXPERIMENT_COLORS, classColors)
  return {
    medium: 'paper',
    widthIn,
    heightIn: heightIn ?? Math.min(0.75 * widthIn, 3),
    fontFamily: `${EXPORT_FONT_FAMILY}, sans-serif`,
    fontSize: { tick: 7, axisName: 8, legend: 7, title: 8, label: 6.5 },
    lineWidth: 1.2,
    thinLineWidth: 0.6,
    palette: EXPERIMENT_COLORS,
    classColors,
    areaOpacity: 0.4,
    textColor: '#000000',
    axisColor: '#333333',
    gridLineColor: '#e0e0e0',
    padding: { left: 38, right: 8, top: 22, bottom: 30 },
    interactive: false
  }
}

/** One-column print style (3.3 in wide). */
export const ONE_COLUMN_STYLE: FigureStyle = paperStyle(PAPER_WIDTHS_IN.oneColumn)

/** Two-column print style (6.9 in wide). */
export const TWO_COLUMN_STYLE: FigureStyle = paperStyle(PAPER_WIDTHS_IN.twoColumn)

/** Base text style of every chart in this style. */
export function textStyleOf(style: FigureStyle): { fontFamily: string; fontSize: number; color: string } {
  return { fontFamily: style.fontFamily, fontSize: style.fontSize.tick, color: style.textColor }
}

/** Colour of experiment `index` (the palette wraps; experimentStroke adds a dash so wrapped ones still differ). */
export function colorAt(style: FigureStyle, index: number): string {
  return experimentStroke(style.palette, index).color
}
