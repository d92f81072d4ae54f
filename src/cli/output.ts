// How CLI commands print: JSON for machines, short text for people, errors with hints on stderr.
import { toErrorData } from '../shared/contract/errors'
import { escapeControls } from './terminal-text'

/** Print a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
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
