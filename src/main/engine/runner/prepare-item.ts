// One item's image through decode, its views and CLIP preprocessing: the unit of work of the preprocessing pool,
// run in worker threads or inline by the same code (so outputs never depend on where it ran).
import { WorkbenchError, toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
// Modules, not the barrels: this file is what every preprocessing worker loads, and the barrels pull in tokenizers,
// dataset readers and the like (a worker's start-up from source measured 0.75 s with them).
import { applyView, type AugBank } from '../augment'
import { DataFileError } from '../datasets/safe-read'
import { imageLabel, readItemImage } from '../datasets/image-source'
import type { Item } from '../datasets/types'
import { preprocessInto } from '../preprocess/image'
import type { ImagePreprocessConfig } from '../preprocess/image-config'
import { decodeImage } from '../preprocess/image-decode'

/** What a worker needs to prepare every view of one item (structured-clonable). */
export interface ItemTask {
  item: Item
  contentHash: string
  /** View indices wanted (0 = original), in output order. */
  ks: number[]
}

/** Settings shared by every task of one embedding pass. */
export interface PrepareSettings {
  config: ImagePreprocessConfig
  /** Floats per preprocessed image (3 × side × side of the vision graph). */
  per: number
  bank: AugBank | null
  seed: number
}

/** Pixels of every view in `ks` order (ks.length × per floats), or why the item cannot be used. */
export type ItemResult = { pixels: Float32Array } | { error: WorkbenchErrorData }

/** A bad-item error for an image file that is missing or unreadable. */
export function missingFile(item: Item, err: NodeJS.ErrnoException): WorkbenchError {
  const gone = err.code === 'ENOENT'
  return new WorkbenchError({
    code: 'bad-item',
    item: item.id,
    message: gone
      ? `Item ${item.id}: image ${imageLabel(item)} does not exist.`
      : err instanceof DataFileError
        ? `Item ${item.id}: ${err.message}`
        : `Item ${item.id}: image ${imageLabel(item)} cannot be read (${err.code ?? err.message}).`,
    hint: gone
      ? 'Fix the path in the manifest or restore the file; the other items are used.'
      : err instanceof DataFileError
        ? 'Point the item at a regular image file within the size limit; the other items are used.'
        : 'Check the file permissions.'
  })
}

/** The item's image bytes; a missing or unreadable file is a bad-item error naming it. */
export async function readImage(item: Item): Promise<Buffer> {
  try {
    return await readItemImage(item)
  } catch (err) {
    throw missingFile(item, err as NodeJS.ErrnoException)
  }
}

/** Decode once, then augment (k > 0) and preprocess each wanted view; errors are returned, never thrown. */
export async function prepareItem(task: ItemTask, s: PrepareSettings): Promise<ItemResult> {
  try {
    const img = await decodeImage(await readImage(task.item), { itemId: task.item.id })
    const pixels = new Float32Array(task.ks.length * s.per)
    task.ks.forEach((k, i) => {
      const view = k === 0 || !s.bank ? img : applyView(img, s.bank, k, task.contentHash, s.seed)
      preprocessInto(view, s.config, pixels, i * s.per)
    })
    return { pixels }
  } catch (err) {
    return { error: toErrorData(err) }
  }
}
