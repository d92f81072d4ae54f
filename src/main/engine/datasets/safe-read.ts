// Reading files a dataset names: regular files only, size-bounded, never blocking on a FIFO or a device (issue 16).
import fs, { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'

/** A file a dataset names that is not readable as data; `code` says why (Node's codes, plus ENOTREG and EFBIG). */
export class DataFileError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
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

/**
 * A dataset's own file (manifest, labels.csv, dataset.json, captions JSON) must be a regular file: anything else fails
 * the open with `bad-dataset` naming it, instead of a read that never returns.
 */
export async function assertRegularFile(file: string): Promise<void> {
  await (
    await openRegularFile(file).catch((err: DataFileError) => {
      throw new WorkbenchError({ code: 'bad-dataset', item: file, message: err.message, hint: 'Point the dataset at regular files.' }, { cause: err })
    })
  ).close()
}

/** The bytes of a dataset's optional file, undefined when it does not exist; see `assertRegularFile`. */
export async function readOptionalFile(file: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(file, maxBytes)
  } catch (err) {
    if ((err as DataFileError).code === 'ENOENT' || (err as DataFileError).code === 'ENOTDIR') return undefined
    throw new WorkbenchError({ code: 'bad-dataset', item: file, message: (err as Error).message, hint: 'Point the dataset at regular files.' }, { cause: err })
  }
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

/** A folder as the judge sees it: its real path (null when it does not resolve) and the names of the symlinks in it. */
interface Folder {
  real: string | null
  unresolved: Placement
  links: Set<string>
}

/**
 * A judge of real paths against `root`'s real path (the lexical check alone lets a symlink point anywhere). Each folder
 * is resolved and listed once per judge (one pass over a dataset) and only its symlinks are remembered, so a file costs
 * a map lookup, and a realpath only when it is itself a symlink: 200k manifest rows stay fast. Synchronous on purpose:
 * these are metadata calls, cheaper than a thread-pool round trip each.
 */
export function placementJudge(root: string): (file: string) => Placement {
  const realRoot = tryRealpath(root) ?? path.resolve(root)
  const prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep
  const folders = new Map<string, Folder>()
  const folderOf = (dir: string): Folder => {
    let folder = folders.get(dir)
    if (!folder) {
      const real = tryRealpath(dir)
      let links = new Set<string>()
      try {
        if (real !== null)
          links = new Set(
            fs
              .readdirSync(dir, { withFileTypes: true })
              .filter((e) => e.isSymbolicLink())
              .map((e) => e.name)
          )
      } catch {
        // Unlistable (no read permission): every file in it is treated as a possible link below.
        links = new Set(['*'])
      }
      folder = { real, unresolved: real === null ? loopOrMissing(dir) : 'missing', links }
      if (folders.size > 100_000) folders.clear()
      folders.set(dir, folder)
    }
    return folder
  }
  const judge = (real: string): Placement => (real === realRoot || real.startsWith(prefix) ? 'inside' : 'outside')
  return (file) => {
    const folder = folderOf(path.dirname(file))
    if (folder.real === null) return folder.unresolved
    const name = path.basename(file)
    if (!folder.links.has(name) && !folder.links.has('*')) return judge(path.join(folder.real, name))
    try {
      return judge(fs.realpathSync(file))
    } catch (err) {
      return loopCode(err) ? 'loop' : 'missing'
    }
  }
}

const loopCode = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ELOOP'

function loopOrMissing(p: string): Placement {
  try {
    fs.realpathSync(p)
    return 'missing'
  } catch (err) {
    return loopCode(err) ? 'loop' : 'missing'
  }
}

function tryRealpath(p: string): string | null {
  try {
    return fs.realpathSync(p)
  } catch {
    return null
  }
}

/** One-off form of `placementJudge`. */
export async function realPathInside(root: string, file: string): Promise<Placement> {
  return placementJudge(root)(file)
}
