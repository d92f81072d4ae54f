// Slices of the Results view: AUC and TPR@1% FPR per metadata value, each with its own stratified bootstrap (attacks.md "Slices").
import { SLICE_MIN_PER_CLASS, type Slice, type SliceFilter } from '../../../shared/contract/experiments'
import { WorkbenchError } from '../../../shared/contract/errors'
import { bootstrapMetrics, rocAuc, rocFromSorted, sortScores, tprAtFpr } from '../metrics'

/** Columns with more distinct values than this are identifiers, not slices. */
const MAX_SLICE_VALUES = 40
/** The TPR@FPR target of the slices table (the paper's low-FPR headline). */
const SLICE_FPR = 0.01

/** A labelled target with the metadata of its item. */
export interface SliceInput {
  metadata: Record<string, unknown> | undefined
  score: number
  label: number
}

/** The bootstrap behind a slice's intervals: the run's resamples, seed and level, so slices read like the metrics table. */
export interface SliceBootstrap {
  resamples: number
  seed: number
  confidence: number
}

/** Labelled items grouped by column, then by value; columns with one value or identifier-like ones are left out. */
function groupsOf<T extends SliceInput>(scored: readonly T[]): Map<string, Map<string, T[]>> {
  const groups = new Map<string, Map<string, T[]>>()
  for (const x of scored) {
    if (x.label < 0 || !Number.isFinite(x.score)) continue
    for (const [column, value] of Object.entries(x.metadata ?? {})) {
      const byValue = groups.get(column) ?? new Map<string, T[]>()
      groups.set(column, byValue)
      const key = String(value)
      const list = byValue.get(key)
      if (list) list.push(x)
      else byValue.set(key, [x])
    }
  }
  for (const [column, byValue] of groups) if (byValue.size < 2 || byValue.size > MAX_SLICE_VALUES) groups.delete(column)
  return groups
}

/** The warning of a slice with too few items in a class, if any. */
export function sliceWarning(members: number, nonmembers: number): string | null {
  if (Math.min(members, nonmembers) >= SLICE_MIN_PER_CLASS) return null
  return `Only ${members} member(s) and ${nonmembers} non-member(s): below ${SLICE_MIN_PER_CLASS} per class this slice's intervals are wide and its AUC is not comparable with other slices'.`
}

/** One slice's numbers: point estimates on all its items, intervals from its own stratified bootstrap. */
async function sliceOf(column: string, value: string, xs: readonly SliceInput[], boot: SliceBootstrap, signal?: AbortSignal): Promise<Slice> {
  const members = xs.filter((x) => x.label === 1).length
  const nonmembers = xs.length - members
  const base = { column, value, members, nonmembers, warning: sliceWarning(members, nonmembers) }
  if (members === 0 || nonmembers === 0) return { ...base, auc: null, aucCI: null, tprAt1: null, tprAt1CI: null }
  const sorted = sortScores({ scores: xs.map((x) => x.score), labels: xs.map((x) => x.label) })
  const at = tprAtFpr(rocFromSorted(sorted), SLICE_FPR)
  const b = await bootstrapMetrics(sorted, { ...boot, fprTargets: [SLICE_FPR], threads: 1, signal })
  return {
    ...base,
    auc: rocAuc(rocFromSorted(sorted)),
    aucCI: b.intervals.auc,
    tprAt1: at.resolvable ? at.tpr : null,
    tprAt1CI: at.resolvable ? b.intervals.tprAtFpr[0] : null
  }
}

/** Every slice of the labelled targets, column by column, values in text order (the table sorts numbers numerically). */
export async function sliceRows(scored: readonly SliceInput[], boot: SliceBootstrap, signal?: AbortSignal): Promise<Slice[]> {
  const out: Slice[] = []
  for (const [column, byValue] of groupsOf(scored)) {
    for (const [value, xs] of [...byValue].sort((a, b) => a[0].localeCompare(b[0]))) out.push(await sliceOf(column, value, xs, boot, signal))
  }
  return out
}

/** The labelled targets of `filter`'s slice; a column or value no labelled target has is `not-found`, naming it. */
export function itemsOfSlice<T extends SliceInput>(scored: readonly T[], filter: SliceFilter): T[] {
  const inSlice = scored.filter((x) => x.label >= 0 && x.metadata !== undefined && Object.hasOwn(x.metadata, filter.column) && String(x.metadata[filter.column]) === filter.value)
  if (inSlice.length === 0) {
    throw new WorkbenchError({
      code: 'not-found',
      item: `${filter.column} = ${filter.value}`,
      message: `No labelled target of this experiment has ${filter.column} = "${filter.value}".`,
      hint: 'Pick a slice from the Slices table of this experiment.'
    })
  }
  return inSlice
}
