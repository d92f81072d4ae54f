// Where an item's image bytes live — a file, a byte range of a tar shard, a cell of a parquet shard — and the one way to read them.
import { stat } from 'node:fs/promises'
import { MAX_IMAGE_BYTES } from '../limits'
import { DataFileError, readRegularFile } from './safe-read'
import { readTarEntry } from './tar'
import type { Item } from './types'

/** Prefix of a stored image reference that points into a tar: `tar:<offset>:<size>:<archive path>#<member name>`. */
const TAR_REF = /^tar:(\d+):(\d+):(.*)#([^#]*)$/
/** A reference into a parquet shard: `parquet:<row>:<column>:<shard path>` (datasets/hf-parquet.ts). */
const PARQUET_REF = /^parquet:(\d+):([^:]*):(.*)$/

/** The image location of an item, or of a stored reference to one. */
type Located = Pick<Item, 'imagePath' | 'member' | 'parquetCell'>

/** What messages call the image: the file path, `shard.tar:member`, or `shard.parquet row N`. */
export function imageLabel(item: Located): string {
  if (item.parquetCell) return `${item.imagePath} row ${item.parquetCell.row}`
  return item.member ? `${item.imagePath}:${item.member.name}` : item.imagePath
}

/** A string that locates the image (stored with results, read back by `readImageRef`): the path, or a tar or parquet reference. */
export function imageRef(item: Located): string {
  if (item.parquetCell) return `parquet:${item.parquetCell.row}:${item.parquetCell.column}:${item.imagePath}`
  return item.member ? `tar:${item.member.offset}:${item.member.size}:${item.imagePath}#${item.member.name}` : item.imagePath
}

function fromRef(ref: string): Located {
  const p = PARQUET_REF.exec(ref)
  if (p) return { imagePath: p[3], parquetCell: { row: Number(p[1]), column: p[2] } }
  const m = TAR_REF.exec(ref)
  return m ? { imagePath: m[3], member: { offset: Number(m[1]), size: Number(m[2]), name: m[4] } } : { imagePath: ref }
}

/** The image bytes of a regular file, size-bounded; errors keep Node's `code` (ENOENT, EISDIR, ENOTREG, EFBIG, …) so callers can say what went wrong. */
export async function readItemImage(item: Located): Promise<Buffer> {
  // Loaded on first use: the preprocessing workers import this module, and most datasets hold no Parquet file.
  if (item.parquetCell) return (await import('./hf-parquet')).readParquetCell(item.imagePath, item.parquetCell.row, item.parquetCell.column)
  if (!item.member) return readRegularFile(item.imagePath, MAX_IMAGE_BYTES)
  if (item.member.size > MAX_IMAGE_BYTES)
    throw new DataFileError('EFBIG', `${imageLabel(item)} is ${item.member.size} bytes, over the limit of ${MAX_IMAGE_BYTES} bytes for one image; it is not read.`)
  return readTarEntry(item.imagePath, item.member.offset, item.member.size)
}

/** The bytes behind a reference made by `imageRef`. */
export const readImageRef = (ref: string): Promise<Buffer> => readItemImage(fromRef(ref))

/** A key that changes when the image bytes may have changed (path, size, mtime; plus the offset for tar members). */
export async function imageStamp(item: Located): Promise<string> {
  const st = await stat(item.imagePath)
  return `${imageRef(item)}\0${st.size}\0${st.mtimeMs}`
}

/** `imageStamp` of a stored reference. */
export const imageRefStamp = (ref: string): Promise<string> => imageStamp(fromRef(ref))
