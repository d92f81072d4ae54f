// The embedding pipeline: hash → cache check → decode/augment/preprocess overlapped with inference → batched store writes.
import type { ScoreRule } from '../../../shared/contract/models'
import fs from 'node:fs/promises'
import path from 'node:path'
import { throwIfAborted, WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { SkippedItem } from '../../../shared/contract/experiments'
import { l2NormalizeRows } from '../attacks'
import { viewCount, viewSpec, type AugBank } from '../augment'
import { crashPoint } from '../crash-point'
import { captionHash, imageHash, imageStamp, type Item } from '../datasets'
import { defaultBatchSize, type ClipModel } from '../models'
import { loadTokenizer, readPreprocessorConfig, tokenize } from '../preprocess'
import { embeddingKey, type WorkspaceStore } from '../store'
import { cacheLine, skipUnembedded } from './embed-outcome'
import { PhaseProgress } from './progress'
import { missingFile, readImage, type ItemResult, type ItemTask } from './prepare-item'
import { preparedInOrder, startedEarly, type StartedIteration } from './preprocess-pool'

/** What to embed: every item's caption, and its image under `orig` plus the K views of `bank`. */
export interface EmbedRequest {
  model: ClipModel
  items: readonly Item[]
  store: WorkspaceStore
  /** Augmentation bank and seed for AEA; null = only the original view. */
  bank: AugBank | null
  seed: number
  /** Items whose augmented views are needed (default: all); others get `orig` only. */
  augmentItems?: ReadonlySet<string>
  batchSize?: number
  /** Decode/preprocess worker threads (default: cores − 1 where that is two or more, else on this thread; 0 = on this thread). */
  preprocessThreads?: number
  signal?: AbortSignal
  emit: EventSink
}

/** Normalised embeddings of the usable items, read back from the cache. */
export interface EmbeddedItems {
  /** Item id → sha256 of its image bytes, for every item that could be read. */
  imageHashes: Map<string, string>
  /** View specs in order: views[0] = 'orig', views[k] = augmented view k. */
  views: string[]
  dim: number
  image(itemId: string, k: number): Float32Array | undefined
  text(itemId: string): Float32Array | undefined
  skipped: SkippedItem[]
  /** Normalised embeddings (n × d) of arbitrary texts, cached by text hash; absent where no model runs (precomputed vectors). */
  embedTexts?: (texts: string[]) => Promise<Float32Array>
  computed: { image: number; text: number }
  cached: { image: number; text: number }
  /** The model's pairwise score (SigLIP's sigmoid rule); absent: cosine, as for precomputed vectors. */
  scoreRule?: ScoreRule
}

interface ImageUnit {
  item: Item
  contentHash: string
  k: number
  view: string
}

/** Embed what the cache lacks and return every needed vector; bad items are skipped and listed, never fatal. */
export async function embedItems(req: EmbedRequest): Promise<EmbeddedItems> {
  const { model, store, signal, emit } = req
  const fp = model.description.fingerprint
  if (!fp) throw new WorkbenchError({ code: 'bad-model', item: model.description.path, message: `Model ${model.description.name} has no fingerprint.` })
  const skipped: SkippedItem[] = []
  const skip = (item: Item, err: unknown): void => {
    const data = toErrorData(err)
    skipped.push({ itemId: item.id, code: data.code, message: data.message })
    emit({ type: 'item-skipped', itemId: item.id, code: data.code, message: data.message, hint: data.hint })
  }
  const K = req.bank ? viewCount(req.bank) : 0
  const views = ['orig', ...Array.from({ length: K }, (_, i) => viewSpec(req.bank!, i + 1, req.seed))]

  const imageHashes = await hashImages(req.items, signal, emit, skip)
  const usable = req.items.filter((it) => imageHashes.has(it.id)).map((it) => ({ ...it, caption: modelCaption(model, it.caption) }))
  const textKeys = usable.map((it) => ({ contentHash: captionHash(it.caption), view: 'orig' }))
  const imageUnits = usable.flatMap((it) => {
    const ks = req.augmentItems && !req.augmentItems.has(it.id) ? 1 : views.length
    return Array.from({ length: ks }, (_, k) => ({ item: it, contentHash: imageHashes.get(it.id)!, k, view: views[k] }))
  })

  const missingText = new Set(store.embeddings.missing(fp, 'text', textKeys).map((k) => k.contentHash))
  const missingImage = new Set(store.embeddings.missing(fp, 'image', imageUnits).map((k) => embeddingKey(k.contentHash, k.view)))
  const textWork = dedupe(
    usable.filter((it) => missingText.has(captionHash(it.caption))),
    (it) => captionHash(it.caption)
  )
  const imageWork = dedupe(
    imageUnits.filter((u) => missingImage.has(embeddingKey(u.contentHash, u.view))),
    (u) => embeddingKey(u.contentHash, u.view)
  )
  emit({ type: 'log', level: 'info', message: cacheLine(textKeys, textWork.length, imageUnits, imageWork.length) })

  await model.load()
  const batch = req.batchSize ?? defaultBatchSize(model.provider)
  // One 'embedding' phase covers captions and original images, so its progress never goes back.
  const origCount = imageWork.filter((u) => u.k === 0).length
  const embedding = textWork.length + origCount ? new PhaseProgress(emit, 'embedding', textWork.length + origCount, 'items') : null
  // Images start decoding now, so the first image batch is ready when the captions leave the text tower.
  const images = await startImageUnits(model, imageWork, { batch, bank: req.bank, seed: req.seed, threads: req.preprocessThreads }, signal)
  try {
    await embedCaptions(model, fp, textWork, store, batch, { signal, emit, progress: embedding })
  } catch (err) {
    await images?.prepared.cancel()
    throw err
  }
  // Work is deduplicated by content, so a failure is remembered by content hash: every item with those bytes fails alike.
  const failedContent = new Map<string, { first: string; err: unknown }>()
  const skipUnit = (item: Item, err: unknown): void => {
    failedContent.set(imageHashes.get(item.id)!, { first: item.id, err })
    skip(item, err)
  }
  const failed = images ? await embedImageUnits(model, fp, images, store, { signal, emit, progress: embedding }, skipUnit) : new Set<string>()

  const text = store.embeddings.getMany(fp, 'text', textKeys)
  const image = store.embeddings.getMany(fp, 'image', imageUnits)
  adoptCachedDim(model, text, image)
  skipUnembedded(usable, { failed, failedContent, imageHashes, image, text }, skip)
  const captionOf = new Map(usable.filter((it) => !failed.has(it.id)).map((it) => [it.id, captionHash(it.caption)]))
  return {
    imageHashes,
    views,
    dim: model.dim,
    image: (id, k) => (failed.has(id) ? undefined : image.get(embeddingKey(imageHashes.get(id) ?? '', views[k]))),
    text: (id) => {
      const hash = captionOf.get(id)
      return hash ? text.get(embeddingKey(hash, 'orig')) : undefined
    },
    skipped,
    embedTexts: (texts) => embedStrings(model, fp, store, texts, { signal, emit, batch }),
    scoreRule: model.description.scoreRule,
    computed: { image: imageWork.length - failedUnits(imageWork, failed), text: textWork.length },
    cached: { image: imageUnits.length - imageWork.length, text: textKeys.length - textWork.length }
  }
}

/**
 * A caption as the model's tokenizer must see it (SigLIP 2: lowercased). Its hash is the text cache key, so a caption
 * that differs only in case shares one embedding, and an embedding made of the text as written is never reused.
 */
function modelCaption(model: ClipModel, caption: string): string {
  return model.description.captionCase === 'lowercase' ? caption.toLowerCase() : caption
}

/** A symbolic-size model that ran no batch (everything cached) takes its size from the stored vectors. */
function adoptCachedDim(model: ClipModel, ...stored: Array<Map<string, Float32Array>>): void {
  for (const m of stored) {
    const first = m.values().next()
    if (!first.done) return model.adoptDim(first.value.length)
  }
}

/** Embed texts that are no item's caption (prompt templates, candidate lists) through the same cache as captions. */
async function embedStrings(model: ClipModel, fp: string, store: WorkspaceStore, asWritten: string[], ctx: { signal?: AbortSignal; emit: EventSink; batch: number }): Promise<Float32Array> {
  const texts = asWritten.map((t) => modelCaption(model, t))
  const keys = texts.map((t) => ({ contentHash: captionHash(t), view: 'orig' }))
  const missing = new Set(store.embeddings.missing(fp, 'text', keys).map((k) => k.contentHash))
  const work = dedupe(
    texts.filter((t) => missing.has(captionHash(t))),
    captionHash
  ).map((caption) => ({ caption }) as Item)
  await embedCaptions(model, fp, work, store, ctx.batch, { signal: ctx.signal, emit: ctx.emit, progress: null })
  const got = store.embeddings.getMany(fp, 'text', keys)
  adoptCachedDim(model, got)
  const out = new Float32Array(texts.length * model.dim)
  texts.forEach((t, i) => out.set(got.get(embeddingKey(captionHash(t), 'orig'))!, i * model.dim))
  return out
}

function failedUnits(units: ImageUnit[], failed: Set<string>): number {
  return units.filter((u) => failed.has(u.item.id)).length
}

function dedupe<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>()
  return list.filter((t) => {
    const k = key(t)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

// Hashes of files already read in this process, keyed by path, size and mtime: a rerun re-reads nothing.
const hashMemo = new Map<string, string>()

/** sha256 of every item's image bytes; unreadable files are skipped. */
async function hashImages(items: readonly Item[], signal: AbortSignal | undefined, emit: EventSink, skip: (item: Item, err: unknown) => void): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const progress = new PhaseProgress(emit, 'validating', items.length, 'files')
  const CONCURRENCY = 16
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      throwIfAborted(signal)
      const item = items[next++]
      try {
        out.set(item.id, await hashOne(item))
      } catch (err) {
        skip(item, err)
      }
      progress.advance(1)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return out
}

async function hashOne(item: Item): Promise<string> {
  const memoKey = await imageStamp(item).catch((err: NodeJS.ErrnoException) => {
    throw missingFile(item, err)
  })
  const known = hashMemo.get(memoKey)
  if (known) return known
  const hash = imageHash(await readImage(item))
  hashMemo.set(memoKey, hash)
  return hash
}

/** Tokenize and embed captions in batches; each batch is stored in one transaction. */
interface Reporting {
  signal?: AbortSignal
  emit: EventSink
  /** The shared 'embedding' phase (captions and original images). */
  progress: PhaseProgress | null
}

async function embedCaptions(model: ClipModel, fp: string, work: Item[], store: WorkspaceStore, batch: number, { signal, emit, progress }: Reporting): Promise<void> {
  if (work.length === 0) return
  const tok = await loadTokenizer(model.description.tokenizerDir ?? model.description.path, model.description.contextLength ? { contextLength: model.description.contextLength } : {})
  let truncated = 0
  for (let start = 0; start < work.length; start += batch) {
    throwIfAborted(signal)
    const chunk = work.slice(start, start + batch)
    const t = tokenize(
      tok,
      chunk.map((it) => it.caption)
    )
    truncated += t.truncated.filter(Boolean).length
    const raw = await model.embedTexts(t.ids, t.attentionMask, chunk.length, tok.contextLength)
    const vectors = l2NormalizeRows(raw, chunk.length, model.dim)
    store.embeddings.putMany(
      chunk.map((it, i) => ({ modelFingerprint: fp, kind: 'text' as const, contentHash: captionHash(it.caption), view: 'orig', vector: vectors.slice(i * model.dim, (i + 1) * model.dim) }))
    )
    crashPoint('embed-batch')
    progress?.advance(chunk.length, 'captions')
  }
  if (truncated) emit({ type: 'log', level: 'warn', message: `${truncated} caption(s) had more than ${tok.contextLength} tokens and were truncated (the end token is kept).` })
}

/** Units grouped per item (an item's views are contiguous in `work`): one decode serves all its views. */
function tasksOf(work: ImageUnit[]): { tasks: ItemTask[]; units: ImageUnit[][] } {
  const tasks: ItemTask[] = []
  const units: ImageUnit[][] = []
  for (const u of work) {
    const last = tasks.at(-1)
    if (last && last.item.id === u.item.id && last.contentHash === u.contentHash) {
      last.ks.push(u.k)
      units.at(-1)!.push(u)
    } else {
      tasks.push({ item: u.item, contentHash: u.contentHash, ks: [u.k] })
      units.push([u])
    }
  }
  return { tasks, units }
}

/** Image units whose decoding has started in the pool (runner/preprocess-pool.ts). */
interface StartedImages {
  prepared: StartedIteration<[ItemTask, ItemResult]>
  units: ImageUnit[][]
  work: ImageUnit[]
  per: number
  batch: number
}

/** Start decode/augment/preprocess of `work` in the pool, two batches ahead of the vision tower; null when nothing is to embed. */
async function startImageUnits(
  model: ClipModel,
  work: ImageUnit[],
  opts: { batch: number; bank: AugBank | null; seed: number; threads?: number },
  signal?: AbortSignal
): Promise<StartedImages | null> {
  if (work.length === 0) return null
  // The model's own preprocessing, whatever file of its format it came from (models/formats/).
  const config = model.description.preprocess ?? readPreprocessorConfig(await fs.readFile(path.join(model.description.path, 'preprocessor_config.json'), 'utf8'))
  const side = model.description.imageSize ?? config.cropSize.height
  const per = 3 * side * side
  const { tasks, units } = tasksOf(work)
  // Two batches ahead: the next batch is ready when the current one leaves the vision tower.
  const prepared = startedEarly(preparedInOrder(tasks, { config, per, bank: opts.bank, seed: opts.seed }, { threads: opts.threads, window: 2 * opts.batch, signal }))
  return { prepared, units, work, per, batch: opts.batch }
}

/** Run the prepared images through the vision tower in batches and store them; returns ids of items that failed. */
async function embedImageUnits(
  model: ClipModel,
  fp: string,
  { prepared, units, work, per, batch: batchSize }: StartedImages,
  store: WorkspaceStore,
  { emit, progress }: Reporting,
  skip: (item: Item, err: unknown) => void
): Promise<Set<string>> {
  const failed = new Set<string>()
  const orig = work.filter((u) => u.k === 0).length
  const augProgress = work.length > orig ? new PhaseProgress(emit, 'augmenting', work.length - orig, 'views') : null
  const advance = (units: ImageUnit[]): void => {
    const nOrig = units.filter((u) => u.k === 0).length
    if (nOrig) progress?.advance(nOrig, 'images')
    if (units.length - nOrig) augProgress?.advance(units.length - nOrig, 'augmented views')
  }
  let batch: ImageUnit[] = []
  // One input buffer for every batch (a ViT-B/32 batch of 32 is 19 MB): the model is done with it when its promise resolves.
  const pixels = new Float32Array(batchSize * per)
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const raw = await model.embedImages(pixels.subarray(0, batch.length * per), batch.length)
    const vectors = l2NormalizeRows(raw, batch.length, model.dim)
    store.embeddings.putMany(
      batch.map((u, i) => ({ modelFingerprint: fp, kind: 'image' as const, contentHash: u.contentHash, view: u.view, vector: vectors.slice(i * model.dim, (i + 1) * model.dim) }))
    )
    crashPoint('embed-batch')
    advance(batch)
    batch = []
  }
  let t = 0
  for await (const [task, result] of prepared) {
    const mine = units[t++]
    if ('error' in result) {
      failed.add(task.item.id)
      skip(task.item, new WorkbenchError(result.error))
      advance(mine)
      continue
    }
    for (let i = 0; i < mine.length; i++) {
      pixels.set(result.pixels.subarray(i * per, (i + 1) * per), batch.length * per)
      batch.push(mine[i])
      if (batch.length === batchSize) await flush()
    }
  }
  await flush()
  return failed
}
