// mergeDatabases: copies embeddings idempotently, reports differing rows as conflicts, never overwrites.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEmbeddingsRepo, embeddingKey, mergeDatabases, openWorkspaceDb, type EmbeddingRow, type MergeProgress } from '../../../../src/main/engine/store'
import { batchRows, sameBits, tempDir } from './scratch'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function makeDb(name: string, rows: EmbeddingRow[]): string {
  const file = path.join(dir, `${name}.sqlite`)
  const db = openWorkspaceDb(file)
  createEmbeddingsRepo(db).putMany(rows)
  db.close()
  return file
}

describe('mergeDatabases', () => {
  it('copies new rows, counts identical ones, reports conflicts and keeps the target vector', async () => {
    const shared = batchRows('s', 0, 30, 16)
    const conflicting = shared[7]
    const flipped = { ...conflicting, vector: conflicting.vector.map((x) => -x) }
    const target = makeDb('target', shared)
    const a = makeDb('a', [...shared.filter((r) => r !== conflicting), flipped, ...batchRows('a', 0, 40, 16)])
    const b = makeDb('b', batchRows('b', 0, 25, 16))
    const progress: MergeProgress[] = []
    const report = await mergeDatabases([a, b], target, { batchSize: 10, onProgress: (p) => progress.push(p) })
    expect(report.inserted).toBe(65)
    expect(report.identical).toBe(29)
    expect(report.conflicts).toEqual([{ source: a, modelFingerprint: 'fp-s', kind: 'image', contentHash: conflicting.contentHash, view: conflicting.view }])
    expect(progress.at(-1)).toEqual({ source: b, done: 25, total: 25 })
    expect(progress.filter((p) => p.source === a).map((p) => p.done)).toEqual([10, 20, 30, 40, 50, 60, 70])

    const db = openWorkspaceDb(target)
    const repo = createEmbeddingsRepo(db)
    expect(repo.count()).toBe(95)
    const kept = repo.getMany('fp-s', 'image', [conflicting]).get(embeddingKey(conflicting.contentHash, conflicting.view))!
    expect(sameBits(kept, conflicting.vector)).toBe(true)
    const copied = batchRows('a', 0, 40, 16)
    const got = repo.getMany('fp-a', 'image', copied)
    expect(copied.every((r) => sameBits(got.get(embeddingKey(r.contentHash, r.view))!, r.vector))).toBe(true)
    db.close()

    const rerun = await mergeDatabases([a, b], target)
    expect(rerun).toEqual({ inserted: 0, identical: 94, conflicts: report.conflicts })
  })

  it('creates the target when missing, accepts an open database, and refuses merging a file into itself', async () => {
    const src = makeDb('src', batchRows('c', 0, 5, 4))
    const fresh = path.join(dir, 'fresh', 'workspace.sqlite')
    expect((await mergeDatabases([src], fresh)).inserted).toBe(5)
    const open = openWorkspaceDb(fresh)
    expect((await mergeDatabases([src], open)).identical).toBe(5)
    await expect(mergeDatabases([fresh], open)).rejects.toMatchObject({ code: 'invalid-input' })
    open.close()
  })

  it('stops between batches when cancelled, leaving whole batches only', async () => {
    const src = makeDb('big', batchRows('d', 0, 50, 4))
    const target = path.join(dir, 'cancel.sqlite')
    const controller = new AbortController()
    const run = mergeDatabases([src], target, { batchSize: 10, signal: controller.signal, onProgress: (p) => p.done === 20 && controller.abort() })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    const db = openWorkspaceDb(target)
    expect(createEmbeddingsRepo(db).count()).toBe(20)
    db.close()
  })
})
