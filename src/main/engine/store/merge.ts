// Merging embedding caches (`mia cache merge`): copy rows idempotently, report rows that disagree, overwrite nothing.
import fs from 'node:fs'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { openWorkspaceDb, type WorkspaceDb } from './database'
import type { EmbeddingKind } from './embeddings'

/** A key stored in both databases with different vectors; the target's vector is kept. */
export interface MergeConflict {
  source: string
  modelFingerprint: string
  kind: EmbeddingKind
  contentHash: string
  view: string
}

/** What a merge did. */
export interface MergeReport {
  /** Rows copied into the target. */
  inserted: number
  /** Rows the target already had, byte for byte. */
  identical: number
  conflicts: MergeConflict[]
}

/** Progress of a merge: rows of the current source looked at so far. */
export interface MergeProgress {
  source: string
  done: number
  total: number
}

/** Options of mergeDatabases. */
export interface MergeOptions {
  signal?: AbortSignal
  onProgress?: (progress: MergeProgress) => void
  /** Rows per target transaction (default 2000). */
  batchSize?: number
}

interface SourceRow {
  id: number
  model_fingerprint: string
  kind: EmbeddingKind
  content_hash: string
  view: string
  dim: number
  vector: Buffer
  created_at: number
}

const KEY = 'model_fingerprint = ? AND kind = ? AND content_hash = ? AND view = ?'

function sameFile(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b)
  } catch {
    return false
  }
}

/** Copy one batch in one target transaction; a key already present is compared, never replaced. */
function mergeBatch(target: WorkspaceDb, source: string, rows: SourceRow[], report: MergeReport): void {
  const insert = target.prepare('merge.insert', 'INSERT OR IGNORE INTO embeddings (model_fingerprint, kind, content_hash, view, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const existing = target.prepare<{ vector: Buffer }>('merge.compare', `SELECT vector FROM embeddings WHERE ${KEY}`)
  const outcome = target.write('merge.copy', () => {
    const batch: MergeReport = { inserted: 0, identical: 0, conflicts: [] }
    for (const r of rows) {
      const key = [r.model_fingerprint, r.kind, r.content_hash, r.view] as const
      if (insert.run(...key, r.dim, r.vector, r.created_at).changes === 1) {
        batch.inserted++
      } else if (existing.get(...key)!.vector.equals(r.vector)) {
        batch.identical++
      } else {
        batch.conflicts.push({ source, modelFingerprint: r.model_fingerprint, kind: r.kind, contentHash: r.content_hash, view: r.view })
      }
    }
    return batch
  })
  report.inserted += outcome.inserted
  report.identical += outcome.identical
  report.conflicts.push(...outcome.conflicts)
}

async function mergeOne(target: WorkspaceDb, source: string, report: MergeReport, options: MergeOptions): Promise<void> {
  if (sameFile(source, target.file)) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Cannot merge ${source} into itself.`, item: source, hint: 'Pass a different source database.' })
  }
  const src = openWorkspaceDb(source, { readonly: true })
  try {
    const total = src.prepare<{ n: number }>('merge.count', 'SELECT count(*) AS n FROM embeddings').get()!.n
    const page = src.prepare<SourceRow>('merge.read', 'SELECT * FROM embeddings WHERE id > ? ORDER BY id LIMIT ?')
    const size = options.batchSize ?? 2000
    let done = 0
    // Keyset pages rather than one open cursor: nothing in the source stays locked across the awaits.
    for (let last = 0, rows = page.all(last, size); rows.length > 0; rows = page.all(last, size)) {
      throwIfAborted(options.signal)
      mergeBatch(target, source, rows, report)
      last = rows[rows.length - 1].id
      done += rows.length
      options.onProgress?.({ source, done, total })
      await yieldToLoop()
    }
  } finally {
    src.close()
  }
}

/**
 * Copy the embeddings of each source database (opened read-only) into `into` (a path or an open database).
 * Rerunning adds nothing; a key whose vector differs is listed as a conflict and the target keeps its own.
 */
export async function mergeDatabases(sources: readonly string[], into: string | WorkspaceDb, options: MergeOptions = {}): Promise<MergeReport> {
  const target = typeof into === 'string' ? openWorkspaceDb(into) : into
  const report: MergeReport = { inserted: 0, identical: 0, conflicts: [] }
  try {
    for (const source of sources) await mergeOne(target, source, report, options)
  } finally {
    if (typeof into === 'string') target.close()
  }
  return report
}
