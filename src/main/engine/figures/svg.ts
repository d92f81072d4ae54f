// ECharts server-side rendering of a chart option to an SVG document sized in inches.
import { createRequire } from 'node:module'
import type * as Echarts from 'echarts'
import type { EChartsOption } from 'echarts'
import { POINTS_PER_INCH } from '../../../shared/charts/style'
import { fontMeasurer } from './fonts'

/** Physical size of a figure. */
export interface FigureInches {
  widthIn: number
  heightIn: number
}

let measuredWith: string | null = null
let loaded: typeof Echarts | undefined

/** ECharts, loaded on first use: it takes a second or more to load, and only exports need it (CLI start-up, issue 9 soak). */
function echarts(): typeof Echarts {
  return (loaded ??= createRequire(import.meta.url)('echarts') as typeof Echarts)
}

/** Point ECharts' text layout at the export font's metrics (process-wide; only export renders charts in Node). */
function useFontMetrics(fontFile: string): void {
  if (measuredWith === fontFile) return
  echarts().setPlatformAPI({ measureText: fontMeasurer(fontFile) })
  measuredWith = fontFile
}

/** Give the root element a physical size (in) over the pt-unit viewBox, so 7 pt text prints at 7 pt. */
export function withPhysicalSize(svg: string, size: FigureInches): string {
  const round = (v: number): string => String(Number(v.toFixed(4)))
  return svg.replace(/^<svg\b([^>]*?)\swidth="[^"]*"\sheight="[^"]*"/, (_match, before: string) => {
    return `<svg${before} width="${round(size.widthIn)}in" height="${round(size.heightIn)}in"`
  })
}

/**
 * Render `option` with ECharts' SSR SVG renderer at 72 units per inch (chart units are points),
 * animation off, and return the SVG text with unit-less sizes (read as pt by the PDF step).
 * `fontFile` supplies the metrics text is laid out with.
 */
export function optionToSvg(option: EChartsOption, size: FigureInches, fontFile: string): string {
  if (!(size.widthIn > 0 && size.heightIn > 0)) throw new RangeError(`Figure size must be positive; got ${size.widthIn} × ${size.heightIn} in.`)
  useFontMetrics(fontFile)
  const chart = echarts().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.widthIn * POINTS_PER_INCH,
    height: size.heightIn * POINTS_PER_INCH
  })
  try {
    chart.setOption({ ...option, animation: false })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
