// Embedding cache repository: float32 vectors keyed by (model fingerprint, kind, content hash, view), written once.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { WorkspaceDb } from './database'
import { blobToVector, vectorToBlob } from './vector-blob'

/** Which tower produced a vector: image hashes are sha256 of the file bytes, text hashes sha256 of the caption. */
export type EmbeddingKind = 'image' | 'text'

/** One cache key within a (model, kind): the content hash and the view ('orig' or a canonical augmentation spec). */
export interface EmbeddingKey {
  contentHash: string
  view: string
}

/** One embedding to store; the caller L2-normalises `vector`. */
export interface EmbeddingRow extends EmbeddingKey {
  modelFingerprint: string
  kind: EmbeddingKind
  vector: Float32Array
}

/** Filter for count(). */
export interface EmbeddingFilter {
  modelFingerprint?: string
  kind?: EmbeddingKind
  view?: string
}

/** Prepared-statement access to the embeddings table. */
export interface EmbeddingsRepo {
  /** The stored vectors of those keys that are present, keyed by embeddingKey(contentHash, view). */
  getMany(modelFingerprint: string, kind: EmbeddingKind, keys: readonly EmbeddingKey[]): Map<string, Float32Array>
  /** The keys (deduplicated, in first-seen order) that have no stored vector: the work left to do. */
  missing(modelFingerprint: string, kind: EmbeddingKind, keys: readonly EmbeddingKey[]): EmbeddingKey[]
  /** Insert rows in ONE transaction; existing keys are left untouched. Returns how many rows were added. */
  putMany(rows: readonly EmbeddingRow[]): number
  /** Number of stored vectors matching the filter. */
  count(filter?: EmbeddingFilter): number
}

/** The map key getMany uses; a content hash is hex, so the first '|' separates it from the view. */
export function embeddingKey(contentHash: string, view: string): string {
  return `${contentHash}|${view}`
}

// Lookups are point probes of the unique index inside one read transaction: measured faster than joining a
// json_each key list (0.19 s vs 0.44 s for 50k keys on 2 cores), and the cost is dominated by reading the blobs.
const SELECT_VECTOR = `
  SELECT vector FROM embeddings WHERE model_fingerprint = ? AND kind = ? AND content_hash = ? AND view = ?`

const SELECT_PRESENT = `
  SELECT 1 AS present FROM embeddings WHERE model_fingerprint = ? AND kind = ? AND content_hash = ? AND view = ?`

const INSERT = `
  INSERT OR IGNORE INTO embeddings (model_fingerprint, kind, content_hash, view, dim, vector, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?)`

function uniqueKeys(keys: readonly EmbeddingKey[]): Map<string, EmbeddingKey> {
  const out = new Map<string, EmbeddingKey>()
  for (const k of keys) {
    const id = embeddingKey(k.contentHash, k.view)
    if (!out.has(id)) out.set(id, k)
  }
  return out
}

function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false
  return true
}

/** Reject rows the cache must never hold: empty or non-finite vectors would poison every later run. */
function checkRow(row: EmbeddingRow): void {
  const bad = row.vector.length === 0 ? 'is empty' : allFinite(row.vector) ? null : 'has NaN or infinite values'
  if (bad !== null) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `Embedding of ${row.kind} ${row.contentHash} (view ${row.view}) ${bad}; nothing from this batch was stored.`,
      item: row.contentHash,
      hint: 'The model produced an unusable output for this input; check the model and the item.'
    })
  }
}

/** Create the embeddings repository over an open workspace database. */
export function createEmbeddingsRepo(db: WorkspaceDb): EmbeddingsRepo {
  const selectVector = db.prepare<{ vector: Buffer }>('embeddings.getMany', SELECT_VECTOR)
  const selectPresent = db.prepare<{ present: number }>('embeddings.missing', SELECT_PRESENT)
  const insert = db.prepare('embeddings.putMany', INSERT)
  return {
    getMany(modelFingerprint, kind, keys) {
      const out = new Map<string, Float32Array>()
      db.read('embeddings.getMany', () => {
        for (const [id, k] of uniqueKeys(keys)) {
          const row = selectVector.get(modelFingerprint, kind, k.contentHash, k.view)
          if (row !== undefined) out.set(id, blobToVector(row.vector, id))
        }
      })
      return out
    },
    missing(modelFingerprint, kind, keys) {
      const out: EmbeddingKey[] = []
      db.read('embeddings.missing', () => {
        for (const k of uniqueKeys(keys).values()) {
          if (selectPresent.get(modelFingerprint, kind, k.contentHash, k.view) === undefined) out.push(k)
        }
      })
      return out
    },
    putMany(rows) {
      rows.forEach(checkRow)
      const now = Date.now()
      return db.write('embeddings.putMany', () => {
        let added = 0
        for (const r of rows) {
          added += insert.run(r.modelFingerprint, r.kind, r.contentHash, r.view, r.vector.length, vectorToBlob(r.vector), now).changes
        }
        return added
      })
    },
    count(filter = {}) {
      const columns = { model_fingerprint: filter.modelFingerprint, kind: filter.kind, view: filter.view }
      const given = Object.entries(columns).filter((e): e is [string, string] => e[1] !== undefined)
      const where = given.map(([column]) => `${column} = ?`)
      const params = given.map(([, value]) => value)
      const sql = `SELECT count(*) AS n FROM embeddings${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
      return db.prepare<{ n: number }>('embeddings.count', sql).get(...params)!.n
    }
  }
}
