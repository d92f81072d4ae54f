// What the Results screen draws for one experiment: histogram, most exposed items, slices by metadata column.
import { MAX_ITEM_SCORES, type ExperimentView } from '../../../shared/contract/experiments'
import { rocAuc, rocCurve } from '../metrics'
import { thumbnailDataUrl } from '../datasets'
import type { ItemRow, WorkspaceStore } from '../store'
import { requireRow, toRecord } from './record'

const HISTOGRAM_BINS = 40
const EXPOSED = 12
/** Columns with more distinct values than this are identifiers, not slices. */
const MAX_SLICE_VALUES = 40
const THUMBNAIL = 96

interface Scored {
  item: ItemRow | undefined
  id: string
  score: number
  label: number
}

function histogram(scored: Scored[]): ExperimentView['histogram'] {
  const finite = scored.filter((x) => Number.isFinite(x.score) && x.label >= 0)
  if (finite.length === 0) return null
  let lo = Infinity
  let hi = -Infinity
  for (const x of finite) {
    lo = Math.min(lo, x.score)
    hi = Math.max(hi, x.score)
  }
  if (hi === lo) hi = lo + 1e-9
  const width = (hi - lo) / HISTOGRAM_BINS
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => (i === HISTOGRAM_BINS ? hi : lo + i * width))
  const members = new Array<number>(HISTOGRAM_BINS).fill(0)
  const nonmembers = new Array<number>(HISTOGRAM_BINS).fill(0)
  for (const x of finite) {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.floor((x.score - lo) / width))
    ;(x.label === 1 ? members : nonmembers)[bin]++
  }
  return { edges, members, nonmembers }
}

async function exposed(list: Scored[], top: number): Promise<ExperimentView['topMembers']> {
  return Promise.all(
    list.slice(0, top).map(async (x) => ({
      id: x.id,
      caption: x.item?.caption ?? '',
      score: x.score,
      membership: x.item?.membership ?? (x.label === 1 ? 'member' : 'nonmember'),
      thumbnail: x.item?.imagePath ? await thumbnailDataUrl(x.item.imagePath, THUMBNAIL) : null
    }))
  )
}

function slices(scored: Scored[]): ExperimentView['slices'] {
  const groups = new Map<string, Map<string, Scored[]>>()
  for (const x of scored) {
    if (x.label < 0) continue
    for (const [column, value] of Object.entries(x.item?.metadata ?? {})) {
      const byValue = groups.get(column) ?? new Map<string, Scored[]>()
      groups.set(column, byValue)
      const key = String(value)
      const list = byValue.get(key)
      if (list) list.push(x)
      else byValue.set(key, [x])
    }
  }
  const out: ExperimentView['slices'] = []
  for (const [column, byValue] of groups) {
    if (byValue.size < 2 || byValue.size > MAX_SLICE_VALUES) continue
    for (const [value, xs] of [...byValue].sort((a, b) => a[0].localeCompare(b[0]))) {
      const members = xs.filter((x) => x.label === 1).length
      const nonmembers = xs.length - members
      const auc = members && nonmembers ? rocAuc(rocCurve({ scores: xs.map((x) => x.score), labels: xs.map((x) => x.label) })) : null
      out.push({ column, value, members, nonmembers, auc })
    }
  }
  return out
}

/** Labelled finite scores per class, descending, or null when there are too many to send. */
function itemScores(scored: readonly Scored[]): ExperimentView['scores'] {
  const finite = scored.filter((x) => x.label >= 0 && Number.isFinite(x.score))
  if (finite.length > MAX_ITEM_SCORES) return null
  const desc = (label: number): number[] =>
    finite
      .filter((x) => x.label === label)
      .map((x) => x.score)
      .sort((a, b) => b - a)
  return { members: desc(1), nonmembers: desc(0) }
}

/** The Results view of experiment `id`. */
export async function experimentView(store: WorkspaceStore, id: string, top = EXPOSED): Promise<ExperimentView> {
  const record = toRecord(requireRow(store, id))
  const scores = store.scores.get(id)
  const items = new Map(store.items.list(record.spec.datasetHash).map((r) => [r.itemId, r]))
  const scored: Scored[] = scores.itemIds.map((itemId, i) => ({ id: itemId, item: items.get(itemId), score: scores.scores[i], label: scores.labels[i] }))
  // Ties (WSA often gives many items 1.000) rank by item id, so the lists are stable and say how they were ordered.
  const byScore = [...scored].filter((x) => Number.isFinite(x.score)).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {
    record,
    roc: record.results?.metrics?.roc ?? null,
    histogram: histogram(scored),
    topMembers: await exposed(
      byScore.filter((x) => x.label === 1),
      top
    ),
    falsePositives: await exposed(
      byScore.filter((x) => x.label === 0),
      top
    ),
    slices: slices(scored),
    scores: itemScores(scored)
  }
}
