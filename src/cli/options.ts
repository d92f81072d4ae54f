// Numeric CLI options: parsed strictly and checked against the contract's schema (src/shared/contract/numbers.ts)
// while commander reads the command line, so `--batch-size abc` or `--threads 0` stop the command before any work.
import { InvalidArgumentError } from 'commander'
import type { z } from 'zod'

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** What a schema's range says, in words: the first issue zod reports for the value. */
function rangeMessage(schema: z.ZodType<number>, value: number): string | null {
  const parsed = schema.safeParse(value)
  if (parsed.success) return null
  const issue = parsed.error.issues[0] as { code: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean }
  if (issue.code === 'too_small') return `must be ${issue.inclusive === false ? 'above' : 'at least'} ${issue.minimum}`
  if (issue.code === 'too_big') return `must be ${issue.inclusive === false ? 'below' : 'at most'} ${issue.maximum}`
  if (issue.code === 'invalid_type') return 'must be a whole number'
  return parsed.error.issues[0].message
}

/**
 * A commander argument parser for a numeric option: the text must be a plain number (no `12abc`, no empty string,
 * no hex) and the value must pass `schema`; otherwise commander prints the option, the value and the reason, and
 * exits with status 1 before the command's action runs.
 */
export function numberArg(schema: z.ZodType<number>, kind: 'integer' | 'decimal' = 'integer'): (text: string) => number {
  return (text: string): number => {
    const trimmed = text.trim()
    if (!(kind === 'integer' ? INTEGER : DECIMAL).test(trimmed)) throw new InvalidArgumentError(`Not ${kind === 'integer' ? 'a whole number' : 'a number'}.`)
    const value = Number(trimmed)
    const problem = Number.isSafeInteger(value) || kind === 'decimal' ? rangeMessage(schema, value) : 'is too large'
    if (problem) throw new InvalidArgumentError(`It ${problem}.`)
    return value
  }
}
