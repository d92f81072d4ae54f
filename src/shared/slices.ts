// The order slices are listed in, on screen and in exports: by column, numeric values numerically, other values as given.
import type { Slice } from './contract/experiments'

/** Whether every value of a column's slices reads as a number (then "2.0" sorts before "11.0"). */
function numeric(rows: readonly Slice[]): boolean {
  return rows.every((r) => r.value.trim() !== '' && Number.isFinite(Number(r.value)))
}

/** Slices grouped by column (first-seen order), each group in display order. */
export function slicesByColumn(slices: readonly Slice[]): Array<readonly [string, Slice[]]> {
  const by = new Map<string, Slice[]>()
  for (const s of slices) by.set(s.column, [...(by.get(s.column) ?? []), s])
  return [...by.entries()].map(([column, rows]) => [column, numeric(rows) ? [...rows].sort((a, b) => Number(a.value) - Number(b.value)) : rows] as const)
}
