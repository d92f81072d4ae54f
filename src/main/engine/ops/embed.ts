// embed: every item's caption and image (plus augmented views) through the cache, optionally written as JSON lines.
import fs from 'node:fs'
import { once } from 'node:events'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { parseBank } from '../augment'
import { sha256Text } from '../datasets'
import { collectItems, embedItems, type EmbeddedItems } from '../runner'
import type { Services } from '../services'
import { resolveOutPath } from './out-path'

/**
 * Float32 values as the shortest-enough decimals: 9 significant digits make every float32 round-trip exactly
 * (IEEE 754 §5.12.2: ⌈1 + 24·log10 2⌉ = 9); 8 digits, as before, lose the last bit of about one value in ten.
 */
export const float32Json = (v: Float32Array): number[] => Array.from(v, (x) => Number(x.toPrecision(9)))
const vec = float32Json

/** Shard of an item: from the hash of its id, so every machine splits a dataset the same way whatever its order. */
export function shardOf(itemId: string, count: number): number {
  return Number.parseInt(sha256Text(itemId).slice(0, 12), 16) % count
}

/** The embed operation. */
export async function embedOp(s: Services, input: OpParsedInput<'embed'>, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<OpOutput<'embed'>> {
  const t0 = performance.now()
  // Checked before any work, so a refused path costs nothing.
  const out = input.out ? resolveOutPath(s.config, input.out) : null
  const model = await s.models.open(s.resolveModel(input.model))
  const ds = await s.openDataset(input.dataset, ctx.signal)
  if (ds.info.embeddings) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: ds.info.root,
      message: `${ds.info.name} holds precomputed embeddings only: there are no images or captions to embed.`,
      hint: 'Run attacks on it directly (mia run --dataset … --attack csa); to embed with another model, import the images (e.g. the img2dataset shards).'
    })
  }
  const parts = await collectItems(ds, ctx.signal, ctx.emit, { readOutsideRoot: s.config.readOutsideRoot ?? !s.config.registeredOnly })
  const all = [...parts.targets, ...parts.reference, ...parts.pool]
  const items = input.shard ? all.filter((it) => shardOf(it.id, input.shard!.count) === input.shard!.index) : all
  const bank = input.augment?.trim() ? parseBank(input.augment) : null
  await model.load()
  const emb = await embedItems({ model, items, store: s.store(), bank, seed: input.seed, batchSize: input.batchSize ?? s.config.batchSize, signal: ctx.signal, emit: ctx.emit })
  if (out)
    await writeJsonLines(
      out,
      items.map((it) => it.id),
      emb
    )
  return {
    model: model.description.name,
    modelFingerprint: model.description.fingerprint ?? '',
    provider: model.provider ?? 'cpu',
    fallbackReason: model.fallbackReason,
    adapter: model.adapter,
    dataset: ds.info.name,
    datasetHash: ds.info.hash,
    items: items.length,
    views: emb.views,
    computed: emb.computed,
    cached: emb.cached,
    skipped: [...parts.skipped, ...emb.skipped],
    out,
    seconds: (performance.now() - t0) / 1000
  }
}

/** One line per embedded item; written to a temporary file and renamed, so a cancelled run leaves no half file. */
async function writeJsonLines(file: string, ids: string[], emb: EmbeddedItems): Promise<void> {
  const tmp = `${file}.partial`
  const stream = fs.createWriteStream(tmp)
  for (const id of ids) {
    const image = emb.image(id, 0)
    const text = emb.text(id)
    if (!image || !text) continue
    const line: Record<string, unknown> = { id, image_embeds: vec(image), text_embeds: vec(text) }
    if (emb.views.length > 1) line.augmented = emb.views.slice(1).map((view, i) => ({ view, image_embeds: vec(emb.image(id, i + 1) ?? new Float32Array()) }))
    if (!stream.write(`${JSON.stringify(line)}\n`)) await once(stream, 'drain')
  }
  stream.end()
  await once(stream, 'finish')
  fs.renameSync(tmp, file)
}
