// renderFigure: a chart option, or a figure kind over experiments, → SVG, PDF or PNG bytes at a paper size.
import type { EChartsOption } from 'echarts'
import { defaultColumns } from '../../../shared/charts/compare'
import { figureOption, type FigureKindName, type FigureOptions } from '../../../shared/charts/figures'
import { paperStyle } from '../../../shared/charts/style'
import type { ExperimentView } from '../../../shared/contract/experiments'
import { exportFontFile } from './fonts'
import { svgToPdf } from './pdf'
import { svgToPng } from './png'
import { optionToSvg, withPhysicalSize, type FigureInches } from './svg'

/** What to draw: a ready option (built with a paper style of the same width), or a kind over experiments. */
export type FigureSource = { option: EChartsOption } | { kind: FigureKindName; views: readonly ExperimentView[]; options?: FigureOptions }

/** A figure to render and how. */
export type RenderFigureInput = FigureSource & {
  format: 'svg' | 'pdf' | 'png'
  /** Width in inches: 3.3 (one column), 6.9 (two columns) or any positive value. */
  widthIn: number
  /** Height in inches; default from the paper style, one style height per row of histogram panels. */
  heightIn?: number
  /** PNG resolution; the PNG is round(widthIn × dpi) pixels wide (default 300). */
  dpi?: number
  /** The font to lay out, embed and raster text with (default: the bundled DejaVu Sans). */
  fontFile?: string
  /** PDF document title. */
  title?: string
}

/** Default height: the paper style's, times the rows of a multi-panel histogram figure (at most 9 in). */
export function defaultHeightIn(source: FigureSource, widthIn: number): number {
  const base = paperStyle(widthIn).heightIn as number
  if (!('kind' in source) || source.kind !== 'hist' || source.views.length <= 1) return base
  const rows = Math.ceil(source.views.length / defaultColumns(source.views.length))
  return Math.min(base * rows, 9)
}

/** The figure's size and option: views are drawn with the paper style of that size. */
export function resolveFigure(input: RenderFigureInput): { size: FigureInches; option: EChartsOption } {
  const size = { widthIn: input.widthIn, heightIn: input.heightIn ?? defaultHeightIn(input, input.widthIn) }
  if ('option' in input) return { size, option: input.option }
  const style = paperStyle(size.widthIn, size.heightIn)
  return { size, option: figureOption(input.kind, input.views, style, input.options) }
}

/** Render a figure to SVG (text), PDF (one page the size of the figure, font embedded) or PNG (widthIn × dpi pixels wide). */
export async function renderFigure(input: RenderFigureInput): Promise<Buffer> {
  const fontFile = input.fontFile ?? exportFontFile()
  const { size, option } = resolveFigure(input)
  const svg = optionToSvg(option, size, fontFile)
  if (input.format === 'svg') return Buffer.from(withPhysicalSize(svg, size), 'utf8')
  if (input.format === 'pdf') return svgToPdf(svg, size, fontFile, { title: input.title })
  const dpi = input.dpi ?? 300
  if (!(dpi > 0)) throw new RangeError(`dpi must be positive; got ${dpi}.`)
  return svgToPng(svg, Math.round(size.widthIn * dpi), fontFile)
}
