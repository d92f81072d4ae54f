// The project's one CSV reader (RFC 4180): quoted fields, doubled quotes, quoted newlines, CRLF, BOM, bounded memory.
// Manifests, labels.csv and `mia metrics --scores` files all go through it; figures/csv.ts writes CSV.
import { WorkbenchError, type ErrorCode } from '../../shared/contract/errors'

/** A problem confined to one row; the parser resynchronises at the next record. */
export interface CsvRowError {
  code: 'bad-quote'
  /** 1-based field number where the problem is. */
  field: number
  message: string
}

/** One CSV record: its fields and the 1-based physical line where it starts. */
export interface CsvRow {
  fields: string[]
  line: number
  error?: CsvRowError
}

/** Longest field accepted: a runaway quoted field (unterminated quote) must not eat the heap. */
export const MAX_FIELD_CHARS = 1 << 20

const COMMA = 44
const LF = 10
const CR = 13
const QUOTE = 34

/**
 * A copy of `s` that does not share storage with the chunk it was sliced from. V8 keeps a slice of
 * 13+ characters as a view that pins the whole parent string (the 256 KiB read chunk), so an id kept
 * in a Map would otherwise retain the file. Prepending and slicing forces a flat copy.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}

type State = 'start' | 'unquoted' | 'quoted' | 'quote-seen'

/**
 * Incremental parser: `push` text as it arrives, collect finished rows, `end` at EOF. Lines that
 * are entirely empty are skipped. Inside quotes CRLF becomes LF, so a manifest saved on Windows
 * and on Unix yields the same captions (and caption hashes). A bare quote inside an unquoted field
 * is kept literally, as most spreadsheet exports expect.
 */
export class CsvParser {
  private state: State = 'start'
  private field = ''
  private fieldQuoted = false
  private fields: string[] = []
  private line = 1
  private rowLine = 1
  private quoteLine = 1
  private pendingCR = false
  private rowError: CsvRowError | undefined

  /** `source` names the file in messages; `code` is the error code of a fatal problem (a dataset's, or an input's). */
  constructor(
    private readonly source: string,
    private readonly code: ErrorCode = 'bad-dataset'
  ) {}

  /** Parse more text; finished rows are appended to `out`. */
  push(text: string, out: CsvRow[]): void {
    let i = 0
    const n = text.length
    while (i < n) {
      if (this.state === 'start') i = this.startField(text, i)
      else if (this.state === 'unquoted') i = this.scanUnquoted(text, i, out)
      else if (this.state === 'quoted') i = this.scanQuoted(text, i)
      else i = this.afterQuote(text, i, out)
    }
  }

  /** Flush at end of input; an open quote here is fatal because it swallowed the rest of the file. */
  end(out: CsvRow[]): void {
    if (this.state === 'quoted') throw this.unterminated()
    if (this.state !== 'start' || this.fields.length > 0) this.endRow(out, false)
  }

  private startField(text: string, i: number): number {
    const c = text.charCodeAt(i)
    if (this.pendingCR) {
      this.pendingCR = false
      if (c === LF) return i + 1
    }
    if (c === QUOTE) {
      this.state = 'quoted'
      this.fieldQuoted = true
      this.quoteLine = this.line
      return i + 1
    }
    this.state = 'unquoted'
    return i
  }

  private scanUnquoted(text: string, i: number, out: CsvRow[]): number {
    let j = i
    const n = text.length
    let c = 0
    while (j < n) {
      c = text.charCodeAt(j)
      if (c === COMMA || c === LF || c === CR) break
      j++
    }
    this.append(text, i, j)
    if (j === n) return j
    this.delimiter(c, out)
    return j + 1
  }

  private scanQuoted(text: string, i: number): number {
    const j = text.indexOf('"', i)
    const stop = j === -1 ? text.length : j
    for (let k = text.indexOf('\n', i); k !== -1 && k < stop; k = text.indexOf('\n', k + 1)) this.line++
    this.append(text, i, stop)
    if (j === -1) return stop
    this.state = 'quote-seen'
    return j + 1
  }

