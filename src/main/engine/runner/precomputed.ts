// Attacks on embedding-only datasets (clip-retrieval): CSA streamed in bounded memory, WSA on gathered vectors; no model runs.
import type { EventSink } from '../../../shared/contract/events'
import type { ResolvedSpec, SkippedItem } from '../../../shared/contract/experiments'
import { csaScores, l2NormalizeRows } from '../attacks'
import type { Dataset, Item, VectorSource } from '../datasets'
import type { WorkspaceStore } from '../store'
import { scoreWithModel, type AttackOutcome } from './attack'
import type { EmbeddedItems } from './embed'
import { collectItems, skipCollector, storeItems, type RunItems } from './plan'
import { PhaseProgress } from './progress'

/** Items scored per read: one read per run of consecutive rows, 2 × CHUNK × d floats in memory. */
const CHUNK = 4096
const NO_IMAGES: ReadonlyMap<string, string> = new Map()

/** What a precomputed run yields besides the outcome: items per role and the records it skipped. */
export interface PrecomputedRun {
  outcome: AttackOutcome
  reference: number
  pool: number
  skipped: SkippedItem[]
}

interface Context {
  store: WorkspaceStore
  signal?: AbortSignal
  emit: EventSink
}

async function normalised(source: VectorSource, items: Item[]): Promise<{ image: Float32Array; text: Float32Array }> {
  const { image, text } = await source.read(items)
  return { image: l2NormalizeRows(image, items.length, source.dim), text: l2NormalizeRows(text, items.length, source.dim) }
}

/** Run CSA or WSA on `ds`'s own vectors; the caller has refused AEA (it needs the model and the images). */
export async function scorePrecomputed(spec: ResolvedSpec, ds: Dataset & { vectors: VectorSource }, ctx: Context): Promise<PrecomputedRun> {
  ctx.emit({ type: 'log', level: 'info', message: `Using the dataset's precomputed ${ds.vectors.dim}-dimensional embeddings${ds.vectors.model ? ` (${ds.vectors.model})` : ''}; no model is queried.` })
  return spec.attack === 'csa' ? streamCsa(ds, ctx) : gatheredWsa(spec, ds, ctx)
}

/**
 * CSA over any number of pairs: records stream from the metadata, vectors are read CHUNK at a time,
 * and only an id, a label, a caption and a score are kept per target (1M pairs stay well under 1 GB).
 */
async function streamCsa(ds: Dataset & { vectors: VectorSource }, ctx: Context): Promise<PrecomputedRun> {
  const { store, signal, emit } = ctx
  const total = await ds.count({ signal })
  const progress = new PhaseProgress(emit, 'scoring', total, 'pairs')
  const targets: Item[] = []
  const scores: number[] = []
  const reference: number[] = []
  const { skipped, onIssue } = skipCollector(emit)
  let pool = 0
  let position = 0
  let pending: Item[] = []
  const flush = async (): Promise<void> => {
    const scorable = pending.filter((it) => it.role !== 'pool')
    const { image, text } = await normalised(ds.vectors, scorable)
    const cos = csaScores(image, text, scorable.length, ds.vectors.dim)
    scorable.forEach((it, i) => {
      if (it.role === 'reference') reference.push(cos[i])
      else {
        targets.push({ id: it.id, imagePath: '', caption: it.caption, membership: it.membership, role: it.role, metadata: {}, escapesRoot: false })
        scores.push(cos[i])
      }
    })
    pool += pending.length - scorable.length
    storeItems(store, ds.info.hash, pending, NO_IMAGES, position)
    position += pending.length
    progress.advance(pending.length)
    pending = []
  }
  for await (const item of ds.items({ signal, onIssue })) {
    pending.push(item)
    if (pending.length === CHUNK) await flush()
  }
  await flush()
  progress.finish()
  const outcome: AttackOutcome = { targets, scores: Float64Array.from(scores), referenceScores: reference.length ? Float64Array.from(reference) : null, extra: null, report: { views: 1, precomputed: true } }
  return { outcome, reference: reference.length, pool, skipped }
}

/** WSA: every needed vector is gathered (normalised) and the model-based scorer runs on them unchanged. */
async function gatheredWsa(spec: ResolvedSpec, ds: Dataset & { vectors: VectorSource }, ctx: Context): Promise<PrecomputedRun> {
  const parts: RunItems = await collectItems(ds, ctx.signal, ctx.emit)
  const all = [...parts.targets, ...parts.reference, ...parts.pool]
  storeItems(ctx.store, ds.info.hash, all, NO_IMAGES)
  const { image, text } = await normalised(ds.vectors, all)
  const d = ds.vectors.dim
  const row = new Map(all.map((it, i) => [it.id, i]))
  const slice = (m: Float32Array, id: string): Float32Array | undefined => {
    const i = row.get(id)
    return i === undefined ? undefined : m.subarray(i * d, (i + 1) * d)
  }
  const emb: EmbeddedItems = {
    imageHashes: new Map(),
    views: ['orig'],
    dim: d,
    image: (id, k) => (k === 0 ? slice(image, id) : undefined),
    text: (id) => slice(text, id),
    skipped: [],
    computed: { image: 0, text: 0 },
    cached: { image: all.length, text: all.length }
  }
  const outcome = await scoreWithModel(spec, parts, emb, ctx.signal, ctx.emit)
  return { outcome, reference: parts.reference.length, pool: parts.pool.length, skipped: parts.skipped }
}
