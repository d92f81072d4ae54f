// img2dataset folder output: numbered shard folders of <key>.jpg|png|webp + <key>.txt + <key>.json, streamed in key order.
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { countAsync } from './async-count'
import { folderInfo, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { byCodeUnit, IMAGE_EXTENSIONS, readCaption } from './folder'
import { sha256Bytes, sha256Text } from './hash'
import { hashLabelling, labelOf, loadLabelling, unusedLabels } from './label-rule'
import type { Labelling } from './label-rule'
import type { Dataset, DatasetIssue, DatasetRecord, IterateOptions, Item } from './types'

/** A shard folder name: digits only (img2dataset writes `00000`, `00001`, …). */
const SHARD = /^\d+$/

/** Fields of the per-key JSON that are not copied to metadata: the key is the id, the caption is the caption. */
const NOT_METADATA = new Set(['key', 'caption', 'membership', 'role'])

/** The files of one key inside a shard (names only). */
export interface ShardEntry {
  shard: string
  key: string
  image?: string
  caption?: string
  json?: string
}

/** Numeric order for digit strings of different widths, then code-unit order. */
export const byNumber = (a: string, b: string): number => a.length - b.length || byCodeUnit(a, b)

async function shardNames(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw new WorkbenchError(
      { code: 'bad-dataset', item: root, message: `Cannot list the folder ${root} (${err.code ?? err.message}).`, hint: 'Check that the folder exists and that you may read it.' },
      { cause: err }
    )
  })
  return entries
    .filter((e) => e.isDirectory() && SHARD.test(e.name))
    .map((e) => e.name)
    .sort(byNumber)
}

/** Group one shard's files by key; only one shard's listing is held at a time. */
async function shardListing(root: string, shard: string): Promise<ShardEntry[]> {
  const byKey = new Map<string, ShardEntry>()
  for (const name of await readdir(path.join(root, shard))) {
    if (name.startsWith('.')) continue
    const ext = path.extname(name)
    const lower = ext.toLowerCase()
    const slot = lower === '.txt' ? 'caption' : lower === '.json' ? 'json' : IMAGE_EXTENSIONS.includes(lower) ? 'image' : undefined
    if (!slot) continue
    const key = name.slice(0, name.length - ext.length)
    const entry = byKey.get(key) ?? { shard, key }
    if (slot === 'image' && entry.image !== undefined) entry.image = [entry.image, name].sort(byCodeUnit)[0]
    else entry[slot] = name
    byKey.set(key, entry)
  }
  return [...byKey.values()].sort((a, b) => byNumber(a.key, b.key))
}

/** Every key of every shard, shards in numeric order and keys sorted within each. */
export async function* shardEntries(root: string, signal?: AbortSignal): AsyncGenerator<ShardEntry> {
  for (const shard of await shardNames(root)) {
    throwIfAborted(signal)
    yield* await shardListing(root, shard)
  }
}

/** True when `root` holds a digit-named shard folder whose first listing pairs a `.json` with a caption or image. */
export async function isImg2datasetFolder(root: string): Promise<boolean> {
  const shards = await shardNames(root).catch(() => [])
  if (shards.length === 0) return false
  const entries = await shardListing(root, shards[0]).catch(() => [])
  return entries.some((e) => e.json !== undefined && (e.caption !== undefined || e.image !== undefined))
}

