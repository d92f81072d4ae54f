// Migration 0001: an empty (version 0) database, with or without foreign tables, upgrades to the current schema.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SCHEMA_VERSION, openWorkspaceDb } from '../../../../../src/main/engine/store'
import { tempDir } from '../scratch'
import { buildAtVersion } from './fixture-db'

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
    expect(
      db
        .prepare<{ body: string }>('t', 'SELECT body FROM notes ORDER BY id')
        .all()
        .map((r) => r.body)
    ).toEqual(['kept', 'also kept'])
    expect(db.prepare('t', "SELECT name FROM sqlite_schema WHERE name = 'embeddings'").all()).toHaveLength(1)
    db.close()
  })

  it('an old database cannot be upgraded through a read-only open, and says so', () => {
    const file = buildAtVersion(path.join(dir, 'v0-ro.sqlite'), 0)
    expect(() => openWorkspaceDb(file, { readonly: true })).toThrow(expect.objectContaining({ code: 'store-failed' }))
    expect(() => openWorkspaceDb(file, { readonly: true })).toThrow(/schema version 0 needs upgrading/)
  })
})
