// Reading files a dataset names: regular files only, size-bounded, never blocking on a FIFO or a device (issue 16).
import { constants } from 'node:fs'
import { open, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'

/** A file a dataset names that is not readable as data; `code` says why (Node's codes, plus ENOTREG and EFBIG). */
export class DataFileError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
    this.name = 'DataFileError'
  }
}

/** What kind of non-regular file `st` is, in words. */
function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isSocket()) return 'a socket'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/**
 * The bytes of `file`, which must be a regular file of at most `maxBytes`. Opened non-blocking (a FIFO with no writer
 * would otherwise block the open forever) and checked with fstat on the open handle, so the file checked is the file
 * read; symlinks are followed (their targets are judged by `realPathInside`). Errors are DataFileError with a code:
 * ENOENT, ELOOP, EACCES… from the open, EISDIR / ENOTREG for other kinds of file, EFBIG over the limit.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<Buffer> {
  const fh = await openRegularFile(file)
  try {
    const { size } = await fh.stat()
    if (size > maxBytes) throw new DataFileError('EFBIG', `${file} is ${size} bytes, over the limit of ${maxBytes} bytes for one file; it is not read.`)
    return await readAll(fh, size, maxBytes, file)
  } finally {
    await fh.close()
  }
}

/** Open `file` for reading if it is a regular file (see `readRegularFile`); the caller closes the handle. */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0)).catch((err: NodeJS.ErrnoException) => {
    throw new DataFileError(err.code ?? 'EIO', err.code === 'ELOOP' ? `${file} is a symbolic link loop (or a chain too long to follow).` : `${file} cannot be opened (${err.code ?? err.message}).`)
  })
  const st = await fh.stat().catch(async (err: unknown) => {
    await fh.close()
    throw err
  })
  if (!st.isFile()) {
    await fh.close()
    throw new DataFileError(st.isDirectory() ? 'EISDIR' : 'ENOTREG', `${file} is ${kindOf(st)}, not a regular file; it is not read.`)
  }
  return fh
}

/** Read to the end, stopping past `maxBytes` even if the file grows while it is read. */
async function readAll(fh: FileHandle, size: number, maxBytes: number, file: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(size - total + 1, 16 * 1024 * 1024)))
    const { bytesRead } = await fh.read(buf, 0, buf.length, total)
    if (bytesRead === 0) break
    total += bytesRead
    if (total > maxBytes) throw new DataFileError('EFBIG', `${file} grew over the limit of ${maxBytes} bytes while it was read; it is not read.`)
    chunks.push(buf.subarray(0, bytesRead))
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

/** Where a file really is relative to a folder, symlinks resolved: inside, outside, a loop, or not there. */
export type Placement = 'inside' | 'outside' | 'loop' | 'missing'

const realRoots = new Map<string, string>()

/** `file`'s real path judged against `root`'s real path (the lexical check alone lets a symlink point anywhere). */
export async function realPathInside(root: string, file: string): Promise<Placement> {
  let realRoot = realRoots.get(root)
  if (realRoot === undefined) {
    realRoot = await realpath(root).catch(() => root)
    if (realRoots.size > 1000) realRoots.clear()
    realRoots.set(root, realRoot)
  }
  try {
    const real = await realpath(file)
    return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep) ? 'inside' : 'outside'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'missing'
  }
}
