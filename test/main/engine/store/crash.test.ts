// kill -9 during batched embedding writes loses no committed batch, tears none, duplicates nothing (issue 9).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crashLoop, verifyAfterCrash } from './crash-harness'
import { tempDir } from './scratch'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('crash safety', () => {
  it('survives kill -9 between batches and inside a batch transaction, every time, and resumes to exactly one row per key', async () => {
    const plan = { file: path.join(dir, 'crash.sqlite'), writer: 'w', batches: 120, batchSize: 100, dim: 64 }
    // The child signals each kill point, so every round kills with work unfinished, however loaded the machine.
    const result = await crashLoop(plan, 4, 20240611, 30)
    expect(result.problems).toEqual([])
    expect(result.kills).toBe(4)
    expect(result.committed).toBeLessThan(plan.batches)
  }, 120_000)
})

describe('crash verifier', () => {
  it('reports a torn batch, a lost batch and changed bits', async () => {
    const { openWorkspaceStore } = await import('../../../../src/main/engine/store')
    const { batchRows } = await import('./scratch')
    const ws = path.join(dir, 'torn')
    const store = openWorkspaceStore(ws)
    const plan = { file: store.db.file, writer: 't', batches: 3, batchSize: 10, dim: 8 }
    store.embeddings.putMany(batchRows('t', 0, 10, 8).slice(0, 7))
    const changed = batchRows('t', 1, 10, 8)
    changed[3].vector[0] += 1e-6
    store.embeddings.putMany(changed)
    store.close()
    const problems = verifyAfterCrash(plan, [0, 1, 2], [1])
    expect(problems).toEqual(['batch-0 has 7 of 10 rows (torn batch)', 'committed batch 2 is missing', 'batch 1: 1 vectors missing or changed'])
  })
})
