// dataset.json (name, licence, manifest, format and membership rule) and assembling a Dataset from a record stream.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { Dataset, DatasetInfo, DatasetRecord, IterateOptions, Item, ItemsOptions } from './types'
import { withRealPaths } from './real-paths'
import { readOptionalFile } from './safe-read'

/** The descriptor file of a dataset folder (design doc, "Dataset manifest (v1)"). */
export const DATASET_JSON = 'dataset.json'

const DatasetJsonSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  attribution: z.unknown().optional(),
  manifest: z.string().optional(),
  format: z.enum(['coco', 'img2dataset', 'webdataset', 'clip-retrieval', 'hf-parquet']).optional(),
  annotations: z.string().optional(),
  images: z.string().optional(),
  membership: z.enum(['member', 'nonmember', 'unknown']).optional(),
  role: z.enum(['target', 'reference', 'pool']).optional(),
  /** Per-shard membership/role: shard name (`00000` or `00000.tar`) → rule. */
  shards: z.record(z.string(), z.object({ membership: z.enum(['member', 'nonmember', 'unknown']).optional(), role: z.enum(['target', 'reference', 'pool']).optional() })).optional(),
  /** clip-retrieval folders: the model that produced the embeddings, e.g. "ViT-L-14 (openai)". */
  model: z.string().optional(),
  /** Hugging Face parquet datasets: the caption column and the image column ({bytes, path} structs) by name. */
  caption: z.string().optional(),
  image: z.string().optional()
})

/** The parsed dataset.json; every key is optional. */
export type DatasetJson = z.infer<typeof DatasetJsonSchema>

/** True when `file` exists (file or folder). */
export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false
  )
}

/** Largest dataset.json read (it holds a name, a licence and a few rules). */
const MAX_DESCRIPTOR_BYTES = 1024 * 1024

/** dataset.json of `dir`, or undefined when there is none; malformed JSON or field types fail the open. */
export async function readDatasetJson(dir: string): Promise<DatasetJson | undefined> {
  const file = path.join(dir, DATASET_JSON)
  const text = (await readOptionalFile(file, MAX_DESCRIPTOR_BYTES))?.toString('utf8')
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
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: file,
      message: `${file}: "${first.path.map(String).join('.')}" ${first.message}.`,
      hint: 'name, description, license, manifest, annotations and images must be strings; format is coco, img2dataset, webdataset or clip-retrieval; shards maps shard names to {membership, role}; membership is member, nonmember or unknown; role is target, reference or pool.'
    })
  }
  return parsed.data
}

/** Licence text: `license` if given, else `attribution` (a string, or the `credit`s of a list). */
export function licenseText(meta: DatasetJson | undefined): string {
  if (meta?.license) return meta.license
  const a = meta?.attribution
  if (typeof a === 'string') return a
  if (Array.isArray(a)) return a.map((x) => (typeof x === 'string' ? x : typeof x?.credit === 'string' ? x.credit : JSON.stringify(x))).join('\n')
  return a === undefined ? '' : JSON.stringify(a)
}

/** Name, description, licence and root of a folder dataset: dataset.json's, else the folder's name. */
export function folderInfo(root: string, meta: DatasetJson | undefined): Pick<DatasetInfo, 'name' | 'description' | 'license' | 'root'> {
  return { name: meta?.name ?? path.basename(root), description: meta?.description ?? '', license: licenseText(meta), root }
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

/** A Dataset over restartable record and count functions; `items()` derives from `records()`. */
export function toDataset(info: DatasetInfo, records: (o: IterateOptions) => AsyncIterable<DatasetRecord>, count: (o: IterateOptions) => Promise<number>): Dataset {
  return {
    info,
    records: (options = {}) => withRealPaths(info.root, records(options)),
    items: (options = {}) => usableItems(withRealPaths(info.root, records(options)), options),
    count: (options = {}) => count(options)
  }
}
