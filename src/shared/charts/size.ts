// Figure sizes as a researcher writes them: "8.5cm", "85mm", "240pt", "3.3in", or a paper-layout preset.
import { WorkbenchError } from '../contract/errors'
import { PAPER_WIDTHS_IN, POINTS_PER_INCH } from './style'

/** Inches per unit; pt is the PostScript/PDF point (1/72 in), as LaTeX's `bp` and every PDF MediaBox. */
export const INCHES_PER_UNIT = { in: 1, cm: 1 / 2.54, mm: 1 / 25.4, pt: 1 / POINTS_PER_INCH } as const
export type LengthUnit = keyof typeof INCHES_PER_UNIT

/** Named widths: the column widths of common two-column paper templates (style.ts PAPER_WIDTHS_IN). */
export const WIDTH_PRESETS: Readonly<Record<string, number>> = {
  'one-column': PAPER_WIDTHS_IN.oneColumn,
  column: PAPER_WIDTHS_IN.oneColumn,
  'two-column': PAPER_WIDTHS_IN.twoColumn,
  page: PAPER_WIDTHS_IN.twoColumn
}

const LENGTH = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*$/i

/** A length (number and unit in/cm/mm/pt, or a preset name) in inches; anything else is refused with the accepted forms. */
export function parseLength(text: string, what = 'width'): number {
  const preset = WIDTH_PRESETS[text.trim().toLowerCase()]
  if (preset !== undefined) return preset
  const m = LENGTH.exec(text)
  const unit = m?.[2].toLowerCase() ?? ''
  const hint = `Write a number with its unit — in, cm, mm or pt (e.g. 8.5cm, 85mm, 240pt, 3.3in) — or a preset: ${Object.keys(WIDTH_PRESETS).join(', ')}.`
  if (!m || !(unit in INCHES_PER_UNIT)) {
    const why = m && unit === '' ? 'has no unit' : m ? `has the unit "${m[2]}", which is not in, cm, mm or pt` : 'is not a length'
    throw new WorkbenchError({ code: 'invalid-input', item: text, message: `The ${what} "${text}" ${why}.`, hint })
  }
  const inches = Number(m[1]) * INCHES_PER_UNIT[unit as LengthUnit]
  if (!(inches > 0)) throw new WorkbenchError({ code: 'invalid-input', item: text, message: `The ${what} "${text}" is not positive.`, hint })
  return inches
}
