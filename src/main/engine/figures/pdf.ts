// SVG → one-page PDF whose page is the figure, with the bundled font embedded (subset, TrueType).
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { POINTS_PER_INCH } from '../../../shared/charts/style'
import { FONT_FAMILY, fontBytes } from './fonts'
import type { FigureInches } from './svg'

/** Document metadata written into the PDF. */
export interface PdfInfo {
  title?: string
  /** Fixed creation date keeps the bytes reproducible; default now. */
  creationDate?: Date
}

/** Draw `svg` onto a single page of exactly the figure's size and return the PDF bytes. */
export function svgToPdf(svg: string, size: FigureInches, fontFile: string, info: PdfInfo = {}): Promise<Buffer> {
  const width = size.widthIn * POINTS_PER_INCH
  const height = size.heightIn * POINTS_PER_INCH
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { Title: info.title ?? 'MIA Workbench figure', Producer: 'MIA Workbench', CreationDate: info.creationDate ?? new Date() }
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont(FONT_FAMILY, fontBytes(fontFile))
  SVGtoPDF(doc, svg, 0, 0, {
    width,
    height,
    assumePt: true,
    // Every text of our charts is in the bundled family; mapping all of them to it keeps standard-14 fonts out.
    fontCallback: (_family, bold, _italic, fontOptions) => {
      if (bold) fontOptions.fauxBold = true
      return FONT_FAMILY
    }
  })
  doc.end()
  return done
}
