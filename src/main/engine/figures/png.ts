// SVG → PNG with resvg, text drawn with the bundled font only (no system fonts, so every machine draws the same).
import { Resvg } from '@resvg/resvg-js'
import { FONT_FAMILY } from './fonts'

/** Raster `svg` to a PNG `widthPx` pixels wide (height follows the aspect ratio) on a white background. */
export function svgToPng(svg: string, widthPx: number, fontFile: string): Buffer {
  if (!Number.isInteger(widthPx) || widthPx < 1) throw new RangeError(`PNG width must be a positive whole number of pixels; got ${widthPx}.`)
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: widthPx },
    background: '#ffffff',
    font: { fontFiles: [fontFile], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY }
  })
  return resvg.render().asPng()
}
