// Sharded embedding as a cluster job array would run it (4 processes, one database each), merged: equal to one run.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspaceDb, workspaceDbPath } from '../../src/main/engine/store'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'

const MIA = path.resolve('bin/mia.cjs')
const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-shards-')
let dataset: string

const embed = (workspace: string, extra: string[] = []): string[] => [MIA, '--workspace', workspace, 'embed', '--model', TINY, '--dataset', dataset, '--json', ...extra]

function rows(dbFile: string): string[] {
  const db = openWorkspaceDb(dbFile, { readonly: true })
  try {
    return db
      .prepare<{ k: string }>('rows', "SELECT model_fingerprint || '|' || kind || '|' || content_hash || '|' || view || '|' || hex(vector) AS k FROM embeddings")
      .all()
      .map((r) => r.k)
      .sort()
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 20, nonmembers: 20, reference: 10 })
}, 60_000)
afterAll(() => ws.cleanup())

describe('mia embed --shard i/N + mia cache merge', () => {
  it('four shards merged equal a single run, and merging again changes nothing', async () => {
    const shardDirs = [0, 1, 2, 3].map((i) => path.join(ws.dir, `shard-${i}`))
    const results = await Promise.all(
      shardDirs.map(
        (dir, i) =>
          new Promise<{ code: number | null; out: string }>((resolve) => {
            const child = spawn(process.execPath, embed(dir, ['--shard', `${i}/4`]))
            let out = ''
            child.stdout.on('data', (d) => (out += d))
            child.on('exit', (code) => resolve({ code, out }))
          })
      )
    )
    for (const r of results) expect(r.code).toBe(0)
    const counts = results.map((r) => (JSON.parse(r.out) as { items: number }).items)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50)
    expect(Math.min(...counts)).toBeGreaterThan(0)

    const merged = path.join(ws.dir, 'merged.sqlite')
    const merge = spawnSync(process.execPath, [MIA, 'cache', 'merge', ...shardDirs, '--into', merged, '--json'], { encoding: 'utf8' })
    expect(merge.status, merge.stderr).toBe(0)
    expect((JSON.parse(merge.stdout) as { conflicts: unknown[] }).conflicts).toEqual([])

    const single = path.join(ws.dir, 'single')
    expect(spawnSync(process.execPath, embed(single), { encoding: 'utf8' }).status).toBe(0)
    const expected = rows(workspaceDbPath(single))
    expect(expected.length).toBeGreaterThan(50)
    expect(rows(merged)).toEqual(expected)

    const again = spawnSync(process.execPath, [MIA, 'cache', 'merge', ...shardDirs, '--into', merged, '--json'], { encoding: 'utf8' })
    expect((JSON.parse(again.stdout) as { inserted: number }).inserted).toBe(0)
    expect(rows(merged)).toEqual(expected)
  }, 300_000)
})
