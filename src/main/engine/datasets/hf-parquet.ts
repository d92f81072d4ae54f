// Hugging Face datasets as the hub serves them: parquet shards (data/train-00000-of-00004.parquet, ...) with an
// image column of {bytes, path} structs (the datasets library's Image feature) and a caption column chosen by
// name; listed shard by shard and row group by row group without the image bytes, which are read per item.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import type { FileMetaData, SchemaElement } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { cellText } from './clip-retrieval'
import { folderInfo, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { sha256File } from './hash'
import { hashLabelling, labelOf, loadLabelling, unusedLabels } from './label-rule'
import type { Labelling } from './label-rule'
import type { Dataset, DatasetIssue, DatasetRecord, IterateOptions, Item } from './types'

/** Caption columns tried in order when dataset.json names none (LAION, COCO-style and HF conventions). */
const CAPTION_COLUMNS = ['caption', 'text', 'sentence', 'captions', 'prompt', 'TEXT']
const ID_COLUMNS = ['id', 'key', 'image_id']
const NOT_METADATA = new Set([...CAPTION_COLUMNS, ...ID_COLUMNS, 'membership', 'role', 'url', 'URL'])

interface Shard {
  file: string
  /** Path relative to the root, `/`-separated: what labels and messages use. */
  name: string
  rows: number
}

interface Columns {
  image: string
  caption: string
  /** Every top-level column but the image: what the listing reads. */
  listed: string[]
}

function bad(item: string, message: string, hint: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError({ code: 'bad-dataset', item, message, hint }, { cause })
}

async function parquetFiles(dir: string, depth = 0): Promise<string[]> {
  if (depth > 3) return []
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const out: string[] = []
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue
    const full = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await parquetFiles(full, depth + 1)))
    else if (e.name.endsWith('.parquet')) out.push(full)
  }
  return out
}

/** Top-level columns and, for struct columns, their children's names. */
function topColumns(schema: SchemaElement[]): Map<string, string[]> {
  const cols = new Map<string, string[]>()
  let i = 1
  const skip = (k: number): number => {
    let next = k + 1
    for (let c = 0; c < (schema[k].num_children ?? 0); c++) next = skip(next)
    return next
  }
  for (let c = 0; c < (schema[0].num_children ?? 0); c++) {
    const el = schema[i]
    const children: string[] = []
    let k = i + 1
    for (let j = 0; j < (el.num_children ?? 0); j++) {
      children.push(schema[k].name)
      k = skip(k)
    }
    cols.set(el.name, children)
    i = skip(i)
  }
  return cols
}

const isImageStruct = (children: string[]): boolean => children.includes('bytes') && children.includes('path')

/** True when the folder (or its data/) holds parquet shards whose first has an Image-feature column ({bytes, path}). */
export async function isHfParquetFolder(root: string): Promise<boolean> {
  // Only the root and data/ are looked at: a big image folder must not be walked to find out it is not this.
  const top = (await readdir(root).catch(() => [] as string[])).filter((n) => n.endsWith('.parquet')).sort()
  const first = top.length ? path.join(root, top[0]) : (await parquetFiles(path.join(root, 'data'), 1))[0]
  if (!first) return false
  const md = await parquetMetadataAsync(await asyncBufferFromFile(first)).catch(() => null)
  return md !== null && [...topColumns(md.schema).values()].some(isImageStruct)
}

function chooseColumns(shard: Shard, md: FileMetaData, meta: DatasetJson | undefined): Columns {
  const cols = topColumns(md.schema)
  const names = [...cols.keys()]
  const image = meta?.image ?? names.find((n) => isImageStruct(cols.get(n)!))
  if (!image || !cols.has(image) || !isImageStruct(cols.get(image)!)) {
    throw bad(
      shard.file,
      `${shard.name} has no image column of {bytes, path} structs${meta?.image ? ` named "${meta.image}"` : ''}; its columns: ${names.join(', ')}.`,
      'Name the image column in dataset.json: {"format": "hf-parquet", "image": "<column>"}.'
    )
  }
  const caption = meta?.caption ?? CAPTION_COLUMNS.find((n) => cols.has(n))
  if (!caption || !cols.has(caption)) {
    throw bad(
      shard.file,
      `${shard.name} has no caption column${meta?.caption ? ` named "${meta.caption}"` : ` (tried ${CAPTION_COLUMNS.join(', ')})`}; its columns: ${names.join(', ')}.`,
      'Name the caption column in dataset.json: {"format": "hf-parquet", "caption": "<column>"}.'
    )
  }
  return { image, caption, listed: names.filter((n) => n !== image) }
}

async function discoverShards(root: string): Promise<{ shards: Shard[]; first: FileMetaData }> {
  const files = await parquetFiles(root)
  if (files.length === 0) throw bad(root, `${root} holds no .parquet files.`, 'A Hugging Face parquet dataset has shards like data/train-00000-of-00004.parquet.')
  const shards: Shard[] = []
  let first: FileMetaData | null = null
  for (const file of files) {
    const md = await parquetMetadataAsync(await asyncBufferFromFile(file)).catch((err: Error) => {
      throw bad(file, `${path.relative(root, file)} is not a readable parquet file (${err.message}).`, 'Re-download the shard; it is probably truncated.', err)
    })
    first ??= md
    shards.push({ file, name: path.relative(root, file).split(path.sep).join('/'), rows: Number(md.num_rows) })
  }
  return { shards, first: first! }
}

