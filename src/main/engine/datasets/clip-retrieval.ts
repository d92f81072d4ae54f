// clip-retrieval embedding folders (img_emb/*.npy, text_emb/*.npy, metadata/*.parquet): items without images, vectors by row.
import { createHash } from 'node:crypto'
import { readdir, stat, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import type { FileMetaData } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { folderInfo, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { sha256File } from './hash'
import { hashLabelling, labelOf, loadLabelling, unusedLabels } from './label-rule'
import type { Labelling } from './label-rule'
import { NpyError, readNpyHeader, readNpyRows } from './npy'
import type { NpyMatrix } from './npy'
import type { Dataset, DatasetIssue, DatasetRecord, IterateOptions, Item, VectorSource } from './types'
import { openRegularFile } from './safe-read'

/** One numbered part: its metadata parquet and the image / text embedding matrices with as many rows. */
interface Part {
  index: number
  parquet: string
  image: NpyMatrix
  text: NpyMatrix
  rows: number
}

/** Columns that are not metadata: they are the id, the caption, the labels, or unique per row (slices would be useless). */
const NOT_METADATA = new Set(['key', 'caption', 'text', 'membership', 'role', 'url', 'image_path', 'exif', 'md5', 'sha256', 'error_message'])

const PART = /_(\d+)\.(npy|parquet)$/

async function numbered(dir: string, ext: string): Promise<Map<number, string>> {
  const names = await readdir(dir).catch(() => [] as string[])
  const out = new Map<number, string>()
  for (const name of names) {
    const m = PART.exec(name)
    if (m && m[2] === ext) out.set(Number(m[1]), path.join(dir, name))
  }
  return out
}

/** True when `root` has clip-retrieval's `img_emb/` and `metadata/` folders. */
export async function isClipRetrievalFolder(root: string): Promise<boolean> {
  const dir = (name: string): Promise<boolean> =>
    stat(path.join(root, name)).then(
      (s) => s.isDirectory(),
      () => false
    )
  return (await dir('img_emb')) && (await dir('metadata'))
}

function badDataset(item: string, message: string, hint: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError({ code: 'bad-dataset', item, message, hint }, { cause })
}

/** Pair every metadata_N.parquet with img_emb_N.npy and text_emb_N.npy and check that shapes agree. */
async function discoverParts(root: string): Promise<Part[]> {
  const [meta, img, txt] = await Promise.all([numbered(path.join(root, 'metadata'), 'parquet'), numbered(path.join(root, 'img_emb'), 'npy'), numbered(path.join(root, 'text_emb'), 'npy')])
  if (meta.size === 0)
    throw badDataset(
      root,
      `${root} has no metadata/metadata_N.parquet files.`,
      'clip-retrieval writes img_emb/img_emb_N.npy, text_emb/text_emb_N.npy and metadata/metadata_N.parquet; copy all three folders.'
    )
  const parts: Part[] = []
  let dim: number | undefined
  for (const index of [...meta.keys()].sort((a, b) => a - b)) {
    const imageFile = img.get(index)
    const textFile = txt.get(index)
    if (!imageFile || !textFile) {
      throw badDataset(
        root,
        `Part ${index} has metadata but no ${!imageFile ? `img_emb/img_emb_${index}.npy` : `text_emb/text_emb_${index}.npy`}.`,
        'Both image and text embeddings are needed (run clip-retrieval with enable_text=True); copy the missing file or remove the part.'
      )
    }
    let image: NpyMatrix
    let text: NpyMatrix
    let rows: number
    try {
      ;[image, text] = await Promise.all([readNpyHeader(imageFile), readNpyHeader(textFile)])
      rows = Number((await parquetMetadataAsync(await asyncBufferFromFile(meta.get(index)!))).num_rows)
    } catch (err) {
      const what = err instanceof NpyError ? err.message : `${meta.get(index)}: not a readable parquet file (${(err as Error).message})`
      throw badDataset(root, `Part ${index}: ${what}.`, 'Re-copy the file; it is probably truncated.', err)
    }
    if (image.rows !== rows || text.rows !== rows)
      throw badDataset(
        root,
        `Part ${index}: metadata has ${rows} rows but the embeddings have ${image.rows} (image) and ${text.rows} (text).`,
        'The three files of a part must come from the same clip-retrieval run; re-copy them together.'
      )
    if (image.cols !== text.cols) throw badDataset(root, `Part ${index}: image embeddings have ${image.cols} dimensions, text embeddings ${text.cols}.`, 'Both must come from the same CLIP model.')
    if (dim !== undefined && image.cols !== dim)
      throw badDataset(root, `Part ${index} has ${image.cols}-dimensional embeddings, earlier parts ${dim}.`, 'All parts must come from the same CLIP model.')
    dim = image.cols
    parts.push({ index, parquet: meta.get(index)!, image, text, rows })
  }
  return parts
}

export const cellText = (v: unknown): string | undefined =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : undefined

/** Rows of one part, a row group at a time (hyparquet decodes whole row groups anyway). */
async function* partRows(part: Part, signal?: AbortSignal): AsyncGenerator<{ row: number; values: Record<string, unknown> }> {
  const file = await asyncBufferFromFile(part.parquet)
  const metadata: FileMetaData = await parquetMetadataAsync(file)
  let start = 0
  for (const group of metadata.row_groups) {
    throwIfAborted(signal)
    const end = start + Number(group.num_rows)
    const rows = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end, compressors }).catch((err: Error) => {
      throw badDataset(
        part.parquet,
        `${part.parquet}: rows ${start}–${end - 1} cannot be decoded (${err.message}).`,
        'Re-copy the file; it is probably truncated (snappy, gzip, zstd, brotli and lz4 pages are all read).',
        err
      )
    })
    for (let i = 0; i < rows.length; i++) yield { row: start + i, values: rows[i] }
    start = end
  }
}

