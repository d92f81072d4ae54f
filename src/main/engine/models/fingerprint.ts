// Content fingerprints of model files: streamed sha256, memoised by path + size + mtime.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'

/** Where file hashes are remembered between calls; the engine may back it with its store. */
export interface HashCache {
  get(key: string): string | undefined
  set(key: string, hash: string): void
}

const memory = new Map<string, string>()

/** The process-wide in-memory hash cache (the default). */
export const memoryHashCache: HashCache = { get: (k) => memory.get(k), set: (k, v) => void memory.set(k, v) }

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** sha256 of a file's bytes; skips rehashing when path, size and mtime are unchanged. */
export async function hashFile(file: string, cache: HashCache = memoryHashCache): Promise<string> {
  const abs = path.resolve(file)
  const st = await fs.stat(abs)
  const key = `${abs}\0${st.size}\0${st.mtimeMs}`
  const known = cache.get(key)
  if (known) return known
  const hash = await sha256File(abs)
  cache.set(key, hash)
  return hash
}

/**
 * Fingerprint of a model: sha256 over (relative path, content hash) of each file, sorted by path.
 * Content-based, so a copy elsewhere has the same fingerprint and any changed byte gives a new one.
 */
export async function fingerprintFiles(root: string, relativePaths: string[], cache: HashCache = memoryHashCache): Promise<string> {
  const outer = createHash('sha256')
  for (const rel of [...relativePaths].sort()) {
    const inner = await hashFile(path.join(root, rel), cache)
    outer.update(`${rel.split(path.sep).join('/')}\0${inner}\n`)
  }
  return outer.digest('hex')
}
