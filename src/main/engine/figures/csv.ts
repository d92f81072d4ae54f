// CSV writing: RFC 4180 quoting, spreadsheet formula-injection neutralisation, and the per-item scores file.
import { formatNumber } from '../../../shared/format'

/** A cell value; null and undefined write an empty cell. */
export type CsvValue = string | number | boolean | null | undefined

/** A plain number as text, e.g. "-0.5" or "1e-7": spreadsheets read it as a number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** Leading characters a spreadsheet may treat as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/

/** Neutralise a text cell that a spreadsheet would run as a formula: prefix an apostrophe, unless it is a plain number. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text
}

/** One CSV field: numbers as written, text neutralised, quoted when it holds a comma, quote, CR or LF (RFC 4180). */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = neutraliseFormula(String(value))
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV record terminated by CRLF, as RFC 4180 writes it. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

/** A whole CSV document: header then rows. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map(csvRecord).join('')
}

/** A number for CSV with `digits` decimals, or an empty cell when missing (a blank parses as missing, "n/a" as text). */
export function csvNumber(value: number | null | undefined, digits = 6): string | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : formatNumber(value, digits)
}

/** One scored item of an experiment. */
export interface ScoreRow {
  id: string
  caption: string
  membership: 'member' | 'nonmember' | 'unknown' | string
  role: string
  score: number
}

/** Header of the per-item scores CSV; `score,label` (+ `id`) is what `mia metrics --scores` reads back. */
export const SCORES_CSV_HEADER = ['id', 'score', 'label', 'membership', 'role', 'caption'] as const

function labelOf(membership: string): 1 | 0 | 'unknown' {
  if (membership === 'member') return 1
  if (membership === 'nonmember') return 0
  return 'unknown'
}

/**
 * Per-item scores: label 1/0 for member/non-member and "unknown" otherwise (the metrics parser skips those),
 * scores at full precision so re-evaluating the file reproduces the experiment's metrics exactly.
 */
export function scoresCsv(rows: readonly ScoreRow[]): string {
  return csvDocument(
    SCORES_CSV_HEADER,
    rows.map((r) => [r.id, r.score, labelOf(r.membership), r.membership, r.role, r.caption])
  )
}
