// Text from datasets and score files (ids, captions, CSV headers) reaches the terminal: control characters in it
// could set the window title, clear the screen or rewrite earlier lines (issue 16), so they are printed escaped.

/**
 * C0 controls except tab and newline, DEL, C1 controls (a terminal may read U+009B as CSI), line/paragraph separators
 * and bidirectional overrides (which reorder what the reader sees).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are what gets escaped
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** `text` with every unsafe character written as `\u00XX`; the same escape JSON uses, so JSON output stays valid JSON. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Escape everything written to `stream` as text. Installed on stdout, where the CLI prints data and never needs a
 * control sequence of its own; stderr keeps its progress line (\r, erase-line) and escapes the data it prints instead.
 */
export function escapeStreamText(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? escapeControls(chunk) : chunk, ...rest)) as typeof stream.write
}
