// Migration 0002: a v1 database gains the run_logs table and keeps every row; a run log is one bounded row per
// experiment, replaced by its next run and deleted with it.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS, RUN_LOG_LIMITS, SCHEMA_VERSION, openWorkspaceDb, openWorkspaceStore, type RunLog } from '../../../../../src/main/engine/store'
import { FIXTURE_CONTENT as C } from '../../../../fixtures/store/fixture-content'
import { tempDir } from '../scratch'
import { copyFixture } from './fixture-db'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('migration 0002 (v1 -> v2): run logs', () => {
  it('upgrades the committed v1 fixture: the table is there, the experiment has no log yet, its rows are kept', () => {
    const file = copyFixture(1, path.join(dir, 'v1.sqlite'))
    const v1 = openWorkspaceDb(file, { readonly: true, migrations: MIGRATIONS.slice(0, 1) })
    expect(v1.pragma('user_version')).toBe(1)
    expect(v1.prepare('t', "SELECT name FROM sqlite_schema WHERE name = 'run_logs'").all()).toHaveLength(0)
    v1.close()
    const db = openWorkspaceDb(file)
    expect(db.schemaVersion).toBe(SCHEMA_VERSION)
    expect(db.prepare<{ n: number }>('t', 'SELECT count(*) AS n FROM run_logs').get()!.n).toBe(0)
    expect(db.prepare<{ n: number }>('t', 'SELECT count(*) AS n FROM experiments').get()!.n).toBe(1)
    expect(db.integrityCheck()).toEqual(['ok'])
    db.close()
  })

  it('keeps one bounded log per experiment: replaced by the next run, deleted with the experiment', () => {
    const ws = path.join(dir, 'ws')
    fs.mkdirSync(ws)
    copyFixture(2, path.join(ws, 'workspace.sqlite'))
    const store = openWorkspaceStore(ws)
    expect(store.runLogs.get(C.experimentId)?.log.map((e) => e.message)).toEqual(['Model fixture runs on cpu.', 'A warning as it was.'])

    const long = 'x'.repeat(5000)
    const chatty: RunLog = {
      progress: [
        { type: 'progress', phase: 'embedding', done: 3, total: 9, message: long },
        { type: 'progress', phase: 'scoring', done: 0, total: 9, rate: Infinity, etaSeconds: NaN }
      ],
      log: Array.from({ length: 1000 }, (_, i) => ({ type: 'log' as const, level: 'info' as const, message: `line ${i}` })),
      skipped: Array.from({ length: 2000 }, (_, i) => ({ type: 'item-skipped' as const, itemId: `i${i}`, code: 'bad-item', message: long }))
    }
    expect(store.runLogs.save(C.experimentId, 5, chatty)).toBe(true)
    const saved = store.runLogs.get(C.experimentId)!
    expect(saved.startedAt).toBe(new Date(5).toISOString())
    expect(saved.log).toHaveLength(RUN_LOG_LIMITS.log)
    expect(saved.log[0].message).toBe(`line ${1000 - RUN_LOG_LIMITS.log}`)
    expect(saved.skipped).toHaveLength(RUN_LOG_LIMITS.skipped)
    expect(saved.skipped[0].itemId).toBe('i0')
    expect(saved.skipped[0].message).toHaveLength(RUN_LOG_LIMITS.messageChars)
    expect(saved.progress[0]).toMatchObject({ phase: 'embedding', done: 3, total: 9 })
    expect(saved.progress[0].message).toHaveLength(RUN_LOG_LIMITS.messageChars)
    expect(saved.progress[1]).toStrictEqual({ type: 'progress', phase: 'scoring', done: 0, total: 9 })
    const bytes = store.db.prepare<{ n: number }>('t', 'SELECT length(events) AS n FROM run_logs').get()!.n
    expect(bytes).toBeLessThan((RUN_LOG_LIMITS.log + RUN_LOG_LIMITS.skipped + 10) * (RUN_LOG_LIMITS.messageChars + 200))

    expect(store.runLogs.save('no-such-experiment', 1, chatty)).toBe(false)
    expect(store.experiments.delete(C.experimentId)).toBe(true)
    expect(store.runLogs.get(C.experimentId)).toBeUndefined()
    expect(store.db.prepare<{ n: number }>('t', 'SELECT count(*) AS n FROM run_logs').get()!.n).toBe(0)
    store.close()
  })
})
