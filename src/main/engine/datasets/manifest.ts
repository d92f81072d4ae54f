// Manifest datasets (CSV with header, or JSONL): streamed records with per-record issues and fatal header errors.
import { createReadStream } from 'node:fs'
import path from 'node:path'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { countAsync } from './async-count'
import { csvRows } from '../csv'
import type { CsvRow } from '../csv'
import { parseJsonObject, textLines } from './jsonl'
import { KNOWN_FIELDS, REQUIRED_FIELDS, buildRecord, duplicateIdIssue } from './record-fields'
import type { BuiltRecord, RecordContext } from './record-fields'
import type { DatasetIssue, DatasetRecord, IterateOptions } from './types'

/** Which manifest syntax a file uses, from its extension. */
export type ManifestKind = 'manifest-csv' | 'manifest-jsonl'

/** The manifest kind for a file name, or undefined when the extension is not a manifest's. */
export function manifestKindOf(file: string): ManifestKind | undefined {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.csv') return 'manifest-csv'
  if (ext === '.jsonl' || ext === '.ndjson') return 'manifest-jsonl'
  return undefined
}

/** A manifest file to read and the dataset folder its image paths are judged against. */
export interface ManifestSource {
  file: string
  kind: ManifestKind
  root: string
}

function chunks(file: string): AsyncIterable<Uint8Array> {
  return createReadStream(file, { highWaterMark: 256 << 10 })
}

function contextFor(src: ManifestSource, header?: string[]): RecordContext {
  const name = path.basename(src.file)
  const where =
    src.kind === 'manifest-csv'
      ? (line: number, field: string) => `${name} line ${line}, column ${(header?.indexOf(field) ?? -1) + 1} (${field})`
      : (line: number, field: string) => `${name} line ${line}, key "${field}"`
  return { root: src.root, baseDir: path.dirname(src.file), where }
}

function headerError(src: ManifestSource, message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-dataset', item: src.file, message: `${src.file}: line 1: ${message}`, hint })
}

/** Column keys from the header row: known fields matched case-insensitively, others kept as written. */
function readHeader(src: ManifestSource, row: CsvRow | undefined): string[] {
  if (!row) throw headerError(src, 'the manifest is empty.', 'Start the file with a header row: id,image,caption[,membership,role,timestamp,…].')
  const keys = row.fields.map((raw) => {
    const name = raw.trim()
    return (KNOWN_FIELDS as readonly string[]).includes(name.toLowerCase()) ? name.toLowerCase() : name
  })
  keys.forEach((key, i) => {
    if (key === '') throw headerError(src, `column ${i + 1} of the header has no name.`, 'Name every column, or remove the empty column (often a trailing comma).')
    if (keys.indexOf(key) !== i) throw headerError(src, `column ${i + 1} repeats the name "${key}".`, 'Give every column a distinct name.')
  })
  const missing = REQUIRED_FIELDS.filter((f) => !keys.includes(f))
  if (missing.length > 0) {
    throw headerError(
      src,
      `required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} missing; the header has: ${keys.join(', ')}.`,
      'The first row must name the columns; id, image and caption are required (membership, role, timestamp optional).'
    )
  }
  return keys
}

function csvRowRecord(row: CsvRow, keys: string[], ctx: RecordContext, file: string): BuiltRecord {
  const name = path.basename(file)
  const label = row.fields[0]?.trim() ? row.fields[0] : `line ${row.line}`
  const error = (code: DatasetIssue['code'], message: string, hint: string): BuiltRecord => ({
    line: row.line,
    issues: [{ itemId: label, line: row.line, severity: 'error', code, message, hint }]
  })
  if (row.error) {
    return error(
      'bad-quote',
      `${name} line ${row.line}, column ${row.error.field}: ${row.error.message}; this row is skipped.`,
      'Quote the whole field and double any quote inside it ("a ""quoted"" word").'
    )
  }
  if (row.fields.length !== keys.length) {
    return error(
      'column-count',
      `${name} line ${row.line}: ${row.fields.length} columns, but the header has ${keys.length}; this row is skipped.`,
      'Quote fields that contain commas ("a cat, sitting"), and give every row as many columns as the header.'
    )
  }
  const fields: Record<string, string> = {}
  keys.forEach((key, i) => (fields[key] = row.fields[i]))
  return buildRecord(fields, row.line, ctx)
}

async function* csvRecords(src: ManifestSource): AsyncGenerator<BuiltRecord> {
  const rows = csvRows(chunks(src.file), src.file)
  const first = await rows.next()
  const keys = readHeader(src, first.done ? undefined : first.value)
  const ctx = contextFor(src, keys)
  for await (const row of rows) yield csvRowRecord(row, keys, ctx, src.file)
}

async function* jsonlRecords(src: ManifestSource): AsyncGenerator<BuiltRecord> {
  const ctx = contextFor(src)
  const name = path.basename(src.file)
  for await (const { text, line } of textLines(chunks(src.file), src.file)) {
    const parsed = parseJsonObject(text)
    const issueBase = { itemId: `line ${line}`, line, severity: 'error' as const }
    if ('error' in parsed) {
      yield {
        line,
        issues: [
          {
            ...issueBase,
            code: 'bad-json',
            message: `${name} line ${line}: ${parsed.error}; this line is skipped.`,
            hint: 'Write one JSON object per line, e.g. {"id": "a1", "image": "images/a1.jpg", "caption": "a cat"}.'
          }
        ]
      }
      continue
    }
    const missing = REQUIRED_FIELDS.filter((f) => !parsed.present.has(f))
    if (missing.length > 0) {
      const itemId = parsed.fields.id?.trim() ? parsed.fields.id : issueBase.itemId
      yield {
        line,
        issues: [
          {
            ...issueBase,
            itemId,
            code: 'missing-field',
            message: `${name} line ${line}: key${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} missing; this line is skipped.`,
            hint: 'Every object needs "id", "image" and "caption" ("caption" may be an empty string).'
          }
        ]
      }
      continue
    }
    yield buildRecord(parsed.fields, line, ctx)
  }
}

/** Stream a manifest's records; a second use of an id is an error on the later record. */
export async function* manifestRecords(src: ManifestSource, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const firstLine = new Map<string, number>()
  const name = path.basename(src.file)
  const source = src.kind === 'manifest-csv' ? csvRecords(src) : jsonlRecords(src)
  for await (const built of source) {
    throwIfAborted(options.signal)
    const { item, line } = built
    const first = item ? firstLine.get(item.id) : undefined
    if (item && first !== undefined) {
      const dup = duplicateIdIssue(item.id, line, `${name} line ${line}`, `line ${first}`)
      yield { line, issues: [dup, ...built.issues.filter((i) => i.code !== 'path-escapes-root')] }
      continue
    }
    if (item) firstLine.set(item.id, line)
    yield built
  }
}

/** Number of records in a manifest (rows after the header, or non-blank JSONL lines), streamed. */
export async function countManifest(src: ManifestSource, options: IterateOptions = {}): Promise<number> {
  if (src.kind === 'manifest-jsonl') return countAsync(textLines(chunks(src.file), src.file), options.signal)
  return Math.max(0, (await countAsync(csvRows(chunks(src.file), src.file), options.signal)) - 1)
}
