// Parser of score CSV files for `mia metrics --scores`: header score,label (+ optional id), any order.
import { WorkbenchError } from '../../../shared/contract/errors'
import { csvTextRows, type CsvRow } from '../csv'

/** Parsed scores, ready for evaluateScores; rows labelled "unknown" are counted, not kept. */
export interface ScoresCsv {
  scores: Float64Array
  /** 1 = member, 0 = non-member. */
  labels: Uint8Array
  /** Item ids in row order when the file has an `id` column, else null. */
  ids: string[] | null
  /** Rows whose label was "unknown" (excluded, as the spec excludes unknown membership). */
  skippedUnknown: number
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const LABELS: Record<string, 0 | 1 | null> = { '1': 1, '1.0': 1, member: 1, '0': 0, '0.0': 0, nonmember: 0, 'non-member': 0, unknown: null }
const HINT = 'The file needs a header row "score,label" (optional "id"), one item per row; labels 1/0 or member/nonmember.'

function fail(source: string, line: number | null, what: string): never {
  const where = line === null ? source : `${source}, line ${line}`
  throw new WorkbenchError({ code: 'invalid-input', message: `${where}: ${what}`, item: source, hint: HINT })
}

function headerColumns(header: CsvRow, source: string): { score: number; label: number; id: number } {
  const names = header.fields.map((f) => f.trim().toLowerCase())
  const find = (name: string): number => {
    const at = names.indexOf(name)
    if (at !== names.lastIndexOf(name)) fail(source, header.line, `column "${name}" appears twice in the header.`)
    return at
  }
  const cols = { score: find('score'), label: find('label'), id: find('id') }
  if (cols.score < 0 || cols.label < 0) {
    const missing = [cols.score < 0 ? '"score"' : null, cols.label < 0 ? '"label"' : null].filter(Boolean).join(' and ')
    fail(source, header.line, `the header has no ${missing} column (found: ${names.join(', ')}).`)
  }
  return cols
}

function parseScore(raw: string, source: string, line: number): number {
  const text = raw.trim()
  const value = Number(text)
  if (!NUMBER.test(text) || !Number.isFinite(value)) fail(source, line, `score "${raw}" is not a finite number.`)
  return value
}

function parseLabel(raw: string, source: string, line: number): 0 | 1 | null {
  const key = raw.trim().toLowerCase()
  if (!(key in LABELS)) fail(source, line, `label "${raw}" is not 1/0, member/nonmember or unknown.`)
  return LABELS[key]
}

/** Parse a scores CSV (BOM and CRLF tolerated); errors name the line and what is wrong. */
export function parseScoresCsv(text: string, source = 'scores CSV'): ScoresCsv {
  const rows = csvTextRows(text, source, 'invalid-input')
  const isBlank = (r: CsvRow): boolean => r.fields.length === 1 && r.fields[0].trim() === ''
  // Manual next(): a for-of with break would close the generator before the data rows.
  let first = rows.next()
  while (!first.done && isBlank(first.value)) first = rows.next()
  if (first.done) fail(source, null, 'the file is empty.')
  const header = first.value
  if (header.error) fail(source, header.line, `${header.error.message}.`)
  const cols = headerColumns(header, source)
  const scores: number[] = []
  const labels: number[] = []
  const ids: string[] = []
  const seen = new Map<string, number>()
  let skippedUnknown = 0
  for (const r of rows) {
    if (isBlank(r)) continue
    if (r.error) fail(source, r.line, `${r.error.message}.`)
    if (r.fields.length !== header.fields.length) fail(source, r.line, `expected ${header.fields.length} fields like the header, found ${r.fields.length}.`)
    const score = parseScore(r.fields[cols.score], source, r.line)
    const label = parseLabel(r.fields[cols.label], source, r.line)
    if (cols.id >= 0) {
      const id = r.fields[cols.id].trim()
      if (id === '') fail(source, r.line, 'the id is empty.')
      const first = seen.get(id)
      if (first !== undefined) fail(source, r.line, `id "${id}" already appeared on line ${first}.`)
      seen.set(id, r.line)
      if (label !== null) ids.push(id)
    }
    if (label === null) {
      skippedUnknown++
      continue
    }
    scores.push(score)
    labels.push(label)
  }
  if (scores.length === 0) fail(source, null, 'no rows with a member or non-member label.')
  return { scores: Float64Array.from(scores), labels: Uint8Array.from(labels), ids: cols.id >= 0 ? ids : null, skippedUnknown }
}
