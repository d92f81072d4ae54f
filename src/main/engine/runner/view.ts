// What the Results screen draws for one experiment: histogram, ROC band, most exposed items, slices by metadata column.
import { MAX_ITEM_SCORES, type ExperimentRecord, type ExperimentView, type SliceFilter } from '../../../shared/contract/experiments'
import { rocBand, sortScores } from '../metrics'
import { thumbnailDataUrl } from '../datasets'
import type { ItemRow, WorkspaceStore } from '../store'
import { requireRow, toRecord } from './record'
import { itemsOfSlice, sliceRows, type SliceBootstrap } from './slices'

const HISTOGRAM_BINS = 40
const EXPOSED = 12
const THUMBNAIL = 96

interface Scored {
  item: ItemRow | undefined
  /** The item's metadata (slices read it). */
  metadata: Record<string, unknown> | undefined
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

/** The bootstrap of the record's metrics (or of its parameters, when it has no metrics yet). */
function bootstrapOf(record: ExperimentRecord): SliceBootstrap {
  const ev = record.spec.params.evaluation
  return record.results?.metrics?.bootstrap ?? { resamples: ev.resamples, seed: record.spec.params.seed, confidence: ev.confidence }
}

/** The record's ROC band, or (records made before bands existed) the same band computed from the stored scores. */
async function bandOf(record: ExperimentRecord, scored: readonly Scored[]): Promise<ExperimentView['rocBand']> {
  const metrics = record.results?.metrics
  if (!metrics) return null
  if (metrics.rocBand) return metrics.rocBand
  const labelled = scored.filter((x) => x.label >= 0 && Number.isFinite(x.score))
  if (!labelled.some((x) => x.label === 1) || !labelled.some((x) => x.label === 0)) return null
  const sorted = sortScores({ scores: labelled.map((x) => x.score), labels: labelled.map((x) => x.label) })
  return rocBand(sorted, { ...metrics.bootstrap, fprTargets: record.spec.params.evaluation.fprTargets })
}

/** Views computed lately: their slices and band cost a bootstrap per slice, and a top-N change or a slice click must not redo them. */
const DERIVED_CACHE = 16
const derived = new Map<string, Promise<Pick<ExperimentView, 'slices' | 'rocBand'>>>()

/** Slices and band of a record, from the cache when the record (its scores, via updatedAt) has not changed. */
function derivedOf(record: ExperimentRecord, scored: readonly Scored[]): Promise<Pick<ExperimentView, 'slices' | 'rocBand'>> {
  const key = `${record.id}|${record.updatedAt}|${record.status}`
  const hit = derived.get(key)
  if (hit) return hit
  const made = (async () => ({ slices: await sliceRows(scored, bootstrapOf(record)), rocBand: await bandOf(record, scored) }))()
  derived.set(key, made)
  // A failed computation is not kept: the next view tries again.
  made.catch(() => derived.delete(key))
  while (derived.size > DERIVED_CACHE) derived.delete(derived.keys().next().value!)
  return made
}

/** The Results view of experiment `id`; with `slice`, the exposed lists hold that slice's items only. */
export async function experimentView(store: WorkspaceStore, id: string, top = EXPOSED, slice?: SliceFilter): Promise<ExperimentView> {
  const record = toRecord(requireRow(store, id))
  const scores = store.scores.get(id)
  const items = new Map(store.items.list(record.spec.datasetHash).map((r) => [r.itemId, r]))
  const scored: Scored[] = scores.itemIds.map((itemId, i) => {
    const item = items.get(itemId)
    return { id: itemId, item, metadata: item?.metadata, score: scores.scores[i], label: scores.labels[i] }
  })
  const shown = slice ? itemsOfSlice(scored, slice) : scored
  // Ties (WSA often gives many items 1.000) rank by item id, so the lists are stable and say how they were ordered.
  const byScore = [...shown].filter((x) => Number.isFinite(x.score)).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const members = shown.filter((x) => x.label === 1).length
  const { slices, rocBand } = await derivedOf(record, scored)
  return {
    record,
    roc: record.results?.metrics?.roc ?? null,
    rocBand,
    histogram: histogram(scored),
    topMembers: await exposed(
      byScore.filter((x) => x.label === 1),
      top
    ),
    falsePositives: await exposed(
      byScore.filter((x) => x.label === 0),
      top
    ),
    slices,
    slice: slice ? { ...slice, members, nonmembers: shown.filter((x) => x.label === 0).length } : null,
    scores: itemScores(scored)
  }
}
