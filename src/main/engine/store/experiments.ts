// Experiments repository: each row holds the full spec (enough to rerun), status, results and error.
import { randomUUID } from 'node:crypto'
import { WorkbenchError, type WorkbenchErrorData } from '../../../shared/contract/errors'
import type { WorkspaceDb } from './database'

/** Lifecycle of an experiment. */
export type ExperimentStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled'

/** JSON object stored verbatim (spec: model fingerprint, dataset hash, attack, params, seeds, app version). */
export type JsonObject = Record<string, unknown>

/** One experiment; timestamps are ISO 8601 strings. */
export interface ExperimentRow {
  id: string
  name: string
  tags: string[]
  createdAt: string
  updatedAt: string
  status: ExperimentStatus
  spec: JsonObject
  results: JsonObject | null
  error: WorkbenchErrorData | null
}

/** Input of create(); a missing id gets a fresh UUID. */
export interface NewExperiment {
  id?: string
  name: string
  tags?: string[]
  spec: JsonObject
}

/** Query of list(): `search` matches id, name or a tag (case-insensitive substring). */
export interface ExperimentQuery {
  search?: string
  status?: ExperimentStatus
  limit?: number
  offset?: number
}

/** Prepared-statement access to the experiments table. */
export interface ExperimentsRepo {
  create(input: NewExperiment): ExperimentRow
  get(id: string): ExperimentRow | undefined
  /** Newest first. */
  list(query?: ExperimentQuery): ExperimentRow[]
  rename(id: string, name: string): ExperimentRow
  setTags(id: string, tags: string[]): ExperimentRow
  /** Set the status; `error` is stored for 'failed' and cleared otherwise. */
  setStatus(id: string, status: ExperimentStatus, error?: WorkbenchErrorData | null): ExperimentRow
  setResults(id: string, results: JsonObject): ExperimentRow
  /** Remove the experiment and (by cascade) its scores; false when it did not exist. */
  delete(id: string): boolean
  /** Id and name of experiments whose id is `ref`, whose name is `ref`, or whose id starts with `ref` (at most 20). */
  matching(ref: string): Array<{ id: string; name: string }>
}

interface DbExperiment {
  id: string
  name: string
  tags: string
  created_at: number
  updated_at: number
  status: ExperimentStatus
  spec: string
  results: string | null
  error: string | null
}

const COLUMNS = 'id, name, tags, created_at, updated_at, status, spec, results, error'

function fromDb(r: DbExperiment): ExperimentRow {
  return {
    id: r.id,
    name: r.name,
    tags: JSON.parse(r.tags) as string[],
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    status: r.status,
    spec: JSON.parse(r.spec) as JsonObject,
    results: r.results === null ? null : (JSON.parse(r.results) as JsonObject),
    error: r.error === null ? null : (JSON.parse(r.error) as WorkbenchErrorData)
  }
}

function notFound(id: string): WorkbenchError {
  return new WorkbenchError({ code: 'not-found', message: `Experiment ${id} does not exist.`, item: id, hint: 'List experiments to see the ids there are.' })
}

const LIST_SQL = `
  SELECT ${COLUMNS} FROM experiments
  WHERE (@status IS NULL OR status = @status)
    AND (@search IS NULL OR instr(lower(id), @search) > 0 OR instr(lower(name), @search) > 0
         OR EXISTS (SELECT 1 FROM json_each(experiments.tags) AS t WHERE instr(lower(t.value), @search) > 0))
  ORDER BY created_at DESC, id DESC
  LIMIT @limit OFFSET @offset`

/** Create the experiments repository over an open workspace database. */
export function createExperimentsRepo(db: WorkspaceDb): ExperimentsRepo {
  const insert = db.prepare('experiments.create', `INSERT INTO experiments (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 'pending', ?, NULL, NULL)`)
  const select = db.prepare<DbExperiment>('experiments.get', `SELECT ${COLUMNS} FROM experiments WHERE id = ?`)
  const list = db.prepare<DbExperiment>('experiments.list', LIST_SQL)
  const remove = db.prepare('experiments.delete', 'DELETE FROM experiments WHERE id = ?')
  // substr, not LIKE: an id prefix may hold '%' or '_', which LIKE would read as wildcards.
  const matching = db.prepare<{ id: string; name: string }>(
    'experiments.matching',
    'SELECT id, name FROM experiments WHERE id = @ref OR name = @ref OR substr(id, 1, length(@ref)) = @ref ORDER BY created_at DESC LIMIT 20'
  )
  const get = (id: string) => {
    const r = select.get(id)
    return r === undefined ? undefined : fromDb(r)
  }
  /** One UPDATE of the given columns plus updated_at, then the fresh row; unknown ids are 'not-found'. */
  const update = (label: string, id: string, columns: Record<string, string | null>): ExperimentRow => {
    const names = Object.keys(columns)
    const sql = `UPDATE experiments SET ${names.map((n) => `${n} = @${n}`).join(', ')}, updated_at = @now WHERE id = @id`
    const changed = db.write(label, () => db.prepare(label, sql).run({ ...columns, now: Date.now(), id }).changes)
    if (changed === 0) throw notFound(id)
    return get(id)!
  }
  return {
    create(input) {
      const id = input.id ?? randomUUID()
      const now = Date.now()
      db.write('experiments.create', () => {
        if (select.get(id) !== undefined) {
          throw new WorkbenchError({ code: 'invalid-input', message: `Experiment ${id} already exists.`, item: id, hint: 'Leave the id out to get a fresh one.' })
        }
        insert.run(id, input.name, JSON.stringify(input.tags ?? []), now, now, JSON.stringify(input.spec))
      })
      return get(id)!
    },
    get,
    list: (query = {}) =>
      list
        .all({
          status: query.status ?? null,
          search: query.search ? query.search.toLowerCase() : null,
          limit: query.limit ?? -1,
          offset: query.offset ?? 0
        })
        .map(fromDb),
    rename: (id, name) => update('experiments.rename', id, { name }),
    setTags: (id, tags) => update('experiments.setTags', id, { tags: JSON.stringify(tags) }),
    setStatus: (id, status, error = null) => update('experiments.setStatus', id, { status, error: status === 'failed' && error ? JSON.stringify(error) : null }),
    setResults: (id, results) => update('experiments.setResults', id, { results: JSON.stringify(results) }),
    delete: (id) => db.write('experiments.delete', () => remove.run(id).changes > 0),
    matching: (ref) => matching.all({ ref })
  }
}
