// openWorkspaceDb: pragmas, migrations on open, and SQLite failures rewritten as clear 'store-failed' errors.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS, SCHEMA_VERSION, createEmbeddingsRepo, openWorkspaceDb, openWorkspaceStore, type Migration, type SlowQuery } from '../../../../src/main/engine/store'
import { batchRows, tempDir } from './scratch'

const dir = tempDir()
afterAll(() => {
  fs.chmodSync(dir, 0o755)
  fs.rmSync(dir, { recursive: true, force: true })
})

function thrown(fn: () => unknown): Record<string, unknown> & Error {
  try {
    fn()
  } catch (err) {
    return err as Record<string, unknown> & Error
  }
  throw new Error('expected an error, none was thrown')
}

function tables(file: string): string[] {
  const db = openWorkspaceDb(file, { readonly: true })
  const names = db.prepare<{ name: string }>('t', "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all()
  db.close()
  return names.map((r) => r.name)
}

describe('openWorkspaceDb', () => {
  it('creates the folder, applies migrations and the pragmas', () => {
    const file = path.join(dir, 'new', 'deep', 'w.sqlite')
    const db = openWorkspaceDb(file)
    expect(db.schemaVersion).toBe(SCHEMA_VERSION)
    expect(db.pragma('user_version')).toBe(MIGRATIONS.length)
    expect(db.pragma('journal_mode')).toBe('wal')
    expect(db.pragma('synchronous')).toBe(1) // NORMAL
    expect(db.pragma('foreign_keys')).toBe(1)
    expect(db.pragma('busy_timeout')).toBe(5000)
    expect(db.integrityCheck()).toEqual(['ok'])
    db.close()
    expect(tables(file)).toEqual(['datasets', 'embeddings', 'experiments', 'items', 'models', 'run_logs', 'scores'])
  })

  it('reopening is a no-op that keeps data', () => {
    const store = openWorkspaceStore(path.join(dir, 'reopen'))
    store.embeddings.putMany(batchRows('r', 0, 3, 4))
    const schema = store.db.prepare<{ sql: string }>('t', 'SELECT sql FROM sqlite_schema ORDER BY name').all()
    store.close()
    let ran = 0
    const counting: Migration[] = MIGRATIONS.map((m) => ({ ...m, up: (db) => (ran++, m.up(db)) }))
    const again = openWorkspaceStore(path.join(dir, 'reopen'), { migrations: counting })
    expect(ran).toBe(0)
    expect(again.db.prepare('t', 'SELECT sql FROM sqlite_schema ORDER BY name').all()).toEqual(schema)
    expect(again.embeddings.count()).toBe(3)
    again.close()
  })

  it('a failing migration leaves the file at its previous version', () => {
    const file = path.join(dir, 'failing.sqlite')
    openWorkspaceDb(file).close()
    const broken: Migration = { version: MIGRATIONS.length + 1, name: 'broken', up: (db) => (db.exec('CREATE TABLE extra (x)'), db.exec('SELECT * FROM no_such_table')) }
    const err = thrown(() => openWorkspaceDb(file, { migrations: [...MIGRATIONS, broken] }))
    expect(err).toMatchObject({ code: 'store-failed' })
    expect(err.message).toMatch(/migrate schema.*no such table/)
    const db = openWorkspaceDb(file)
    expect(db.pragma('user_version')).toBe(MIGRATIONS.length)
    expect(db.prepare('t', "SELECT name FROM sqlite_schema WHERE name = 'extra'").all()).toEqual([])
    db.close()
  })

  it('refuses a database written by a newer version', () => {
    const file = path.join(dir, 'newer.sqlite')
    const db = openWorkspaceDb(file)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    const err = thrown(() => openWorkspaceDb(file))
    expect(err).toMatchObject({ code: 'store-failed', item: file })
    expect(err.message).toMatch(/newer than this MIA Workbench/)
    expect(err.hint).toMatch(/Update MIA Workbench/)
  })

  it('reports a file that is not a database as damaged', () => {
    const file = path.join(dir, 'garbage.sqlite')
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a))
    const err = thrown(() => openWorkspaceDb(file))
    expect(err).toMatchObject({ code: 'store-failed', item: file })
    expect(err.message).toMatch(/SQLITE_NOTADB/)
    expect(err.hint).toMatch(/Move the file aside/)
  })

  it('calls the slow-query hook with the label', () => {
    const seen: SlowQuery[] = []
    const db = openWorkspaceDb(path.join(dir, 'slow.sqlite'), { slowQueryMs: 0, onSlowQuery: (q) => seen.push(q) })
    createEmbeddingsRepo(db).putMany(batchRows('s', 0, 2, 4))
    expect(seen.map((q) => q.label)).toContain('embeddings.putMany')
    expect(seen.every((q) => q.ms >= 0)).toBe(true)
    db.close()
  })
})

