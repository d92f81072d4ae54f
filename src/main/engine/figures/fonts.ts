// The bundled export font: where it lives, its bytes, and text widths measured with its metrics.
import fs from 'node:fs'
import path from 'node:path'
import PDFDocument from 'pdfkit'
import { EXPORT_FONT_FAMILY } from '../../../shared/charts/style'
import { REPO_ROOT } from '../config'

/** File name of the bundled font under resources/fonts (DejaVu Sans, Bitstream Vera licence; see LICENSE-DejaVuSans.txt). */
export const EXPORT_FONT_FILE_NAME = 'DejaVuSans.ttf'

/** The bundled font inside a resources folder (the app's, or the repository's when running from source). */
export function exportFontFile(resourcesDir = path.join(REPO_ROOT, 'resources')): string {
  return path.join(resourcesDir, 'fonts', EXPORT_FONT_FILE_NAME)
}

const bytesCache = new Map<string, Buffer>()

/** The font's bytes, read once per file. */
export function fontBytes(file: string): Buffer {
  let bytes = bytesCache.get(file)
  if (!bytes) {
    bytes = fs.readFileSync(file)
    bytesCache.set(file, bytes)
  }
  return bytes
}

/** Family name the SVG uses for the bundled font; PDF and PNG map it to the font file. */
export const FONT_FAMILY = EXPORT_FONT_FAMILY

const FONT_SIZE = /(\d+(?:\.\d+)?)px/

/**
 * A text-width function with the font's real advance widths, for ECharts' server-side layout.
 * Without it ECharts guesses widths, and legends and labels would be spaced for a font that is not drawn.
 */
export function fontMeasurer(file: string): (text: string, font?: string) => { width: number } {
  // pdfkit reads the font through fontkit; a document that is never ended writes nothing.
  const doc = new PDFDocument({ autoFirstPage: false })
  doc.registerFont(FONT_FAMILY, fontBytes(file))
  doc.font(FONT_FAMILY)
  return (text, font) => {
    const size = Number(FONT_SIZE.exec(font ?? '')?.[1] ?? 12)
    return { width: doc.fontSize(size).widthOfString(text) }
  }
}
