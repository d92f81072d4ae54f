// Types of svg-to-pdfkit (the package ships none): the one function and the options export uses.
declare module 'svg-to-pdfkit' {
  /** Options of SVGtoPDF; sizes in PDF points when assumePt is true. */
  interface SvgToPdfOptions {
    width?: number
    height?: number
    assumePt?: boolean
    preserveAspectRatio?: string
    precision?: number
    fontCallback?: (family: string, bold: boolean, italic: boolean, fontOptions: { fauxBold?: boolean; fauxItalic?: boolean }) => string
    warningCallback?: (message: string) => void
  }
  /** Draw an SVG document (string) into a pdfkit document at (x, y). */
  export default function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x?: number, y?: number, options?: SvgToPdfOptions): void
}
