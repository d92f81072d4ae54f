// COCO captions datasets: one item per (image, caption) annotation; the JSON is parsed in one go under a size cap.
import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { DATASET_JSON, exists, folderInfo, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { byCodeUnit } from './folder'
import { sha256File } from './hash'
import { hashLabelling, labelOf, loadLabelling, unusedLabels } from './label-rule'
import type { Labelling } from './label-rule'
import { escapesRoot } from './record-fields'
import type { Dataset, DatasetIssue, DatasetRecord, IssueCode, IterateOptions } from './types'
import { openRegularFile, readRegularFile } from './safe-read'

/**
 * Largest captions JSON read: 512 MB (decimal). COCO train2017 captions are ~90 MB (~600k captions);
 * JSON.parse needs several times the file size in heap, and V8 strings stop at 2^29 − 24 characters
 * (~536.9 M), so 512 MiB would not even fit in one string.
 */
export const MAX_COCO_JSON_BYTES = 512_000_000

/** A COCO captions file, its image folder and where its membership comes from. */
export interface CocoSource {
  file: string
  root: string
  imagesDir: string
  /** `val2017` from `captions_val2017.json` (or the image folder's name), when known. */
  split?: string
  labelling: Labelling
}

const SPLIT_NAME = /^(?:train|val|test)\d{4}$/

function fatal(file: string, message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file}: ${message}`, hint })
}

/** Parse the captions file and check its top-level shape; anything else is per-entry. */
async function readCoco(file: string): Promise<{ images: unknown[]; annotations: unknown[] }> {
  const size = (await stat(file)).size
  if (size > MAX_COCO_JSON_BYTES)
    throw fatal(
      file,
      `${size} bytes, above the ${MAX_COCO_JSON_BYTES}-byte limit for a COCO captions file.`,
      'Split the annotations into several files (e.g. per split) and open each as its own dataset.'
    )
  let json: unknown
  try {
    json = JSON.parse((await readRegularFile(file, MAX_COCO_JSON_BYTES)).toString('utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw fatal(file, `not valid JSON (${(err as Error).message}).`, 'Re-download the annotations file; it is probably truncated.')
  }
  const top = json as { images?: unknown; annotations?: unknown } | null
  if (typeof top !== 'object' || top === null || !Array.isArray(top.images) || !Array.isArray(top.annotations)) {
    throw fatal(file, 'not a COCO captions file: expected an object with "images" and "annotations" lists.', 'Give a COCO captions file such as annotations/captions_val2017.json.')
  }
  return { images: top.images, annotations: top.annotations }
}

/** A COCO id (number or non-empty string) as text, or undefined. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'string' && value.trim() !== '') return value
  return undefined
}

function entryIssue(itemId: string, code: IssueCode, message: string, hint: string, severity: DatasetIssue['severity'] = 'error'): DatasetRecord {
  return { issues: [{ itemId, severity, code, message, hint }] }
}

/** Map image id → file name (undefined when the entry has none); id-less and repeated entries are ignored with a warning. */
function indexImages(images: unknown[], name: string): { files: Map<string, string | undefined>; records: DatasetRecord[] } {
  const files = new Map<string, string | undefined>()
  const firstIndex = new Map<string, number>()
  const records: DatasetRecord[] = []
  images.forEach((entry, i) => {
    const id = idText((entry as { id?: unknown } | null)?.id)
    if (id === undefined) {
      records.push(entryIssue(`images[${i}]`, 'missing-id', `${name} images[${i}]: the entry has no id; it is ignored.`, 'Give every image entry a numeric "id".', 'warning'))
      return
    }
    if (firstIndex.has(id)) {
      records.push(
        entryIssue(id, 'duplicate-id', `${name} images[${i}]: image id ${id} is already listed at images[${firstIndex.get(id)}]; this entry is ignored.`, 'List every image once.', 'warning')
      )
      return
    }
    firstIndex.set(id, i)
    const file = (entry as { file_name?: unknown }).file_name
    files.set(id, typeof file === 'string' && file.trim() !== '' ? file : undefined)
  })
  return { files, records }
}

interface AnnotationContext {
  src: CocoSource
  name: string
  files: Map<string, string | undefined>
  seen: Map<string, number>
  used: Set<string>
}

/** One annotation → one record: the item, or the error that makes it unusable. */
function annotationRecord(entry: unknown, i: number, ctx: AnnotationContext): DatasetRecord {
  const where = `${ctx.name} annotations[${i}]`
  const a = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; image_id?: unknown; caption?: unknown }
  const annId = idText(a.id)
  const imageId = idText(a.image_id)
  if (annId === undefined || imageId === undefined) {
    const missing = annId === undefined ? '"id"' : '"image_id"'
    return entryIssue(
      `annotations[${i}]`,
      annId === undefined ? 'missing-id' : 'missing-field',
      `${where}: ${missing} is missing; this annotation is skipped.`,
      'Every annotation needs a numeric "id", an "image_id" and a "caption".'
    )
  }
  const id = `${imageId}-${annId}`
  const first = ctx.seen.get(annId)
  if (first !== undefined)
    return entryIssue(id, 'duplicate-id', `${where}: annotation id ${annId} is already used by annotations[${first}]; this annotation is skipped.`, 'Give every annotation a unique id.')
  ctx.seen.set(annId, i)
  if (!ctx.files.has(imageId))
    return entryIssue(
      id,
      'unknown-image',
      `${where} (id ${annId}): image_id ${imageId} matches no entry of "images"; this annotation is skipped.`,
      'Add the image to "images" or remove the annotation.'
    )
  const file = ctx.files.get(imageId)
  if (file === undefined)
    return entryIssue(
      id,
      'missing-image-path',
      `${where} (id ${annId}): image ${imageId} has no "file_name"; this annotation is skipped.`,
      'Give every image entry its "file_name" (relative to the image folder).'
    )
  const caption = typeof a.caption === 'string' ? a.caption.trim() : ''
  if (caption === '')
    return entryIssue(
      id,
      'missing-caption',
      `${where} (id ${annId}): the caption is ${typeof a.caption === 'string' ? 'empty' : 'missing'}; this annotation is skipped.`,
      'Every caption annotation needs a non-empty "caption".'
    )
  const imagePath = path.resolve(ctx.src.imagesDir, file)
  const metadata: Record<string, string> = { image_id: imageId }
  if (ctx.src.split) metadata.coco_split = ctx.src.split
  const item = { id, imagePath, caption, ...labelOf([id, imageId], ctx.src.labelling, ctx.used), metadata, escapesRoot: escapesRoot(ctx.src.root, imagePath) }
  const issues: DatasetIssue[] = []
  if (item.escapesRoot)
    issues.push({
      itemId: id,
      severity: 'warning',
      code: 'path-escapes-root',
      message: `${where}: ${imagePath} is outside the dataset folder ${ctx.src.root}.`,
      hint: 'Allowed for local runs; browser mode will not serve this image.'
    })
  return { item, issues }
}

/** Stream the records: image-entry issues first, then one per annotation in file order, then unused labels. */
export async function* cocoRecords(src: CocoSource, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const name = path.basename(src.file)
  const { images, annotations } = await readCoco(src.file)
  const { files, records } = indexImages(images, name)
  yield* records
  const ctx: AnnotationContext = { src, name, files, seen: new Map(), used: new Set() }
  for (let i = 0; i < annotations.length; i++) {
    if (i % 4096 === 0) throwIfAborted(options.signal)
    yield annotationRecord(annotations[i], i, ctx)
  }
  yield* unusedLabels(src.labelling.labels, ctx.used, 'image id or item id (<image_id>-<annotation_id>)', 'Use a COCO image id (all its captions) or an item id such as 139-12345, or remove the row.')
}

/** Number of annotations (one record each); needs a full parse. */
export async function countCoco(src: CocoSource, options: IterateOptions = {}): Promise<number> {
  throwIfAborted(options.signal)
  return (await readCoco(src.file)).annotations.length
}

/** True when the start of `file` looks like a COCO file (an "images" list), without parsing all of it. */
async function looksLikeCoco(file: string): Promise<boolean> {
  const handle = await openRegularFile(file)
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 << 10), 0, 64 << 10, 0)
    return /"images"\s*:\s*\[/.test(buffer.subarray(0, bytesRead).toString('utf8'))
  } finally {
    await handle.close()
  }
}

async function jsonFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names
    .filter((n) => pattern.test(n))
    .sort(byCodeUnit)
    .map((n) => path.join(dir, n))
}

/**
 * The captions file of a folder, if it is a COCO dataset: `annotations/captions_*.json`, else
 * `captions_*.json`, else a top-level `*.json` that starts like a COCO file. Several candidates
 * are ambiguous and fail the open.
 */
export async function findCocoJson(root: string): Promise<string | undefined> {
  let found = await jsonFiles(path.join(root, 'annotations'), /^captions_.*\.json$/i)
  if (found.length === 0) found = await jsonFiles(root, /^captions_.*\.json$/i)
  if (found.length === 0) {
    const others = await jsonFiles(root, /\.json$/i)
    const candidates = others.filter((f) => path.basename(f) !== DATASET_JSON && !/_stats\.json$/i.test(f))
    found = []
    for (const f of candidates) if (await looksLikeCoco(f)) found.push(f)
  }
  if (found.length > 1) {
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: root,
      message: `${root} holds several COCO captions files (${found.map((f) => path.relative(root, f)).join(', ')}).`,
      hint: `Open one of them directly, or name it in ${DATASET_JSON}: {"format": "coco", "annotations": "…"}.`
    })
  }
  return found[0]
}

/** The dataset folder of a captions file: the parent of an `annotations/` folder, else the file's folder. */
export function cocoRoot(file: string): string {
  const dir = path.dirname(file)
  return path.basename(dir).toLowerCase() === 'annotations' ? path.dirname(dir) : dir
}

/** Image folder: dataset.json `images`, else `<split>/`, `images/<split>/`, `images/`, `train2017/`, `val2017/`, else the JSON's folder. */
async function imagesDirOf(file: string, root: string, meta: DatasetJson | undefined, split: string | undefined): Promise<string> {
  if (meta?.images) return path.resolve(root, meta.images)
  const names = split ? [split, `images/${split}`, 'images'] : ['images', 'train2017', 'val2017']
  for (const name of names) if (await exists(path.join(root, name))) return path.join(root, name)
  return path.dirname(file)
}

/** Open a COCO captions file with its image folder, labels.csv and dataset.json rule. */
export async function openCoco(file: string, root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  if (!(await exists(file)))
    throw new WorkbenchError({ code: 'not-found', item: file, message: `The COCO captions file ${file} does not exist.`, hint: `Check the "annotations" entry of ${DATASET_JSON}.` })
  const fromName = /^captions_(.+)\.json$/i.exec(path.basename(file))?.[1]
  const imagesDir = await imagesDirOf(file, root, meta, fromName)
  const split = fromName ?? (SPLIT_NAME.test(path.basename(imagesDir)) ? path.basename(imagesDir) : undefined)
  const src: CocoSource = { file, root, imagesDir, labelling: await loadLabelling(root, meta), ...(split ? { split } : {}) }
  const hash = createHash('sha256').update(`coco\0${await sha256File(file, signal)}`)
  hashLabelling(hash, src.labelling)
  const info = { ...folderInfo(root, meta), manifestPath: file, kind: 'coco' as const, hash: hash.digest('hex') }
  return toDataset(
    info,
    (o) => cocoRecords(src, o),
    (o) => countCoco(src, o)
  )
}