function rowItem(shard: Shard, row: number, values: Record<string, unknown>, cols: Columns, labelling: Labelling, used: Set<string>): DatasetRecord {
  const idCol = ID_COLUMNS.find((c) => typeof values[c] === 'string' || typeof values[c] === 'number' || typeof values[c] === 'bigint')
  const id = idCol ? String(values[idCol]) : `${shard.name.replace(/\.parquet$/, '')}:${row}`
  const where = `${shard.name} row ${row}`
  const label = labelOf([id], labelling, used, { shard: shard.name, fields: values, where })
  if ('issue' in label) return { issues: [{ itemId: id, severity: 'error', ...label.issue }] }
  const caption = values[cols.caption]
  const text = typeof caption === 'string' ? caption : Array.isArray(caption) && typeof caption[0] === 'string' ? caption[0] : ''
  const issues: DatasetIssue[] = text
    ? []
    : [
        {
          itemId: id,
          severity: 'warning',
          code: 'missing-caption',
          message: `${where}: the caption column "${cols.caption}" is empty.`,
          hint: 'Fill the caption, or name another column in dataset.json ("caption").'
        }
      ]
  const metadata: Record<string, string> = { shard: shard.name }
  for (const [k, v] of Object.entries(values)) {
    const t = NOT_METADATA.has(k) || k === cols.caption ? undefined : cellText(v)
    if (t !== undefined && t.length <= 200) metadata[k] = t
  }
  const item: Item = { id, imagePath: shard.file, parquetCell: { row, column: cols.image }, caption: text, ...label, metadata, escapesRoot: false }
  return { item, issues }
}

async function* records(shards: Shard[], cols: Columns, labelling: Labelling, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const used = new Set<string>()
  const seen = new Set<string>()
  for (const shard of shards) {
    const file = await asyncBufferFromFile(shard.file)
    const metadata = await parquetMetadataAsync(file)
    let start = 0
    for (const group of metadata.row_groups) {
      throwIfAborted(options.signal)
      const end = start + Number(group.num_rows)
      // Never the image column here: listing a dataset must not read its image bytes.
      const rows = await parquetReadObjects({ file, metadata, columns: cols.listed, rowStart: start, rowEnd: end, compressors, utf8: false }).catch((err: Error) => {
        throw bad(shard.file, `${shard.name}: rows ${start}–${end - 1} cannot be decoded (${err.message}).`, 'Re-download the shard; it is probably truncated.', err)
      })
      for (let i = 0; i < rows.length; i++) {
        const rec = rowItem(shard, start + i, rows[i], cols, labelling, used)
        const id = rec.item?.id
        if (id !== undefined && seen.has(id)) {
          yield {
            issues: [
              {
                itemId: id,
                severity: 'error',
                code: 'duplicate-id',
                message: `${shard.name} row ${start + i}: id ${id} was used by an earlier row; this row is skipped.`,
                hint: 'Ids must be unique across shards.'
              }
            ]
          }
          continue
        }
        if (id !== undefined) seen.add(id)
        yield rec
      }
      start = end
    }
  }
  yield* unusedLabels(labelling.labels, used, 'id of a row', 'Use the value of the "id"/"key" column (or "<shard>:<row>" when there is none), or remove the row.')
}

// The row group last read per shard: items are embedded in order, so one decode serves a whole group.
const groupCache = new Map<string, { start: number; end: number; values: unknown[] }>()

/** The image bytes of `row` in `column` of `file`; an item without bytes reads `path` beside the shard. */
export async function readParquetCell(file: string, row: number, column: string): Promise<Buffer> {
  const key = `${file}\0${column}`
  let group = groupCache.get(key)
  if (!group || row < group.start || row >= group.end) {
    const buf = await asyncBufferFromFile(file)
    const metadata = await parquetMetadataAsync(buf)
    let start = 0
    for (const g of metadata.row_groups) {
      const end = start + Number(g.num_rows)
      if (row < end) {
        const rows = await parquetReadObjects({ file: buf, metadata, columns: [column], rowStart: start, rowEnd: end, compressors, utf8: false })
        group = { start, end, values: rows.map((r) => r[column]) }
        break
      }
      start = end
    }
    if (!group || row >= group.end) throw Object.assign(new Error(`${path.basename(file)} has no row ${row}`), { code: 'ENOENT' })
    if (groupCache.size >= 4) groupCache.delete(groupCache.keys().next().value!)
    groupCache.set(key, group)
  }
  const cell = group.values[row - group.start] as { bytes?: unknown; path?: unknown } | null
  if (cell?.bytes instanceof Uint8Array && cell.bytes.length > 0) return Buffer.from(cell.bytes.buffer, cell.bytes.byteOffset, cell.bytes.byteLength)
  if (typeof cell?.path === 'string' && cell.path && !path.isAbsolute(cell.path) && !cell.path.split(/[\\/]/).includes('..')) return readFile(path.join(path.dirname(file), cell.path))
  throw Object.assign(new Error(`row ${row} of ${path.basename(file)} has no image bytes (column "${column}")`), { code: 'ENOENT' })
}

async function datasetHash(shards: Shard[], cols: Columns, labelling: Labelling, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256').update(`hf-parquet\0${cols.image}\0${cols.caption}\0`)
  for (const s of shards) hash.update(`${s.name}\0${await sha256File(s.file, signal)}\n`)
  hashLabelling(hash, labelling)
  return hash.digest('hex')
}

/** Open a folder of Hugging Face parquet shards (a local copy or a hub-cache snapshot). */
export async function openHfParquet(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const { shards, first } = await discoverShards(root)
  const cols = chooseColumns(shards[0], first, meta)
  const labelling = await loadLabelling(root, meta)
  const info = { ...folderInfo(root, meta), manifestPath: root, kind: 'hf-parquet' as const, hash: await datasetHash(shards, cols, labelling, signal) }
  const rows = shards.reduce((n, s) => n + s.rows, 0)
  return toDataset(
    info,
    (o) => records(shards, cols, labelling, o),
    async () => rows
  )
}