function scalarText(value: unknown): string | undefined {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

function fail(id: string, code: DatasetIssue['code'], message: string, hint: string): DatasetRecord {
  return { issues: [{ itemId: id, severity: 'error', code, message, hint }] }
}

/** What one shard key holds, already read: the JSON text, the caption file text, where the image is. */
export interface KeyFiles {
  shard: string
  key: string
  /** How messages name the key, e.g. `00000/000010042` or `00000.tar:000010042`. */
  rel: string
  json?: string
  caption?: string
  image?: Pick<Item, 'imagePath' | 'member'>
}

/**
 * One img2dataset / webdataset key → one record: skipped with an error when its JSON is bad, its
 * download failed or its image is missing. Membership: labels.csv by key, else the JSON's
 * `membership`/`role` fields, else the shard's rule, else the dataset's.
 */
export function keyRecord(files: KeyFiles, labelling: Labelling, used: Set<string>): DatasetRecord {
  const { key, rel } = files
  let meta: Record<string, unknown> = {}
  if (files.json !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(files.json)
    } catch (err) {
      return fail(key, 'bad-json', `${rel}.json is not valid JSON (${(err as Error).message}); this key is skipped.`, 'Re-run img2dataset for this shard, or delete the key.')
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return fail(key, 'bad-json', `${rel}.json is not a JSON object; this key is skipped.`, 'Re-run img2dataset for this shard, or delete the key.')
    meta = parsed as Record<string, unknown>
  }
  if (typeof meta.status === 'string' && meta.status !== 'success') {
    const why = typeof meta.error_message === 'string' && meta.error_message ? ` (${meta.error_message})` : ''
    return fail(
      key,
      'download-failed',
      `${rel}.json: status "${meta.status}"${why}; the image was not downloaded, this key is skipped.`,
      'Expected for part of any web crawl; re-run img2dataset with retries to recover some.'
    )
  }
  if (!files.image)
    return fail(
      key,
      'missing-file',
      `${rel} has no image file (.jpg, .png or .webp) next to its ${files.json !== undefined ? '.json' : '.txt'}; this key is skipped.`,
      'Re-run img2dataset for this shard, or delete the key.'
    )
  const label = labelOf([key], labelling, used, { shard: files.shard, fields: meta, where: `${rel}.json` })
  if ('issue' in label) return fail(key, label.issue.code, label.issue.message, label.issue.hint)
  const metadata: Record<string, string> = { shard: files.shard }
  for (const [k, v] of Object.entries(meta)) {
    const text = NOT_METADATA.has(k) ? undefined : scalarText(v)
    if (text !== undefined) metadata[k] = text
  }
  const fromJson = typeof meta.caption === 'string' ? meta.caption.trim() : undefined
  const caption = files.caption ?? fromJson ?? ''
  const item: Item = { id: key, ...files.image, caption, ...label, metadata, escapesRoot: false }
  const issues: DatasetIssue[] = []
  if (files.caption === undefined && fromJson === undefined)
    issues.push({
      itemId: key,
      severity: 'warning',
      code: 'missing-caption',
      message: `${rel} has neither a .txt caption nor a "caption" in its .json; its caption is empty.`,
      hint: 'Run img2dataset with caption_col set, or add the .txt file.'
    })
  return { item, issues }
}

async function entryRecord(root: string, entry: ShardEntry, labelling: Labelling, used: Set<string>): Promise<DatasetRecord> {
  const dir = path.join(root, entry.shard)
  const rel = `${entry.shard}/${entry.key}`
  let json: string | undefined
  if (entry.json) json = await readFile(path.join(dir, entry.json), 'utf8')
  const caption = entry.caption ? await readCaption(path.join(dir, entry.caption)) : undefined
  return keyRecord({ shard: entry.shard, key: entry.key, rel, json, caption, image: entry.image ? { imagePath: path.join(dir, entry.image) } : undefined }, labelling, used)
}

/** Stream the records in key order; a key seen in an earlier shard is a `duplicate-id` error. */
export async function* img2datasetRecords(root: string, labelling: Labelling, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const seen = new Map<string, string>()
  const used = new Set<string>()
  for await (const entry of shardEntries(root, options.signal)) {
    const first = seen.get(entry.key)
    if (first !== undefined) {
      yield fail(
        entry.key,
        'duplicate-id',
        `${entry.shard}/${entry.key}: key ${entry.key} is already used in shard ${first}; this key is skipped.`,
        'Keys must be unique across shards; do not merge outputs of different img2dataset runs into one folder.'
      )
      continue
    }
    seen.set(entry.key, entry.shard)
    yield entryRecord(root, entry, labelling, used)
  }
  yield* unusedLabels(labelling.labels, used, 'key in the shards', 'Use the img2dataset key (the file name without extension, e.g. 000010042), or remove the row.')
}

/**
 * Content hash of an img2dataset folder: sha256 over, in key order, each key's shard, file names,
 * image byte size, caption-text hash and JSON-bytes hash; then the labelling. No mtimes, so a copy
 * keeps its hash.
 */
export async function img2datasetHash(root: string, labelling: Labelling, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256').update('img2dataset\0')
  for await (const e of shardEntries(root, signal)) {
    const dir = path.join(root, e.shard)
    const size = e.image ? (await stat(path.join(dir, e.image))).size : -1
    const caption = e.caption ? sha256Text(await readCaption(path.join(dir, e.caption))) : ''
    const json = e.json ? sha256Bytes(await readFile(path.join(dir, e.json))) : ''
    hash.update(`${e.shard}/${e.key}\0${e.image ?? ''}\0${size}\0${caption}\0${json}\n`)
  }
  hashLabelling(hash, labelling)
  return hash.digest('hex')
}

/** Open an img2dataset output folder with its labels.csv and dataset.json rule. */
export async function openImg2dataset(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const labelling = await loadLabelling(root, meta)
  const info = { ...folderInfo(root, meta), manifestPath: root, kind: 'img2dataset' as const, hash: await img2datasetHash(root, labelling, signal) }
  return toDataset(
    info,
    (o) => img2datasetRecords(root, labelling, o),
    (o) => countAsync(shardEntries(root, o.signal), o.signal)
  )
}
