// Registries of user-added model folders and datasets, so the app remembers them between sessions.
import type { WorkspaceDb } from './database'

/** A model folder the user added; fingerprint is null until it has been computed. */
export interface ModelEntry {
  path: string
  name: string
  fingerprint: string | null
  addedAt: string
}

/** A dataset the user added; hash is null until it has been computed. */
export interface DatasetEntry {
  path: string
  name: string
  hash: string | null
  addedAt: string
}

/** Access to one registry table, keyed by absolute path. */
export interface RegistryRepo<E> {
  /** Add or update (name, fingerprint/hash) by path; the first addedAt is kept. */
  add(entry: Omit<E, 'addedAt'>): E
  get(path: string): E | undefined
  /** Oldest first. */
  list(): E[]
  /** False when the path was not registered. */
  remove(path: string): boolean
}

interface DbEntry {
  path: string
  name: string
  value: string | null
  added_at: number
}

function createRegistryRepo<E extends { path: string; name: string; addedAt: string }>(
  db: WorkspaceDb,
  table: 'models' | 'datasets',
  column: 'fingerprint' | 'dataset_hash',
  field: Exclude<keyof E, 'path' | 'name' | 'addedAt'> & string
): RegistryRepo<E> {
  const select = `SELECT path, name, ${column} AS value, added_at FROM ${table}`
  const upsert = db.prepare(
    `${table}.add`,
    `INSERT INTO ${table} (path, name, ${column}, added_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET name = excluded.name, ${column} = excluded.${column}`
  )
  const one = db.prepare<DbEntry>(`${table}.get`, `${select} WHERE path = ?`)
  const all = db.prepare<DbEntry>(`${table}.list`, `${select} ORDER BY added_at, path`)
  const remove = db.prepare(`${table}.remove`, `DELETE FROM ${table} WHERE path = ?`)
  const fromDb = (r: DbEntry) => ({ path: r.path, name: r.name, [field]: r.value, addedAt: new Date(r.added_at).toISOString() }) as unknown as E
  const get = (path: string) => {
    const r = one.get(path)
    return r === undefined ? undefined : fromDb(r)
  }
  return {
    add(entry) {
      const value = (entry as Record<string, unknown>)[field] as string | null
      db.write(`${table}.add`, () => upsert.run(entry.path, entry.name, value ?? null, Date.now()))
      return get(entry.path)!
    },
    get,
    list: () => all.all().map(fromDb),
    remove: (path) => db.write(`${table}.remove`, () => remove.run(path).changes > 0)
  }
}

/** The registry of user-added model folders. */
export function createModelRegistry(db: WorkspaceDb): RegistryRepo<ModelEntry> {
  return createRegistryRepo<ModelEntry>(db, 'models', 'fingerprint', 'fingerprint')
}

/** The registry of user-added datasets. */
export function createDatasetRegistry(db: WorkspaceDb): RegistryRepo<DatasetEntry> {
  return createRegistryRepo<DatasetEntry>(db, 'datasets', 'dataset_hash', 'hash')
}
