// Migration 0001: an empty (version 0) database, with or without foreign tables, upgrades to the current schema.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SCHEMA_VERSION, embeddingKey, openWorkspaceDb, openWorkspaceStore } from '../../../../../src/main/engine/store'
import { FIXTURE_CONTENT as C, fixtureHash, fixtureVector } from '../../../../fixtures/store/fixture-content'
import { tempDir } from '../scratch'
import { buildAtVersion, copyFixture } from './fixture-db'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('migration 0001 (v0 -> v1)', () => {
  it('upgrades a zero-byte file', () => {
    const file = path.join(dir, 'zero.sqlite')
    fs.writeFileSync(file, '')
    const db = openWorkspaceDb(file)
    expect(db.schemaVersion).toBe(SCHEMA_VERSION)
    expect(db.integrityCheck()).toEqual(['ok'])
    db.close()
  })

  it('upgrades a v0 database and keeps the data already in it', () => {
    const file = buildAtVersion(path.join(dir, 'v0.sqlite'), 0, (db) => {
      db.write('fill', () => {
        db.prepare('fill', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)').run()
        db.prepare('fill', "INSERT INTO notes (body) VALUES ('kept'), ('also kept')").run()
      })
    })
    const v0 = openWorkspaceDb(file, { readonly: true, migrations: [] })
    expect(v0.pragma('user_version')).toBe(0)
    v0.close()
    const db = openWorkspaceDb(file)
    expect(db.pragma('user_version')).toBe(SCHEMA_VERSION)
    expect(db.prepare<{ body: string }>('t', 'SELECT body FROM notes ORDER BY id').all().map((r) => r.body)).toEqual(['kept', 'also kept'])
    expect(db.prepare('t', "SELECT name FROM sqlite_schema WHERE name = 'embeddings'").all()).toHaveLength(1)
    db.close()
  })

  it('an old database cannot be upgraded through a read-only open, and says so', () => {
    const file = buildAtVersion(path.join(dir, 'v0-ro.sqlite'), 0)
    expect(() => openWorkspaceDb(file, { readonly: true })).toThrow(expect.objectContaining({ code: 'store-failed' }))
    expect(() => openWorkspaceDb(file, { readonly: true })).toThrow(/schema version 0 needs upgrading/)
  })
})

describe(`committed fixture v${SCHEMA_VERSION} (the newest schema) opens with its data`, () => {
  it('reads back every kind of row the fixture holds', () => {
    const ws = path.join(dir, 'fixture')
    fs.mkdirSync(ws)
    copyFixture(SCHEMA_VERSION, path.join(ws, 'workspace.sqlite'))
    const store = openWorkspaceStore(ws)
    expect(store.db.integrityCheck()).toEqual(['ok'])
    expect(store.embeddings.count({ modelFingerprint: C.fingerprint })).toBe(C.embeddings)
    const v5 = store.embeddings.getMany(C.fingerprint, 'text', [{ contentHash: fixtureHash(5), view: 'orig' }])
    expect(Array.from(v5.get(embeddingKey(fixtureHash(5), 'orig'))!)).toEqual(Array.from(fixtureVector(5)))
    expect(store.items.list(C.datasetHash).map((r) => r.itemId)).toEqual(['item-0', 'item-1', 'item-2'])
    expect(store.experiments.get(C.experimentId)).toMatchObject({ status: 'done', results: { auc: 0.625 }, tags: ['fixture'] })
    expect(Array.from(store.scores.get(C.experimentId).scores)).toEqual([0.5, -0.25])
    expect(store.models.get('/models/fixture')?.fingerprint).toBe(C.fingerprint)
    expect(store.datasets.get('/datasets/fixture')?.hash).toBe(C.datasetHash)
    store.close()
  })
})