describe('failures become store-failed errors', () => {
  it('disk full: clear hint and no partial rows', () => {
    const db = openWorkspaceDb(path.join(dir, 'full.sqlite'))
    const repo = createEmbeddingsRepo(db)
    repo.putMany(batchRows('f', 0, 5, 64))
    // A page cap is SQLite's own SQLITE_FULL path, the same one a full disk takes.
    db.pragma(`max_page_count = ${(db.pragma('page_count') as number) + 3}`)
    const err = thrown(() => repo.putMany(batchRows('f', 1, 200, 512)))
    expect(err).toMatchObject({ code: 'store-failed' })
    expect(err.message).toMatch(/embeddings\.putMany.*disk full: free space, nothing was written.*SQLITE_FULL/)
    expect(err.hint).toMatch(/Free disk space/)
    expect(repo.count()).toBe(5)
    db.close()
  })

  it('a read-only open refuses writes with the read-only hint, through write() and a bare statement', () => {
    const file = path.join(dir, 'ro.sqlite')
    const seed = openWorkspaceDb(file)
    createEmbeddingsRepo(seed).putMany(batchRows('ro', 0, 3, 4))
    seed.close()
    const db = openWorkspaceDb(file, { readonly: true })
    const viaRepo = thrown(() => createEmbeddingsRepo(db).putMany(batchRows('ro', 1, 3, 4)))
    expect(viaRepo).toMatchObject({ code: 'store-failed', item: file })
    expect(viaRepo.message).toMatch(/workspace is read-only: choose a writable workspace folder/)
    const bare = thrown(() => db.prepare('models.add', "INSERT INTO models VALUES ('/m', 'm', NULL, 0)").run())
    expect(bare.message).toMatch(/models\.add.*read-only.*SQLITE_READONLY/)
    expect(createEmbeddingsRepo(db).count()).toBe(3)
    db.close()
  })

  it('a read-only file (0444) is refused on open and left untouched', () => {
    const sub = path.join(dir, 'ro-file')
    const store = openWorkspaceStore(sub)
    store.embeddings.putMany(batchRows('rf', 0, 3, 4))
    store.close()
    const file = store.db.file
    fs.chmodSync(file, 0o444)
    const before = fs.readFileSync(file)
    const err = thrown(() => openWorkspaceDb(file))
    expect(err).toMatchObject({ code: 'store-failed', item: file })
    expect(err.message).toMatch(/read-only.*not writable/)
    expect(err.hint).toMatch(/writable/)
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(sub)).toEqual(['workspace.sqlite'])
    const reader = openWorkspaceDb(file, { readonly: true })
    expect(createEmbeddingsRepo(reader).count()).toBe(3)
    reader.close()
  })

  it('a read-only folder (0555) is refused and nothing is created in it', () => {
    const sub = path.join(dir, 'ro-dir')
    fs.mkdirSync(sub)
    fs.chmodSync(sub, 0o555)
    const err = thrown(() => openWorkspaceStore(sub))
    expect(err).toMatchObject({ code: 'store-failed' })
    expect(err.message).toMatch(/read-only.*not writable/)
    expect(fs.readdirSync(sub)).toEqual([])
    fs.chmodSync(sub, 0o755)
  })

  it('a missing database opened read-only is not-found', () => {
    expect(thrown(() => openWorkspaceDb(path.join(dir, 'nope.sqlite'), { readonly: true }))).toMatchObject({ code: 'not-found' })
  })
})
