// Workspace SQLite connection, the ONLY better-sqlite3 importer: pragmas, migrations, busy retry, errors, slow-query log.
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { WorkbenchError } from '../../../shared/contract/errors'
import { MIGRATIONS, type Migration, type MigrationDb } from './migrations'
import { isBusyError, readOnlyWorkspaceError, storeError } from './store-error'

/** A statement that took longer than `slowQueryMs`. */
export interface SlowQuery {
  label: string
  sql: string
  ms: number
}

/** Options of openWorkspaceDb. */
export interface OpenWorkspaceDbOptions {
  /** Open without write access: no migrations, writes fail with 'store-failed'. */
  readonly?: boolean
  /** How long SQLite itself waits for another process's lock before reporting busy (PRAGMA busy_timeout). */
  busyTimeoutMs?: number
  /** How many more times a write (or a lone statement) is retried after SQLite reports busy. */
  busyRetries?: number
  /** Report statements and transactions slower than this many milliseconds. */
  slowQueryMs?: number
  /** Receives slow queries; default: one line on stderr. */
  onSlowQuery?: (query: SlowQuery) => void
  /** The migration list to apply; defaults to all of them (tests build older-version fixtures with a prefix). */
  migrations?: readonly Migration[]
}

/** Outcome of a write statement. */
export interface RunResult {
  changes: number
  lastInsertRowid: number | bigint
}

/** A prepared statement whose failures come back as 'store-failed' errors naming its label. */
export interface Statement<R = unknown> {
  readonly sql: string
  run(...params: unknown[]): RunResult
  get(...params: unknown[]): R | undefined
  all(...params: unknown[]): R[]
}

/** An open workspace database. Repositories use only this interface, never better-sqlite3 itself. */
export interface WorkspaceDb {
  readonly file: string
  readonly readonly: boolean
  /** PRAGMA user_version after migrations. */
  readonly schemaVersion: number
  /** Prepare a statement; `label` (e.g. 'embeddings.putMany') names it in errors and the slow-query log. */
  prepare<R = unknown>(label: string, sql: string): Statement<R>
  /** Run fn in one IMMEDIATE transaction, retried as a whole on SQLITE_BUSY; fn must touch only the database. */
  write<T>(label: string, fn: () => T): T
  /** Run fn in one read transaction: every statement in it sees the same snapshot. */
  read<T>(label: string, fn: () => T): T
  /** Run a PRAGMA and return its single value (e.g. pragma('journal_mode') -> 'wal'). */
  pragma(source: string): unknown
  /** PRAGMA integrity_check lines; exactly ['ok'] when the file is sound. */
  integrityCheck(): string[]
  close(): void
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000
const DEFAULT_BUSY_RETRIES = 4
const sleepCell = new Int32Array(new SharedArrayBuffer(4))

/** Block this thread for ms milliseconds; SQLite calls are synchronous, so the retry wait is too. */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms)
}

/** True when the path's permission bits allow writing (checked even as root, who would write anyway). */
function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK)
    return (fs.statSync(p).mode & 0o222) !== 0
  } catch {
    return false
  }
}

/** Create the folder when needed and refuse a read-only file or folder before SQLite half-opens it. */
function checkWritableLocation(file: string): void {
  const dir = path.dirname(file)
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isFile()) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: dir,
      message: `${dir} is a file, not a workspace folder.`,
      hint: 'Give --workspace a folder (it holds workspace.sqlite); a database file is not a workspace.'
    })
  }
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (err) {
    throw readOnlyWorkspaceError(file, 'open', `cannot create folder ${dir}: ${(err as Error).message}`)
  }
  if (!writable(dir)) throw readOnlyWorkspaceError(file, 'open', `folder ${dir} is not writable`)
  if (fs.existsSync(file) && !writable(file)) throw readOnlyWorkspaceError(file, 'open', 'the database file is not writable')
}

interface Connection {
  raw: Database.Database
  file: string
  retries: number
  slowMs: number | undefined
  onSlow: (query: SlowQuery) => void
}

/**
 * Run fn, rewriting SQLite errors; outside a transaction a busy failure has no side effect, so it is retried
 * with a growing pause (SQLite's own busy_timeout wait happens inside each attempt).
 */
function guarded<T>(conn: Connection, label: string, sql: string, fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    const start = conn.slowMs === undefined ? 0 : performance.now()
    try {
      const out = fn()
      if (conn.slowMs !== undefined) {
        const ms = performance.now() - start
        if (ms >= conn.slowMs) conn.onSlow({ label, sql, ms })
      }
      return out
    } catch (err) {
      if (isBusyError(err) && attempt < conn.retries && !conn.raw.inTransaction) {
        sleepSync(25 * 2 ** attempt + Math.random() * 25)
        continue
      }
      throw storeError(err, { file: conn.file, label })
    }
  }
}

function wrapStatement<R>(conn: Connection, label: string, sql: string): Statement<R> {
  const stmt = guarded(conn, label, sql, () => conn.raw.prepare<unknown[], R>(sql))
  return {
    sql,
    run: (...params) => guarded(conn, label, sql, () => stmt.run(...params)),
    get: (...params) => guarded(conn, label, sql, () => stmt.get(...params)),
    all: (...params) => guarded(conn, label, sql, () => stmt.all(...params))
  }
}

function migrationDb(raw: Database.Database): MigrationDb {
  return {
    exec: (sql) => void raw.exec(sql),
    run: (sql, ...params) => void raw.prepare(sql).run(...params),
    all: <R>(sql: string, ...params: unknown[]) => raw.prepare<unknown[], R>(sql).all(...params)
  }
}

