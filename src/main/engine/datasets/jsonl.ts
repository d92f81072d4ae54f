// Streaming JSON Lines: one object per line, decoded incrementally with line numbers and a line-length cap.
import { WorkbenchError } from '../../../shared/contract/errors'

/** One non-blank line of a JSONL file and its 1-based line number. */
export interface TextLine {
  text: string
  line: number
}

/** Longest line accepted; a binary or unsplit file must not grow one string without bound. */
export const MAX_LINE_CHARS = 4 << 20

/** Stream the non-blank lines of UTF-8 byte chunks (BOM dropped, trailing CR removed). */
export async function* textLines(chunks: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<TextLine> {
  const decoder = new TextDecoder('utf-8')
  let carry = ''
  let line = 1
  for await (const chunk of chunks) {
    const text = carry + decoder.decode(chunk, { stream: true })
    let start = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const out = lineAt(text, start, nl, line)
      if (out) yield out
      line++
      start = nl + 1
    }
    carry = text.slice(start)
    if (carry.length > MAX_LINE_CHARS) throw tooLong(source, line)
  }
  const rest = carry + decoder.decode()
  const out = lineAt(rest, 0, rest.length, line)
  if (out) yield out
}

function lineAt(text: string, start: number, end: number, line: number): TextLine | undefined {
  let s = text.slice(start, end)
  if (s.endsWith('\r')) s = s.slice(0, -1)
  if (s.trim() === '') return undefined
  return { text: s, line }
}

function tooLong(source: string, line: number): WorkbenchError {
  return new WorkbenchError({
    code: 'bad-dataset',
    item: source,
    message: `${source}: line ${line} is longer than ${MAX_LINE_CHARS} characters; this does not look like a JSON Lines manifest.`,
    hint: 'Write one JSON object per line ({"id": …, "image": …, "caption": …}).'
  })
}

/** Text form of a JSON value for an item field: strings as they are, null as '', others as JSON. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** Parse one line into named text fields, or explain why it is not a JSON object. */
export function parseJsonObject(text: string): { fields: Record<string, string>; present: Set<string> } | { error: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { error: `not valid JSON (${err instanceof Error ? err.message : String(err)})` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' }
  const fields: Record<string, string> = {}
  const present = new Set<string>()
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    fields[key] = fieldText(v)
    if (v !== null && v !== undefined) present.add(key)
  }
  return { fields, present }
}