  private afterQuote(text: string, i: number, out: CsvRow[]): number {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      this.field += '"'
      this.state = 'quoted'
      return i + 1
    }
    if (c === COMMA || c === LF || c === CR) {
      this.delimiter(c, out)
      return i + 1
    }
    this.rowError ??= {
      code: 'bad-quote',
      field: this.fields.length + 1,
      message: `text follows the closing quote of field ${this.fields.length + 1}`
    }
    this.state = 'unquoted'
    return i
  }

  private delimiter(c: number, out: CsvRow[]): void {
    if (c === COMMA) {
      this.endField()
      this.state = 'start'
      return
    }
    this.endRow(out, true)
    this.pendingCR = c === CR
  }

  private append(text: string, from: number, to: number): void {
    if (to === from) return
    this.field += text.slice(from, to)
    if (this.field.length > MAX_FIELD_CHARS) throw this.tooLong()
  }

  private endField(): void {
    const value = this.fieldQuoted && this.field.includes('\r\n') ? this.field.replace(/\r\n/g, '\n') : this.field
    this.fields.push(detach(value))
    this.field = ''
    this.fieldQuoted = false
  }

  private endRow(out: CsvRow[], newline: boolean): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.fieldQuoted
    this.endField()
    if (!blank) out.push(this.rowError ? { fields: this.fields, line: this.rowLine, error: this.rowError } : { fields: this.fields, line: this.rowLine })
    this.fields = []
    this.rowError = undefined
    this.state = 'start'
    if (newline) this.line++
    this.rowLine = this.line
  }

  private unterminated(): WorkbenchError {
    return new WorkbenchError({
      code: this.code,
      item: this.source,
      message: `${this.source}: line ${this.quoteLine}, column ${this.fields.length + 1}: a quoted field is never closed (the file ends inside it).`,
      hint: 'Close the quote; a quote inside a quoted field must be doubled (""), and a field with a quote in the middle should be quoted as a whole.'
    })
  }

  private tooLong(): WorkbenchError {
    const where = this.fieldQuoted ? `the field opened with a quote at line ${this.quoteLine}` : `the field starting on line ${this.rowLine}`
    return new WorkbenchError({
      code: this.code,
      item: this.source,
      message: `${this.source}: line ${this.rowLine}, column ${this.fields.length + 1}: ${where} is longer than ${MAX_FIELD_CHARS} characters; this is most likely an unterminated quote or not a CSV file.`,
      hint: 'Check the quoting near that line (quotes inside a quoted field must be doubled), and that the file is a text CSV file.'
    })
  }
}

/** Stream rows from byte or text chunks; bytes are decoded as UTF-8 (BOM dropped, bad bytes become U+FFFD). */
export async function* csvRows(chunks: AsyncIterable<Uint8Array | string>, source: string, code?: ErrorCode): AsyncGenerator<CsvRow> {
  const decoder = new TextDecoder('utf-8')
  const parser = new CsvParser(source, code)
  const out: CsvRow[] = []
  let first = true
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    parser.push(text, out)
    yield* out
    out.length = 0
  }
  parser.push(decoder.decode(), out)
  parser.end(out)
  yield* out
}

/** Rows of a CSV text already in memory (BOM dropped), by the same parser as `csvRows`, fed in slices so rows stream. */
export function* csvTextRows(text: string, source: string, code?: ErrorCode): Generator<CsvRow> {
  const parser = new CsvParser(source, code)
  const out: CsvRow[] = []
  const SLICE = 1 << 16
  for (let at = text.charCodeAt(0) === 0xfeff ? 1 : 0; at < text.length; at += SLICE) {
    parser.push(text.slice(at, at + SLICE), out)
    yield* out
    out.length = 0
  }
  parser.end(out)
  yield* out
}
