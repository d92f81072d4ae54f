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

const rowNorm = (m: Float32Array, i: number, d: number): number => {
  let sum = 0
  for (let j = i * d; j < (i + 1) * d; j++) sum += m[j] * m[j]
  return Math.sqrt(sum)
}

/** Normalised vectors of `items`; an all-zero or non-finite row skips its item (named) instead of failing the run. */
async function normalised(source: VectorSource, items: Item[], skipped: SkippedItem[], emit: EventSink): Promise<{ items: Item[]; image: Float32Array; text: Float32Array }> {
  const d = source.dim
  const raw = await source.read(items)
  const keep: number[] = []
  items.forEach((it, i) => {
    const bad = [
      ['image', rowNorm(raw.image, i, d)],
      ['text', rowNorm(raw.text, i, d)]
    ].find(([, n]) => !((n as number) > 0 && Number.isFinite(n)))
    if (!bad) return keep.push(i)
    const message = `Item ${it.id}: its precomputed ${bad[0]} embedding (part ${it.vectors?.shard}, row ${it.vectors?.row}) has norm ${bad[1]}; it is skipped.`
    skipped.push({ itemId: it.id, code: 'bad-item', message })
    emit({ type: 'item-skipped', itemId: it.id, code: 'bad-item', message, hint: 'An all-zero or NaN row means the embedding run failed for this pair; recompute it or drop the row.' })
  })
  const pick = (m: Float32Array): Float32Array => (keep.length === items.length ? m : Float32Array.from(keep.flatMap((i) => Array.from(m.subarray(i * d, (i + 1) * d)))))
  return { items: keep.map((i) => items[i]), image: l2NormalizeRows(pick(raw.image), keep.length, d), text: l2NormalizeRows(pick(raw.text), keep.length, d) }
}

/** Run an attack on `ds`'s own vectors (CSA streamed, the others gathered); the caller has refused AEA (it needs the model and the images). */
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
    const pendingScorable = pending.filter((it) => it.role !== 'pool')
    const { items: scorable, image, text } = await normalised(ds.vectors, pendingScorable, skipped, emit)
    const cos = csaScores(image, text, scorable.length, ds.vectors.dim)
    scorable.forEach((it, i) => {
      if (it.role === 'reference') reference.push(cos[i])
      else {
        targets.push({ id: it.id, imagePath: '', caption: it.caption, membership: it.membership, role: it.role, metadata: {}, escapesRoot: false })
        scores.push(cos[i])
      }
    })
    pool += pending.length - pendingScorable.length
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
  const outcome: AttackOutcome = {
    targets,
    scores: Float64Array.from(scores),
    referenceScores: reference.length ? Float64Array.from(reference) : null,
    extra: null,
    report: { views: 1, precomputed: true }
  }
  return { outcome, reference: reference.length, pool, skipped }
}

/** WSA, QMIA, loss-grad, rank: every needed vector is gathered (normalised) and the model-based scorer runs on them unchanged. */
async function gatheredWsa(spec: ResolvedSpec, ds: Dataset & { vectors: VectorSource }, ctx: Context): Promise<PrecomputedRun> {
  const parts: RunItems = await collectItems(ds, ctx.signal, ctx.emit)
  storeItems(ctx.store, ds.info.hash, [...parts.targets, ...parts.reference, ...parts.pool], NO_IMAGES)
  const { items: all, image, text } = await normalised(ds.vectors, [...parts.targets, ...parts.reference, ...parts.pool], parts.skipped, ctx.emit)
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
