// Test scaffolding for the store suite: temp workspaces, deterministic vectors and content hashes.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRng, seedOf } from '../../../../src/main/engine/rng'
import type { EmbeddingKind, EmbeddingRow } from '../../../../src/main/engine/store'

/** A fresh temp folder; remove it with `fs.rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(prefix = 'mia-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** sha256 hex of a string, standing in for the hash of an image file or caption. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** An L2-normalised vector determined by its parts, so a test can recompute what a child process wrote. */
export function vectorOf(dim: number, ...parts: Array<string | number>): Float32Array {
  const rng = createRng(seedOf(...parts))
  const v = new Float32Array(dim)
  let norm = 0
  for (let i = 0; i < dim; i++) {
    v[i] = rng.normal()
    norm += v[i] * v[i]
  }
  const scale = 1 / Math.sqrt(norm)
  for (let i = 0; i < dim; i++) v[i] *= scale
  return v
}

/** The keys of batch `batch` of a writer (what batchRows produces, without computing vectors). */
export function batchKeys(writer: string, batch: number, size: number): Array<{ contentHash: string; view: string }> {
  return Array.from({ length: size }, (_, j) => ({ contentHash: sha256(`${writer}/${batch}/${j}`), view: `batch-${batch}` }))
}

/** The rows of batch `batch` of a writer: `size` items, the batch number in the view so atomicity can be checked. */
export function batchRows(writer: string, batch: number, size: number, dim: number, kind: EmbeddingKind = 'image'): EmbeddingRow[] {
  const rows: EmbeddingRow[] = []
  for (let j = 0; j < size; j++) {
    rows.push({
      modelFingerprint: `fp-${writer}`,
      kind,
      contentHash: sha256(`${writer}/${batch}/${j}`),
      view: `batch-${batch}`,
      vector: vectorOf(dim, writer, batch, j)
    })
  }
  return rows
}

/** Byte-for-byte equality of two float32 vectors (NaN payloads and -0 included). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}
