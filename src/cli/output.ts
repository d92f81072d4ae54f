// How CLI commands print: JSON for machines, short text for people, errors with hints on stderr.
import { toErrorData } from '../shared/contract/errors'
import { escapeControls } from './terminal-text'

/** Print a value as one JSON document on stdout, ending with a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** Print lines of text on stdout (nothing for none). */
export function write(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n')
}

/** Print an error (with its item and hint) and set a failing exit code. */
export function reportError(err: unknown, json: boolean): void {
  const data = toErrorData(err)
  if (json) process.stdout.write(JSON.stringify({ error: data }) + '\n')
  const where = data.item ? ` [${escapeControls(data.item)}]` : ''
  process.stderr.write(`error (${data.code})${where}: ${escapeControls(data.message)}\n`)
  if (data.hint) process.stderr.write(`hint: ${escapeControls(data.hint)}\n`)
  process.exitCode = data.code === 'cancelled' ? 130 : 1
}

/**
 * `mia … --json | head` closes stdout early: the reader has what it wanted, so exit quietly (status 0, as
 * `yes | head` and other Unix tools do) instead of an unhandled 'error' event and its stack trace (issue 22).
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
}

/** Wrap a command action so errors print with their hint and set the exit code; `jsonOf` says whether --json was given. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>, jsonOf: (...args: A) => boolean) {
  return async (...args: A): Promise<void> => {
    try {
      await fn(...args)
    } catch (err) {
      reportError(err, jsonOf(...args))
    }
  }
}

/** Options of a command's last argument carry `json` when it has a --json flag. */
export const hasJson = (...args: unknown[]): boolean => {
  const opts = args.find((a): a is { json?: boolean } => typeof a === 'object' && a !== null && 'json' in a)
  return Boolean(opts?.json)
}
