// Parser of score CSV files for `mia metrics --scores`: header score,label (+ optional id), any order, or named columns.
import { WorkbenchError } from '../../../shared/contract/errors'
import { MEMBERSHIP_SPELLINGS_TEXT, parseMembership } from '../../../shared/membership-labels'
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
  /** The header names the three fields were read from (id null when there is none). */
  columns: { score: string; label: string; id: string | null }
}

/** Which header names hold the score, the label and the item id (default "score", "label", "id"; matched without case). */
export interface ScoreColumns {
  score?: string
  label?: string
  id?: string
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const HINT = `The file needs a header row naming a score and a label column ("score,label", optional "id", or others chosen with --score-col/--label-col/--id-col), one item per row; labels ${MEMBERSHIP_SPELLINGS_TEXT}.`

function fail(source: string, line: number | null, what: string): never {
  const where = line === null ? source : `${source}, line ${line}`
  throw new WorkbenchError({ code: 'invalid-input', message: `${where}: ${what}`, item: source, hint: HINT })
}

function headerColumns(header: CsvRow, source: string, wanted: Required<ScoreColumns>, idGiven: boolean): { score: number; label: number; id: number } {
  const names = header.fields.map((f) => f.trim().toLowerCase())
  const find = (name: string): number => {
    const at = names.indexOf(name.toLowerCase())
    if (at !== names.lastIndexOf(name.toLowerCase())) fail(source, header.line, `column "${name}" appears twice in the header.`)
    return at
  }
  const cols = { score: find(wanted.score), label: find(wanted.label), id: find(wanted.id) }
  const missing = [cols.score < 0 ? `"${wanted.score}"` : null, cols.label < 0 ? `"${wanted.label}"` : null, idGiven && cols.id < 0 ? `"${wanted.id}"` : null].filter(Boolean)
  if (missing.length > 0) fail(source, header.line, `the header has no ${missing.join(' and ')} column (found: ${header.fields.map((f) => f.trim()).join(', ')}).`)
  return cols
}

function parseScore(raw: string, source: string, line: number): number {
  const text = raw.trim()
  const value = Number(text)
  if (!NUMBER.test(text) || !Number.isFinite(value)) fail(source, line, `score "${raw}" is not a finite number.`)
  return value
}

function parseLabel(raw: string, source: string, line: number): 0 | 1 | null {
  const m = parseMembership(raw)
  if (m === undefined) fail(source, line, `label "${raw}" is not one of ${MEMBERSHIP_SPELLINGS_TEXT}.`)
  return m === 'member' ? 1 : m === 'nonmember' ? 0 : null
}

/** Parse a scores CSV (BOM and CRLF tolerated); errors name the line and what is wrong. */
export function parseScoresCsv(text: string, source = 'scores CSV', columns: ScoreColumns = {}): ScoresCsv {
  const wanted = { score: columns.score ?? 'score', label: columns.label ?? 'label', id: columns.id ?? 'id' }
  const rows = csvTextRows(text, source, 'invalid-input')
  const isBlank = (r: CsvRow): boolean => r.fields.length === 1 && r.fields[0].trim() === ''
  // Manual next(): a for-of with break would close the generator before the data rows.
  let first = rows.next()
  while (!first.done && isBlank(first.value)) first = rows.next()
  if (first.done) fail(source, null, 'the file is empty.')
  const header = first.value
  if (header.error) fail(source, header.line, `${header.error.message}.`)
  const cols = headerColumns(header, source, wanted, columns.id !== undefined)
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
  const named = (at: number): string => header.fields[at].trim()
  return {
    scores: Float64Array.from(scores),
    labels: Uint8Array.from(labels),
    ids: cols.id >= 0 ? ids : null,
    skippedUnknown,
    columns: { score: named(cols.score), label: named(cols.label), id: cols.id >= 0 ? named(cols.id) : null }
  }
}
