// Scores repository: one membership score per (experiment, item), read back as typed arrays aligned with item ids.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { WorkspaceDb } from './database'
import { blobToVector, vectorToBlob } from './vector-blob'

/** One item's score; label 1 = member, 0 = non-member, null = unknown; extra e.g. the AEA feature vector. */
export interface ScoreRow {
  itemId: string
  score: number
  label?: 0 | 1 | null
  extra?: Float32Array | null
}

/**
 * An experiment's scores as parallel arrays: scores[i] belongs to itemIds[i]; labels use -1 for unknown;
 * a missing score (NaN stored, or an item asked for but absent) is NaN.
 */
export interface ExperimentScores {
  itemIds: string[]
  scores: Float64Array
  labels: Int8Array
  extra: Array<Float32Array | null>
}

/** Prepared-statement access to the scores table. */
export interface ScoresRepo {
  /** Insert or replace an experiment's scores in ONE transaction; returns rows written. */
  putMany(experimentId: string, rows: readonly ScoreRow[]): number
  /** Scores in insertion order, or aligned with `itemIds` when given. */
  get(experimentId: string, itemIds?: readonly string[]): ExperimentScores
  count(experimentId: string): number
}

interface DbScore {
  item_id: string
  score: number | null
  label: number | null
  extra: Buffer | null
}

function toArrays(itemIds: string[], rows: Array<DbScore | undefined>): ExperimentScores {
  const scores = new Float64Array(itemIds.length)
  const labels = new Int8Array(itemIds.length)
  const extra: Array<Float32Array | null> = []
  rows.forEach((r, i) => {
    scores[i] = r?.score ?? NaN
    labels[i] = r?.label ?? -1
    extra.push(r?.extra ? blobToVector(r.extra, `score extra of ${itemIds[i]}`) : null)
  })
  return { itemIds, scores, labels, extra }
}

/** Create the scores repository over an open workspace database. */
export function createScoresRepo(db: WorkspaceDb): ScoresRepo {
  const upsert = db.prepare('scores.putMany', 'INSERT OR REPLACE INTO scores (experiment_id, item_id, score, label, extra) VALUES (?, ?, ?, ?, ?)')
  const all = db.prepare<DbScore>('scores.get', 'SELECT item_id, score, label, extra FROM scores WHERE experiment_id = ? ORDER BY rowid')
  const one = db.prepare<DbScore>('scores.get', 'SELECT item_id, score, label, extra FROM scores WHERE experiment_id = ? AND item_id = ?')
  const exists = db.prepare('scores.putMany', 'SELECT 1 FROM experiments WHERE id = ?')
  const count = db.prepare<{ n: number }>('scores.count', 'SELECT count(*) AS n FROM scores WHERE experiment_id = ?')
  return {
    putMany: (experimentId, rows) =>
      db.write('scores.putMany', () => {
        if (exists.get(experimentId) === undefined) {
          throw new WorkbenchError({ code: 'not-found', message: `Experiment ${experimentId} does not exist; its scores were not stored.`, item: experimentId })
        }
        for (const r of rows) {
          // SQLite stores NaN as NULL; get() maps NULL back to NaN.
          const score = Number.isNaN(r.score) ? null : r.score
          upsert.run(experimentId, r.itemId, score, r.label ?? null, r.extra ? vectorToBlob(r.extra) : null)
        }
        return rows.length
      }),
    get: (experimentId, itemIds) =>
      db.read('scores.get', () => {
        if (itemIds === undefined) {
          const rows = all.all(experimentId)
          return toArrays(
            rows.map((r) => r.item_id),
            rows
          )
        }
        return toArrays(
          [...itemIds],
          itemIds.map((id) => one.get(experimentId, id))
        )
      }),
    count: (experimentId) => count.get(experimentId)!.n
  }
}
