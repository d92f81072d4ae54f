// `mia embed` killed with SIGKILL mid-run, then rerun: it computes only what is missing, one row per key, integrity ok.
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspaceDb, workspaceDbPath, type WorkspaceDb } from '../../src/main/engine/store'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'

const MIA = path.resolve('bin/mia.mjs')
const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-crash-')
const workspace = path.join(ws.dir, 'ws')
let dataset: string

const embedArgs = (): string[] => [MIA, '--workspace', workspace, 'embed', '--model', TINY, '--dataset', dataset, '--augment', 'hflip, vflip, rot(deg=15)', '--json']

function withDb<T>(fn: (db: WorkspaceDb) => T): T {
  const db = openWorkspaceDb(workspaceDbPath(workspace))
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

const imageRows = (): number => withDb((db) => db.prepare<{ n: number }>('count', "SELECT COUNT(*) AS n FROM embeddings WHERE kind = 'image'").get()!.n)

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 50, nonmembers: 50, reference: 20 })
}, 60_000)
afterAll(() => ws.cleanup())

describe('mia embed after kill -9', () => {
  it('resumes with exactly one row per key and a sound database', async () => {
    const child = spawn(process.execPath, embedArgs(), { stdio: 'ignore' })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    let killedAt = -1
    // Kill once some (not all) image views are stored: 120 items × 4 views = 480 in total.
    for (let i = 0; i < 600 && killedAt < 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const n = (() => {
        try {
          return imageRows()
        } catch {
          return 0
        }
      })()
      if (n >= 40) {
        child.kill('SIGKILL')
        killedAt = n
      }
    }
    await exited
    expect(killedAt).toBeGreaterThan(0)
    const before = imageRows()
    expect(before).toBeLessThan(480)

    const rerun = spawnSync(process.execPath, embedArgs(), { encoding: 'utf8', timeout: 300_000 })
    expect(rerun.status, rerun.stderr).toBe(0)
    const summary = JSON.parse(rerun.stdout) as { computed: { image: number }; cached: { image: number } }
    expect(summary.cached.image).toBe(before)
    expect(summary.computed.image + summary.cached.image).toBe(480)
    withDb((db) => {
      expect(db.pragma('integrity_check')).toBe('ok')
      const dup = db.prepare<{ n: number }>('dups', 'SELECT COUNT(*) AS n FROM (SELECT 1 FROM embeddings GROUP BY model_fingerprint, kind, content_hash, view HAVING COUNT(*) > 1)').get()!
      expect(dup.n).toBe(0)
    })
    expect(imageRows()).toBe(480)
  }, 400_000)
})
