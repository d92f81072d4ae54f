// How CLI commands print: JSON for machines, short text for people, errors with hints on stderr.
import { toErrorData } from '../shared/contract/errors'

/** Print a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** Print an error (with its item and hint) and set a failing exit code. */
export function reportError(err: unknown, json: boolean): void {
  const data = toErrorData(err)
  if (json) process.stdout.write(JSON.stringify({ error: data }) + '\n')
  const where = data.item ? ` [${data.item}]` : ''
  process.stderr.write(`error (${data.code})${where}: ${data.message}\n`)
  if (data.hint) process.stderr.write(`hint: ${data.hint}\n`)
  process.exitCode = data.code === 'cancelled' ? 130 : 1
}
