// Three `mia` processes on one fresh workspace at once (issue 9): two embeds with overlapping views and a run. All
// finish, "database is locked" never surfaces, and the database holds exactly one row per key.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspaceDb, workspaceDbPath, type WorkspaceDb } from '../../src/main/engine/store'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'
import { sleep, startMia, withWorkspaceDb } from './mia-process'

const TINY = path.resolve('test/fixtures/tiny-clip')
const tmp = tempDir('mia-concurrent-')
const workspace = path.join(tmp.dir, 'ws')
const ITEMS = 100
let dataset: string

beforeAll(async () => {
  dataset = await miniDataset(path.join(tmp.dir, 'mini'), { members: 40, nonmembers: 40, reference: 20 })
}, 120_000)
afterAll(() => tmp.cleanup())

/** Image rows per view, read while the writers run ({} until the file and its schema exist). */
function viewCounts(db: WorkspaceDb | null): Record<string, number> {
  if (!db) return {}
  const rows = db.prepare<{ view: string; n: number }>('t.views', "SELECT view, COUNT(*) AS n FROM embeddings WHERE kind = 'image' GROUP BY view").all()
  return Object.fromEntries(rows.map((r) => [r.view, r.n]))
}

describe('several mia processes on one workspace', () => {
  it('two embeds and a run at once all finish without a locked error, with one row per key', async () => {
    const embed = (bank: string): string[] => ['--batch-size', '4', 'embed', '--model', TINY, '--dataset', dataset, '--augment', bank, '--json']
    const procs = [
      startMia(workspace, embed('hflip, vflip')),
      startMia(workspace, embed('hflip, rot(deg=15)')),
      startMia(workspace, ['run', '--model', TINY, '--dataset', dataset, '--attack', 'csa', '--resamples', '50', '--no-blind', '--json'])
    ]
    // Watch the views only one embed writes: both growing at once shows the writes really interleaved.
    let db: WorkspaceDb | null = null
    let interleaved = false
    while (procs.some((p) => p.alive())) {
      try {
        db ??= openWorkspaceDb(workspaceDbPath(workspace), { readonly: true })
        const n = viewCounts(db)
        const partial = (view: string): boolean => (n[view] ?? 0) > 0 && n[view] < ITEMS
        if (partial('aug:v1:vflip#k=2#seed=0') && partial('aug:v1:rot(deg=15)#k=2#seed=0')) interleaved = true
      } catch {
        db?.close()
        db = null
      }
      await sleep(20)
    }
    db?.close()
    const exits = await Promise.all(procs.map((p) => p.exit))
    for (const e of exits) {
      expect(e.code, e.stderr.join('\n')).toBe(0)
      expect(e.stderr.join('\n')).not.toMatch(/locked|SQLITE_BUSY|busy/i)
    }
    expect(interleaved, 'the two embeds wrote at the same time').toBe(true)

    withWorkspaceDb(workspace, (db) => {
      expect(db.integrityCheck()).toEqual(['ok'])
      const dup = db.prepare<{ n: number }>('t.dups', 'SELECT COUNT(*) AS n FROM (SELECT 1 FROM embeddings GROUP BY model_fingerprint, kind, content_hash, view HAVING COUNT(*) > 1)').get()!
      expect(dup.n).toBe(0)
      expect(viewCounts(db)).toEqual({ orig: ITEMS, 'aug:v1:hflip#k=1#seed=0': ITEMS, 'aug:v1:vflip#k=2#seed=0': ITEMS, 'aug:v1:rot(deg=15)#k=2#seed=0': ITEMS })
      expect(db.prepare<{ n: number }>('t.text', "SELECT COUNT(*) AS n FROM embeddings WHERE kind = 'text'").get()!.n).toBe(ITEMS)
      expect(db.prepare<{ status: string }>('t.exp', 'SELECT status FROM experiments').all()).toEqual([{ status: 'done' }])
    })
  }, 300_000)
})
