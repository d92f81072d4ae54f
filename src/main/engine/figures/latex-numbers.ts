// Numbers in LaTeX tables: plain text, or siunitx `\num{}` so the document's number format (decimal mark, digits) applies.
import type { Interval } from '../../../shared/contract/metrics'
import { formatCount, formatNumber, formatPValue, formatSigned, NOT_AVAILABLE } from '../../../shared/format'
import { latexEscape } from './latex'

/** How a table writes its numbers; every function returns LaTeX. */
export interface LatexNumbers {
  value(v: number | null): string
  ci(v: number | null, ci: Interval | null | undefined): string
  /** A difference with its sign (+ kept), and its interval. */
  signedCI(v: number | null, ci: Interval | null | undefined): string
  count(v: number | null): string
  p(v: number | null): string
  missing: string
  /** Packages the table needs besides booktabs. */
  requires: string[]
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v)

/** The same text as on screen (shared/format.ts), escaped. */
const PLAIN: LatexNumbers = {
  value: (v) => latexEscape(formatNumber(v)),
  ci: (v, ci) => (finite(v) ? latexEscape(ci ? `${formatNumber(v)} [${formatNumber(ci.lo)}, ${formatNumber(ci.hi)}]` : formatNumber(v)) : NOT_AVAILABLE),
  signedCI: (v, ci) => (finite(v) ? latexEscape(ci ? `${formatSigned(v)} [${formatSigned(ci.lo)}, ${formatSigned(ci.hi)}]` : formatSigned(v)) : NOT_AVAILABLE),
  count: (v) => latexEscape(formatCount(v)),
  p: (v) => latexEscape(formatPValue(v)),
  missing: NOT_AVAILABLE,
  requires: []
}

/** siunitx: each number in \num{} (three decimals, as on screen); brackets braced so they are never read as options. */
const SIUNITX: LatexNumbers = {
  value: (v) => (finite(v) ? `\\num{${formatNumber(v)}}` : '{--}'),
  ci: (v, ci) => (finite(v) ? `\\num{${formatNumber(v)}}${ci ? ` {[}\\num{${formatNumber(ci.lo)}}, \\num{${formatNumber(ci.hi)}}{]}` : ''}` : '{--}'),
  signedCI: (v, ci) => {
    if (!finite(v)) return '{--}'
    const num = (x: number): string => `\\num[retain-explicit-plus]{${formatSigned(x)}}`
    return `${num(v)}${ci ? ` {[}${num(ci.lo)}, ${num(ci.hi)}{]}` : ''}`
  },
  count: (v) => (finite(v) ? `\\num{${Math.round(v)}}` : '{--}'),
  p: (v) => (!finite(v) ? '{--}' : v < 0.001 ? '$<$\\num{0.001}' : `\\num{${formatNumber(v)}}`),
  missing: '{--}',
  requires: ['siunitx']
}

/** The number writer of a table. */
export function latexNumbers(kind: 'plain' | 'siunitx'): LatexNumbers {
  return kind === 'siunitx' ? SIUNITX : PLAIN
}
