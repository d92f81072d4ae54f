// Tar archives read by seeking from header to header: entries come with byte offsets, contents are never buffered.
import type { FileHandle } from 'node:fs/promises'
import { throwIfAborted } from '../../../shared/contract/errors'
import { openRegularFile } from './safe-read'

const BLOCK = 512

/** One regular file inside a tar archive: its bytes are `size` bytes at `offset` of the archive. */
export interface TarEntry {
  name: string
  offset: number
  size: number
  /** The contents, when `withData` asked for them. */
  data?: Buffer
}

/** A tar that cannot be read past some point; entries before it were yielded. */
export class TarError extends Error {
  constructor(
    readonly archive: string,
    readonly at: number,
    message: string
  ) {
    super(message)
  }
}

const text = (b: Buffer, from: number, len: number): string => {
  const end = b.indexOf(0, from)
  return b.toString('utf8', from, end < 0 || end > from + len ? from + len : end)
}

/** Octal numeric field, or GNU base-256 when the top bit of the first byte is set (files ≥ 8 GiB). */
function numberField(b: Buffer, from: number, len: number): number {
  if (b[from] & 0x80) {
    let n = b[from] & 0x7f
    for (let i = from + 1; i < from + len; i++) n = n * 256 + b[i]
    return n
  }
  const s = text(b, from, len).trim()
  return s === '' ? 0 : parseInt(s, 8)
}

function checksumOk(h: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]
  return sum === numberField(h, 148, 8)
}

/** PAX extended header records (`<len> key=value\n`): only path and size matter here. */
function paxFields(b: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {}
  let i = 0
  while (i < b.length) {
    const space = b.indexOf(0x20, i)
    if (space < 0) break
    const len = parseInt(b.toString('utf8', i, space), 10)
    if (!(len > 0)) break
    const record = b.toString('utf8', space + 1, i + len - 1)
    const eq = record.indexOf('=')
    const key = record.slice(0, eq)
    if (key === 'path') out.path = record.slice(eq + 1)
    if (key === 'size') out.size = Number(record.slice(eq + 1))
    i += len
  }
  return out
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len)
  const { bytesRead } = await fh.read(buf, 0, len, pos)
  return bytesRead === len ? buf : buf.subarray(0, bytesRead)
}

/**
 * The regular files of a ustar / GNU / PAX tar, in archive order. Only headers are read (one 512-byte
 * block per entry, plus long-name and PAX blocks), so a multi-gigabyte shard costs no memory. A bad
 * checksum or a file running past the end throws TarError after the good entries.
 */
export async function* tarEntries(archive: string, options: { signal?: AbortSignal; withData?: (name: string, size: number) => boolean } = {}): AsyncGenerator<TarEntry> {
  const { signal, withData } = options
  const fh = await openRegularFile(archive)
  try {
    const total = (await fh.stat()).size
    let pos = 0
    let longName: string | undefined
    let pax: { path?: string; size?: number } = {}
    while (pos + BLOCK <= total) {
      throwIfAborted(signal)
      const h = await readAt(fh, pos, BLOCK)
      if (h.every((x) => x === 0)) return
      if (!checksumOk(h)) throw new TarError(archive, pos, `bad header checksum at byte ${pos}: the archive is corrupt or not a tar`)
      const type = String.fromCharCode(h[156] || 0x30)
      const size = pax.size ?? numberField(h, 124, 12)
      if (!Number.isSafeInteger(size) || size < 0) throw new TarError(archive, pos, `the entry at byte ${pos} has an invalid size`)
      const data = pos + BLOCK
      if (data + size > total) throw new TarError(archive, pos, `the entry at byte ${pos} needs ${size} bytes but the archive ends first: it is truncated`)
      const next = data + Math.ceil(size / BLOCK) * BLOCK
      if (type === 'L') longName = text(await readAt(fh, data, size), 0, size)
      else if (type === 'x') pax = paxFields(await readAt(fh, data, size))
      else {
        if (type === '0' || type === '7') {
          const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? text(h, 345, 155) : ''
          const name = pax.path ?? longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100))
          yield { name, offset: data, size, ...(withData?.(name, size) ? { data: await readAt(fh, data, size) } : {}) }
        }
        longName = undefined
        pax = {}
      }
      pos = next
    }
  } finally {
    await fh.close()
  }
}

/** `size` bytes at `offset` of `archive` (one entry's contents). */
export async function readTarEntry(archive: string, offset: number, size: number): Promise<Buffer> {
  const fh = await openRegularFile(archive)
  try {
    const buf = await readAt(fh, offset, size)
    if (buf.length !== size) throw Object.assign(new Error(`${archive} ends before byte ${offset + size}`), { code: 'ETRUNCATED' })
    return buf
  } finally {
    await fh.close()
  }
}
