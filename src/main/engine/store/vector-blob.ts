// Float32 vectors <-> SQLite BLOBs (little-endian, the byte order of every platform MIA Workbench ships for).
import { WorkbenchError } from '../../../shared/contract/errors'

/** A view of the vector's bytes for binding; SQLite copies bound blobs, so no copy is made here. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
}

/**
 * A fresh, 4-byte-aligned Float32Array holding a copy of the blob. Never a view: a Buffer may sit at any
 * offset of Node's shared pool, so aliasing it would be misaligned or see later writes to the pool.
 */
export function blobToVector(blob: Uint8Array, what: string): Float32Array {
  if (blob.byteLength % 4 !== 0) {
    throw new WorkbenchError({
      code: 'store-failed',
      message: `Stored vector for ${what} has ${blob.byteLength} bytes, not a whole number of float32 values.`,
      item: what,
      hint: 'The workspace database is damaged; move it aside and let MIA Workbench rebuild the cache.'
    })
  }
  const out = new Float32Array(blob.byteLength / 4)
  new Uint8Array(out.buffer).set(blob)
  return out
}
