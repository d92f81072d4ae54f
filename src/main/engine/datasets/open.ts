// openDataset: decides what a path is (manifest file, folder with dataset.json/manifest, image folder) and opens it.
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { WorkbenchError } from '../../../shared/contract/errors'
import { countFolder, folderHash, folderRecords, LABELS_FILE, readLabels } from './folder'
import { sha256File } from './hash'
import { countManifest, manifestKindOf, manifestRecords } from './manifest'
import type { ManifestSource } from './manifest'
import type { Dataset, DatasetInfo, DatasetRecord, IterateOptions, Item, ItemsOptions } from './types'

/** The descriptor file of a dataset folder (design doc, "Dataset manifest (v1)"). */
export const DATASET_JSON = 'dataset.json'

/** Manifest names looked for, in order, when dataset.json does not name one. */
export const DEFAULT_MANIFESTS = ['manifest.csv', 'manifest.jsonl'] as const

const DatasetJsonSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  attribution: z.unknown().optional(),
  manifest: z.string().optional()
})
type DatasetJson = z.infer<typeof DatasetJsonSchema>

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false)
}

async function readDatasetJson(dir: string): Promise<DatasetJson | undefined> {
  const file = path.join(dir, DATASET_JSON)
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file} is not valid JSON (${(err as Error).message}).`, hint: 'Fix the JSON syntax, e.g. with a JSON-aware editor.' })
  }
  const parsed = DatasetJsonSchema.safeParse(json)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file}: "${first.path.map(String).join('.')}" ${first.message}.`, hint: 'name, description, license and manifest must be strings when present.' })
  }
  return parsed.data
}

/** Licence text: `license` if given, else `attribution` (a string, or the `credit`s of a list). */
function licenseText(meta: DatasetJson | undefined): string {
  if (meta?.license) return meta.license
  const a = meta?.attribution
  if (typeof a === 'string') return a
  if (Array.isArray(a)) return a.map((x) => (typeof x === 'string' ? x : typeof x?.credit === 'string' ? x.credit : JSON.stringify(x))).join('\n')
  return a === undefined ? '' : JSON.stringify(a)
}

/** Usable items of a record stream: issues go to `onIssue`, or the first error throws. */
async function* usableItems(records: AsyncIterable<DatasetRecord>, options: ItemsOptions): AsyncGenerator<Item> {
  for await (const record of records) {
    let usable = record.item !== undefined
    for (const issue of record.issues) {
      if (issue.severity === 'error') usable = false
      if (options.onIssue) options.onIssue(issue)
      else if (issue.severity === 'error') throw new WorkbenchError({ code: 'bad-dataset', item: issue.itemId, message: issue.message, hint: issue.hint })
    }
    if (usable) yield record.item!
  }
}

function toDataset(info: DatasetInfo, records: (o: IterateOptions) => AsyncIterable<DatasetRecord>, count: (o: IterateOptions) => Promise<number>): Dataset {
  return {
    info,
    records: (options = {}) => records(options),
    items: (options = {}) => usableItems(records(options), options),
    count: (options = {}) => count(options)
  }
}

async function openManifest(file: string, root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const kind = manifestKindOf(file)
  if (!kind) throw new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file} is not a manifest: expected a .csv or .jsonl file.`, hint: 'Give a CSV (with header) or JSON Lines manifest, or a folder of images.' })
  if (!(await exists(file))) throw new WorkbenchError({ code: 'not-found', item: file, message: `The manifest ${file} does not exist.`, hint: `Check the "manifest" entry of ${DATASET_JSON}, or add the file.` })
  const stem = path.basename(file, path.extname(file))
  const info: DatasetInfo = {
    name: meta?.name ?? (stem === 'manifest' ? path.basename(root) : stem),
    description: meta?.description ?? '',
    license: licenseText(meta),
    root,
    manifestPath: file,
    kind,
    hash: await sha256File(file, signal)
  }
  const src: ManifestSource = { file, kind, root }
  return toDataset(info, (o) => manifestRecords(src, o), (o) => countManifest(src, o))
}

async function openFolder(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const labelsFile = path.join(root, LABELS_FILE)
  const labels = (await exists(labelsFile)) ? await readLabels(labelsFile) : undefined
  const info: DatasetInfo = {
    name: meta?.name ?? path.basename(root),
    description: meta?.description ?? '',
    license: licenseText(meta),
    root,
    manifestPath: root,
    kind: 'folder',
    hash: await folderHash(root, signal)
  }
  return toDataset(info, (o) => folderRecords(root, labels, o), (o) => countFolder(root, o))
}

/**
 * Open a dataset: a manifest file (.csv/.jsonl; its folder is the root, a dataset.json beside it
 * supplies name and licence), or a folder — with dataset.json naming the manifest, else with
 * manifest.csv / manifest.jsonl, else read as a plain folder of images with .txt captions.
 * Reads the whole manifest once to hash it; items are streamed later.
 */
export async function openDataset(pathOrDir: string, options: { signal?: AbortSignal } = {}): Promise<Dataset> {
  const abs = path.resolve(pathOrDir)
  const st = await stat(abs).catch(() => undefined)
  if (!st) throw new WorkbenchError({ code: 'not-found', item: abs, message: `No dataset at ${abs}: the path does not exist.`, hint: 'Give a dataset folder or a manifest file (.csv, .jsonl).' })
  if (st.isFile()) return openManifest(abs, path.dirname(abs), await readDatasetJson(path.dirname(abs)), options.signal)
  const meta = await readDatasetJson(abs)
  if (meta?.manifest) return openManifest(path.resolve(abs, meta.manifest), abs, meta, options.signal)
  for (const name of DEFAULT_MANIFESTS) {
    if (await exists(path.join(abs, name))) return openManifest(path.join(abs, name), abs, meta, options.signal)
  }
  return openFolder(abs, meta, options.signal)
}