function rowRecord(part: Part, row: number, values: Record<string, unknown>, labelling: Labelling, used: Set<string>): DatasetRecord {
  const key = typeof values.key === 'string' && values.key ? values.key : `${part.index}:${row}`
  const where = `metadata_${part.index}.parquet row ${row}`
  const label = labelOf([key], labelling, used, { shard: String(part.index), fields: values, where })
  if ('issue' in label) return { issues: [{ itemId: key, severity: 'error', ...label.issue }] }
  const metadata: Record<string, string> = { part: String(part.index) }
  for (const [k, v] of Object.entries(values)) {
    const text = NOT_METADATA.has(k) ? undefined : cellText(v)
    if (text !== undefined && text.length <= 200) metadata[k] = text
  }
  const caption = typeof values.caption === 'string' ? values.caption : typeof values.text === 'string' ? values.text : ''
  const item: Item = { id: key, imagePath: '', vectors: { shard: part.index, row }, caption, ...label, metadata, escapesRoot: false }
  return { item, issues: [] }
}

async function* clipRetrievalRecords(parts: Part[], labelling: Labelling, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const used = new Set<string>()
  const seen = new Set<string>()
  for (const part of parts) {
    for await (const { row, values } of partRows(part, options.signal)) {
      const record = rowRecord(part, row, values, labelling, used)
      const id = record.item?.id
      if (id !== undefined && seen.has(id)) {
        const issue: DatasetIssue = {
          itemId: id,
          severity: 'error',
          code: 'duplicate-id',
          message: `metadata_${part.index}.parquet row ${row}: key ${id} was used by an earlier row; this row is skipped.`,
          hint: 'Keys must be unique across parts.'
        }
        yield { issues: [issue] }
        continue
      }
      if (id !== undefined) seen.add(id)
      yield record
    }
  }
  yield* unusedLabels(labelling.labels, used, 'key in the metadata', 'Use the value of the metadata "key" column (or "<part>:<row>" when there is none), or remove the row.')
}

// Whole-file hashes of parts already hashed in this process, by path, size and mtime: embeddings run to gigabytes.
const fileHashes = new Map<string, string>()

async function fileHash(file: string, signal?: AbortSignal): Promise<string> {
  const st = await stat(file)
  const key = `${file}\0${st.size}\0${st.mtimeMs}`
  const known = fileHashes.get(key)
  if (known) return known
  const hash = await sha256File(file, signal)
  fileHashes.set(key, hash)
  return hash
}

/** sha256 over every part's three file hashes, then the labelling: changed vectors or labels make a new dataset. */
async function clipRetrievalHash(parts: Part[], labelling: Labelling, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256').update('clip-retrieval\0')
  for (const p of parts) hash.update(`${p.index}\0${await fileHash(p.parquet, signal)}\0${await fileHash(p.image.file, signal)}\0${await fileHash(p.text.file, signal)}\n`)
  hashLabelling(hash, labelling)
  return hash.digest('hex')
}

/** Reads the vectors of items by (part, row), one read per run of consecutive rows. */
function vectorSource(parts: Part[], model: string | null): VectorSource {
  const byIndex = new Map(parts.map((p) => [p.index, p]))
  const dim = parts[0].image.cols
  return {
    dim,
    model,
    async read(items) {
      const image = new Float32Array(items.length * dim)
      const text = new Float32Array(items.length * dim)
      const handles = new Map<string, FileHandle>()
      const handle = async (file: string) => handles.get(file) ?? handles.set(file, await openRegularFile(file)).get(file)!
      try {
        for (let i = 0; i < items.length;) {
          const v = items[i].vectors
          const part = v && byIndex.get(v.shard)
          if (!v || !part) throw new WorkbenchError({ code: 'internal', item: items[i].id, message: `Item ${items[i].id} has no precomputed embedding row.` })
          let n = 1
          while (i + n < items.length && items[i + n].vectors?.shard === v.shard && items[i + n].vectors?.row === v.row + n) n++
          image.set(await readNpyRows(await handle(part.image.file), part.image, v.row, n), i * dim)
          text.set(await readNpyRows(await handle(part.text.file), part.text, v.row, n), i * dim)
          i += n
        }
      } finally {
        await Promise.all([...handles.values()].map((h) => h.close()))
      }
      return { image, text }
    }
  }
}

/** Open a clip-retrieval output folder: labels from labels.csv, `membership`/`role` columns, per-part or dataset rules. */
export async function openClipRetrieval(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const parts = await discoverParts(root)
  const labelling = await loadLabelling(root, meta)
  const source = vectorSource(parts, meta?.model ?? null)
  const info = {
    ...folderInfo(root, meta),
    manifestPath: root,
    kind: 'clip-retrieval' as const,
    hash: await clipRetrievalHash(parts, labelling, signal),
    embeddings: { dim: source.dim, model: source.model, parts: parts.length }
  }
  const rows = parts.reduce((n, p) => n + p.rows, 0)
  return {
    ...toDataset(
      info,
      (o) => clipRetrievalRecords(parts, labelling, o),
      async () => rows
    ),
    vectors: source
  }
}