/** Bring the file to the newest version in one transaction; a failure leaves it at the version it had. */
function migrate(conn: Connection, migrations: readonly Migration[], readonly: boolean): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order at ${m.name}: version ${m.version}, expected ${i + 1}`)
  })
  const latest = migrations.length
  const version = () => conn.raw.pragma('user_version', { simple: true }) as number
  const found = guarded(conn, 'read schema version', 'PRAGMA user_version', version)
  if (found > latest) {
    throw new WorkbenchError({
      code: 'store-failed',
      message: `Workspace database has schema version ${found}, newer than this MIA Workbench understands (${latest}).`,
      item: conn.file,
      hint: 'Update MIA Workbench, or choose another workspace folder.'
    })
  }
  if (found === latest) return found
  if (readonly) throw readOnlyWorkspaceError(conn.file, 'migrate', `schema version ${found} needs upgrading to ${latest}`)
  const step = conn.raw.transaction(() => {
    for (const m of migrations.slice(version())) {
      m.up(migrationDb(conn.raw))
      conn.raw.pragma(`user_version = ${m.version}`)
    }
  })
  guarded(conn, 'migrate schema', `user_version ${found} -> ${latest}`, () => step.immediate())
  return latest
}

/** WAL lets readers run beside one writer; NORMAL sync in WAL loses nothing on a process crash (sqlite.org/wal.html). */
function configure(conn: Connection, readonly: boolean, busyTimeoutMs: number): void {
  guarded(conn, 'configure', 'PRAGMA busy_timeout', () => conn.raw.pragma(`busy_timeout = ${busyTimeoutMs}`))
  if (!readonly) guarded(conn, 'configure', 'PRAGMA journal_mode = WAL', () => conn.raw.pragma('journal_mode = WAL'))
  guarded(conn, 'configure', 'PRAGMA synchronous', () => conn.raw.pragma('synchronous = NORMAL'))
  guarded(conn, 'configure', 'PRAGMA foreign_keys', () => conn.raw.pragma('foreign_keys = ON'))
}

/**
 * Inside Electron the Node build of better-sqlite3 has the wrong ABI; setup builds a second copy for Electron and
 * the desktop app names it in MIA_SQLITE_BINDING (issue 2). Plain Node (CLI, server, tests) uses the default build.
 */
function electronBinding(): string | undefined {
  if (!process.versions.electron) return undefined
  const binding = process.env.MIA_SQLITE_BINDING
  if (!binding || !fs.existsSync(binding)) {
    throw new WorkbenchError({
      code: 'store-failed',
      item: binding ?? 'better_sqlite3.node',
      message: 'better-sqlite3 has no build for this Electron version, so the desktop app cannot open the workspace cache.',
      hint: 'Run `npm run setup` with network access (it builds better-sqlite3 against the Electron headers), or use browser mode: `npx mia serve`.'
    })
  }
  return binding
}

function openRaw(file: string, readonly: boolean, busyTimeoutMs: number): Database.Database {
  if (readonly && !fs.existsSync(file)) {
    throw new WorkbenchError({ code: 'not-found', message: `No workspace database at ${file}.`, item: file, hint: 'Check the workspace folder path.' })
  }
  if (!readonly) checkWritableLocation(file)
  try {
    return new Database(file, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs, nativeBinding: electronBinding() })
  } catch (err) {
    throw storeError(err, { file, label: 'open' })
  }
}

/** Open (creating if needed) a workspace database, apply pragmas and pending migrations. */
export function openWorkspaceDb(file: string, options: OpenWorkspaceDbOptions = {}): WorkspaceDb {
  const readonly = options.readonly ?? false
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
  const conn: Connection = {
    raw: openRaw(file, readonly, busyTimeoutMs),
    file,
    retries: options.busyRetries ?? DEFAULT_BUSY_RETRIES,
    slowMs: options.slowQueryMs,
    onSlow: options.onSlowQuery ?? ((q) => process.stderr.write(`[store] slow ${q.label}: ${q.ms.toFixed(1)} ms\n`))
  }
  let schemaVersion: number
  try {
    configure(conn, readonly, busyTimeoutMs)
    schemaVersion = migrate(conn, options.migrations ?? MIGRATIONS, readonly)
  } catch (err) {
    conn.raw.close()
    throw err instanceof WorkbenchError ? err : storeError(err, { file, label: 'open' })
  }
  return createHandle(conn, readonly, schemaVersion)
}

function createHandle(conn: Connection, readonly: boolean, schemaVersion: number): WorkspaceDb {
  const run = conn.raw.transaction((fn: () => unknown) => fn())
  return {
    file: conn.file,
    readonly,
    schemaVersion,
    prepare: (label, sql) => wrapStatement(conn, label, sql),
    write<T>(label: string, fn: () => T): T {
      if (readonly) throw readOnlyWorkspaceError(conn.file, label, 'the database was opened read-only')
      return guarded(conn, label, 'BEGIN IMMEDIATE', () => run.immediate(fn) as T)
    },
    read<T>(label: string, fn: () => T): T {
      return guarded(conn, label, 'BEGIN DEFERRED', () => run.deferred(fn) as T)
    },
    pragma: (source) => guarded(conn, `PRAGMA ${source}`, `PRAGMA ${source}`, () => conn.raw.pragma(source, { simple: true })),
    integrityCheck: () => guarded(conn, 'integrity check', 'PRAGMA integrity_check', () => (conn.raw.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check)),
    close() {
      if (conn.raw.open) conn.raw.close()
    }
  }
}
