// Two processes writing one workspace database at once both succeed: WAL, busy_timeout and retry (issue 9).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEmbeddingsRepo, openWorkspaceDb, openWorkspaceStore } from '../../../../src/main/engine/store'
import { runChild, verifyAfterCrash, type WriterPlan } from './crash-harness'
import { batchRows, tempDir } from './scratch'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Start a child that holds the write lock for `ms` and resolve once it has it. */
async function holdLock(file: string, ms: number): Promise<{ held: Promise<unknown> }> {
  let locked!: () => void
  const isLocked = new Promise<void>((resolve) => (locked = resolve))
  const plan: WriterPlan = { file, writer: 'hold', batches: 0, batchSize: 0, dim: 0 }
  const held = runChild(plan, undefined, ['hold', file, String(ms)], (line) => line === 'locked' && locked())
  await isLocked
  return { held }
}

describe('concurrent processes', () => {
  it('two writers creating and filling the same fresh database both finish, with no locked error', async () => {
    const file = path.join(dir, 'shared.sqlite')
    const plans = ['a', 'b'].map((writer) => ({ file, writer, batches: 60, batchSize: 50, dim: 32 }))
    const runs = await Promise.all(plans.map((p) => runChild(p)))
    for (const run of runs) {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.finished).toBe(true)
    }
    const all = Array.from({ length: 60 }, (_, b) => b)
    for (const plan of plans) expect(verifyAfterCrash(plan, all, all)).toEqual([])
  }, 120_000)

  it('a write waits for another process holding the lock, then succeeds', async () => {
    const store = openWorkspaceStore(path.join(dir, 'wait'))
    const { held } = await holdLock(store.db.file, 700)
    const started = Date.now()
    expect(store.embeddings.putMany(batchRows('x', 0, 20, 16))).toBe(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(store.models.get('/held')?.name).toBe('held')
    store.close()
    await held
  }, 60_000)

  it("retries after SQLite's own busy wait runs out, within the retry budget", async () => {
    const file = path.join(dir, 'retry.sqlite')
    openWorkspaceDb(file).close()
    const { held } = await holdLock(file, 500)
    const db = openWorkspaceDb(file, { busyTimeoutMs: 50, busyRetries: 8 })
    expect(createEmbeddingsRepo(db).putMany(batchRows('z', 0, 5, 8))).toBe(5)
    db.close()
    await held
  }, 60_000)

  it('past the retry budget the error is store-failed with a hint, and nothing is written', async () => {
    const file = path.join(dir, 'busy.sqlite')
    openWorkspaceDb(file).close()
    const { held } = await holdLock(file, 3000)
    const db = openWorkspaceDb(file, { busyTimeoutMs: 50, busyRetries: 1 })
    const repo = createEmbeddingsRepo(db)
    let caught: unknown
    try {
      repo.putMany(batchRows('y', 0, 5, 8))
    } catch (err) {
      caught = err
    }
    expect(caught).toMatchObject({ code: 'store-failed', item: file })
    expect((caught as Error).message).toMatch(/embeddings\.putMany.*SQLITE_BUSY/)
    expect((caught as { hint: string }).hint).toMatch(/Another MIA Workbench/)
    expect((caught as Error).message).not.toMatch(/database is locked/)
    await held
    expect(repo.count()).toBe(0)
    db.close()
  }, 60_000)
})
