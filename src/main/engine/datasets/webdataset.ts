// webdataset / img2dataset tar shards: `<key>.jpg|png|webp` + `<key>.txt` + `<key>.json` per key, streamed shard by shard.
import { createHash } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { countAsync } from './async-count'
import { folderInfo, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { IMAGE_EXTENSIONS } from './folder'
import { sha256Bytes, sha256Text } from './hash'
import { byNumber, keyRecord } from './img2dataset'
import type { KeyFiles } from './img2dataset'
import { hashLabelling, loadLabelling, unusedLabels } from './label-rule'
import type { Labelling } from './label-rule'
import { TarError, tarEntries } from './tar'
import type { TarEntry } from './tar'
import type { Dataset, DatasetRecord, IterateOptions } from './types'

/** Text members (captions, JSON) above this size are not read: a webdataset caption is a line, its JSON a few kB. */
const MAX_TEXT_MEMBER = 4 << 20

/** One key of a shard as the tar holds it: consecutive members sharing the key. */
interface TarGroup {
  shard: string
  key: string
  image?: TarEntry
  caption?: TarEntry
  json?: TarEntry
}

/** A shard that stopped reading part-way, reported once as an error record. */
interface BrokenShard {
  shard: string
  error: TarError
}

/**
 * webdataset's key rule: the member path up to the first dot of its file name
 * (`a/b/000123.jpg` → `a/b/000123`), the rest is the extension that says what the member is.
 */
function splitMember(name: string): { key: string; ext: string } {
  const slash = name.lastIndexOf('/') + 1
  const dot = name.indexOf('.', slash)
  return dot < 0 ? { key: name, ext: '' } : { key: name.slice(0, dot), ext: name.slice(dot).toLowerCase() }
}

const slotOf = (ext: string): keyof Pick<TarGroup, 'image' | 'caption' | 'json'> | undefined =>
  ext === '.txt' ? 'caption' : ext === '.json' ? 'json' : IMAGE_EXTENSIONS.includes(ext) ? 'image' : undefined

/** The tar shards of `root`, in numeric order of their names. */
export async function tarShards(root: string): Promise<string[]> {
  const names = await readdir(root).catch((err: NodeJS.ErrnoException) => {
    throw new WorkbenchError(
      { code: 'bad-dataset', item: root, message: `Cannot list the folder ${root} (${err.code ?? err.message}).`, hint: 'Check that the folder exists and that you may read it.' },
      { cause: err }
    )
  })
  return names.filter((n) => n.toLowerCase().endsWith('.tar') && !n.startsWith('.')).sort(byNumber)
}

/** Every key of every shard; a shard that cannot be read to its end yields its good keys, then a BrokenShard. */
async function* tarGroups(root: string, signal?: AbortSignal, only?: string[]): AsyncGenerator<TarGroup | BrokenShard> {
  for (const shard of only ?? (await tarShards(root))) {
    throwIfAborted(signal)
    // Captions and JSON are read with the headers; a member too big to be one is left unread (and reported).
    const wanted = (name: string, size: number): boolean => {
      const slot = slotOf(splitMember(name).ext)
      return (slot === 'caption' || slot === 'json') && size <= MAX_TEXT_MEMBER
    }
    let group: TarGroup | undefined
    try {
      for await (const entry of tarEntries(path.join(root, shard), { signal, withData: wanted })) {
        const { key, ext } = splitMember(entry.name)
        const slot = slotOf(ext)
        if (!slot) continue
        if (group && group.key !== key) {
          yield group
          group = undefined
        }
        group ??= { shard, key }
        if (!group[slot]) group[slot] = entry
      }
    } catch (err) {
      if (group) yield group
      group = undefined
      if (err instanceof TarError) yield { shard, error: err }
      else if (err instanceof WorkbenchError) throw err
      else
        throw new WorkbenchError(
          {
            code: 'bad-dataset',
            item: path.join(root, shard),
            message: `Cannot read the shard ${shard} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
            hint: 'Check that the file exists and that you may read it.'
          },
          { cause: err }
        )
    }
    if (group) yield group
  }
}

const decode = (entry: TarEntry | undefined): string | undefined => (entry?.data && entry.size <= MAX_TEXT_MEMBER ? new TextDecoder('utf-8').decode(entry.data) : undefined)

function groupFiles(root: string, g: TarGroup): KeyFiles {
  return {
    shard: g.shard,
    key: g.key,
    rel: `${g.shard}:${g.key}`,
    json: decode(g.json),
    caption: decode(g.caption)?.trim(),
    image: g.image ? { imagePath: path.join(root, g.shard), member: { name: g.image.name, offset: g.image.offset, size: g.image.size } } : undefined
  }
}

function brokenRecord(b: BrokenShard): DatasetRecord {
  return {
    issues: [
      {
        itemId: b.shard,
        severity: 'error',
        code: 'corrupt-archive',
        message: `Shard ${b.shard}: ${b.error.message}; the keys after byte ${b.error.at} are skipped.`,
        hint: 'Re-download or re-create this shard (img2dataset writes each shard once; a crash mid-write leaves it truncated).'
      }
    ]
  }
}

/** Stream the records shard by shard; a key already seen in an earlier shard is a `duplicate-id` error. */
async function* webdatasetRecords(root: string, labelling: Labelling, options: IterateOptions = {}, only?: string[]): AsyncGenerator<DatasetRecord> {
  const seen = new Map<string, string>()
  const used = new Set<string>()
  for await (const g of tarGroups(root, options.signal, only)) {
    if ('error' in g) {
      yield brokenRecord(g)
      continue
    }
    const first = seen.get(g.key)
    if (first !== undefined) {
      yield {
        issues: [
          {
            itemId: g.key,
            severity: 'error',
            code: 'duplicate-id',
            message: `${g.shard}:${g.key}: key ${g.key} is already used in shard ${first}; this key is skipped.`,
            hint: 'Keys must be unique across shards; do not mix shards of different img2dataset runs.'
          }
        ]
      }
      continue
    }
    seen.set(g.key, g.shard)
    const files = groupFiles(root, g)
    const big = [g.caption, g.json].find((e) => e && e.size > MAX_TEXT_MEMBER)
    if (big) {
      yield {
        issues: [
          {
            itemId: g.key,
            severity: 'error',
            code: 'bad-json',
            message: `${g.shard}:${big.name} is ${big.size} bytes, more than a caption or metadata file can be (${MAX_TEXT_MEMBER}); this key is skipped.`,
            hint: 'Check the shard: the member is probably not what its extension says.'
          }
        ]
      }
      continue
    }
    yield keyRecord(files, labelling, used)
  }
  // One shard of several: rows for keys of the other shards are expected, not mistakes.
  if (!only) yield* unusedLabels(labelling.labels, used, 'key in the shards', 'Use the webdataset key (the member name up to its first dot, e.g. 000010042), or remove the row.')
}

// Listing digests of shards read in this process, by path, size and mtime: every open would otherwise re-walk every header.
const shardDigests = new Map<string, string>()

/** Digest of one shard's listing: each key's member names, image byte size, caption-text hash and JSON-bytes hash. */
async function shardDigest(root: string, shard: string, signal?: AbortSignal): Promise<string> {
  const st = await stat(path.join(root, shard))
  const memo = `${path.join(root, shard)}\0${st.size}\0${st.mtimeMs}`
  const known = shardDigests.get(memo)
  if (known) return known
  const hash = createHash('sha256')
  for await (const g of tarGroups(root, signal, [shard])) {
    if ('error' in g) {
      hash.update(`${g.shard}\0broken at ${g.error.at}\n`)
      continue
    }
    const f = groupFiles(root, g)
    hash.update(`${g.shard}:${g.key}\0${g.image?.name ?? ''}\0${g.image?.size ?? -1}\0${f.caption === undefined ? '' : sha256Text(f.caption)}\0${g.json?.data ? sha256Bytes(g.json.data) : ''}\n`)
  }
  const digest = hash.digest('hex')
  shardDigests.set(memo, digest)
  return digest
}

/**
 * Content hash of a webdataset folder: sha256 over each shard's name and listing digest, then the
 * labelling. No mtimes in the hash, and images are not read (the store keys them by their own hash).
 */
async function webdatasetHash(root: string, labelling: Labelling, signal?: AbortSignal, only?: string[]): Promise<string> {
  const hash = createHash('sha256').update('webdataset\0')
  for (const shard of only ?? (await tarShards(root))) hash.update(`${shard}\0${await shardDigest(root, shard, signal)}\n`)
  hashLabelling(hash, labelling)
  return hash.digest('hex')
}

/** True when `root` holds `.tar` shards. */
export async function isWebdatasetFolder(root: string): Promise<boolean> {
  return (await tarShards(root).catch(() => [])).length > 0
}

/**
 * Open a folder of webdataset tar shards with its labels.csv and dataset.json rules; `only` names the shards
 * to read, e.g. the one `.tar` given as `--dataset` (issue 22), which is then named after its file.
 */
export async function openWebdataset(root: string, meta: DatasetJson | undefined, signal?: AbortSignal, only?: string[]): Promise<Dataset> {
  const labelling = await loadLabelling(root, meta)
  const folder = folderInfo(root, meta)
  const single = only?.length === 1 ? only[0] : undefined
  const name = single ? `${folder.name}-${path.basename(single, path.extname(single))}` : folder.name
  const info = { ...folder, name, manifestPath: single ? path.join(root, single) : root, kind: 'webdataset' as const, hash: await webdatasetHash(root, labelling, signal, only) }
  return toDataset(
    info,
    (o) => webdatasetRecords(root, labelling, o, only),
    (o) => countAsync(tarGroups(root, o.signal, only), o.signal)
  )
}
