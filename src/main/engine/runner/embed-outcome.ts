// After the embedding pass: the run log's cache line (counted by distinct content, as the cache stores it) and the
// settling of items left without a vector, so that none is silently dropped.
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import { captionHash, type Item } from '../datasets'
import { embeddingKey } from '../store'

/**
 * The cache line: totals, distinct contents and how many distinct ones were cached. Duplicate captions and images are
 * embedded once, so "cached" counts distinct contents, never the duplicates of work still to do (issue 16).
 */
export function cacheLine(textKeys: ReadonlyArray<{ contentHash: string }>, textTodo: number, imageUnits: ReadonlyArray<{ contentHash: string; view: string }>, imageTodo: number): string {
  const distinctText = new Set(textKeys.map((k) => k.contentHash)).size
  const distinctImage = new Set(imageUnits.map((u) => embeddingKey(u.contentHash, u.view))).size
  return `Cache: ${textKeys.length} captions, ${distinctText} distinct, ${distinctText - textTodo} cached; ${imageUnits.length} image views, ${distinctImage} distinct, ${distinctImage - imageTodo} cached.`
}

/** What the embedding pass knows when it settles the items: failures by item and by image content, and the vectors. */
export interface EmbedOutcome {
  failed: Set<string>
  /** Image content hash → the first item whose image failed and why. */
  failedContent: ReadonlyMap<string, { first: string; err: unknown }>
  imageHashes: ReadonlyMap<string, string>
  image: ReadonlyMap<string, Float32Array>
  text: ReadonlyMap<string, Float32Array>
}

/**
 * Every usable item ends embedded or skipped with a reason, never silently dropped (issue 16): work is deduplicated by
 * content, so an item sharing the bytes of a failed image is skipped naming that item, and any item still without its
 * vectors is skipped as such. Adds each to `failed`.
 */
export function skipUnembedded(usable: readonly Item[], o: EmbedOutcome, skip: (item: Item, err: unknown) => void): void {
  for (const it of usable) {
    if (o.failed.has(it.id)) continue
    const hash = o.imageHashes.get(it.id)!
    const same = o.failedContent.get(hash)
    const missing = !o.image.has(embeddingKey(hash, 'orig')) || !o.text.has(embeddingKey(captionHash(it.caption), 'orig'))
    if (!same && !missing) continue
    o.failed.add(it.id)
    const data = same ? toErrorData(same.err) : null
    skip(
      it,
      data
        ? new WorkbenchError({ code: data.code, item: it.id, message: `Item ${it.id}: its image has the same bytes as item ${same!.first}, which was skipped: ${data.message}`, hint: data.hint })
        : new WorkbenchError({ code: 'inference-failed', item: it.id, message: `Item ${it.id}: no embedding was produced for it.`, hint: 'Rerun; if it persists, report it with the dataset.' })
    )
  }
}
