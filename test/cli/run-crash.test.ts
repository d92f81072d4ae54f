// kill -9 during WSA training and during figure export, scripted several times: the database stays sound, the
// experiment resumes to the result of an uninterrupted run, and no half-written export file is ever left.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspaceDb, workspaceDbPath } from '../../src/main/engine/store'
import { createRng } from '../../src/main/engine/rng'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'

const MIA = path.resolve('bin/mia.mjs')
const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-run-crash-')
const workspace = path.join(ws.dir, 'ws')
let dataset: string
const rng = createRng(20261128)

const mia = (...args: string[]) => spawnSync(process.execPath, [MIA, '--workspace', workspace, ...args], { encoding: 'utf8', timeout: 300_000 })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Experiments in the workspace with the given status (0 when the database is not there yet). */
function countStatus(status: string): number {
  try {
    const db = openWorkspaceDb(workspaceDbPath(workspace), { readonly: true })
    try {
      return db.prepare<{ n: number }>('count', 'SELECT COUNT(*) AS n FROM experiments WHERE status = ?').get(status)!.n
    } finally {
      db.close()
    }
  } catch {
    return 0
  }
}

/** Start `mia …`, kill it with SIGKILL `ms` after `ready()` turns true (or at once when it never does), wait for exit. */
async function killAfter(ms: number, args: string[], ready: () => boolean = () => true): Promise<void> {
  const child = spawn(process.execPath, [MIA, '--workspace', workspace, ...args], { stdio: 'ignore' })
  let alive = true
  const exited = new Promise((resolve) => child.on('exit', () => resolve((alive = false))))
  for (let i = 0; i < 600 && alive && !ready(); i++) await sleep(25)
  await sleep(ms)
  child.kill('SIGKILL')
  await exited
}

function integrity(): unknown {
  const db = openWorkspaceDb(workspaceDbPath(workspace))
  try {
    return db.pragma('integrity_check')
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 40, nonmembers: 40, reference: 30 })
}, 60_000)
afterAll(() => ws.cleanup())

const wsaArgs = (): string[] => ['run', '--model', TINY, '--dataset', dataset, '--attack', 'wsa', '--epochs', '100', '--patience', '100', '--lambda', '0', '--resamples', '50', '--no-blind', '--json']

describe('kill -9 during runs and exports', () => {
  it('WSA killed at random moments resumes to the uninterrupted result', async () => {
    const clean = mia(...wsaArgs())
    expect(clean.status, clean.stderr).toBe(0)
    const expected = JSON.parse(clean.stdout) as { metrics: { auc: number; aucCI: unknown } }

    // Each kill lands at a random moment after the run has started (embedding, training or evaluating).
    for (let k = 0; k < 3; k++) {
      const running = countStatus('running')
      await killAfter(rng.int(2500), wsaArgs(), () => countStatus('running') > running)
    }
    expect(integrity()).toBe('ok')
    const list = JSON.parse(mia('experiments', 'list', '--json').stdout) as { experiments: Array<{ id: string; status: string }> }
    const interrupted = list.experiments.filter((e) => e.status === 'running' || e.status === 'pending')
    expect(interrupted.length).toBeGreaterThan(0)
    const resumed = mia('resume', interrupted[0].id, '--json')
    expect(resumed.status, resumed.stderr).toBe(0)
    const got = JSON.parse(resumed.stdout) as { metrics: { auc: number; aucCI: unknown } }
    expect(got.metrics.auc).toBe(expected.metrics.auc)
    expect(got.metrics.aucCI).toEqual(expected.metrics.aucCI)
  }, 400_000)

  it('an export killed mid-way leaves either nothing or a complete file', async () => {
    const list = JSON.parse(mia('experiments', 'list', '--json').stdout) as { experiments: Array<{ id: string; status: string }> }
    const done = list.experiments.find((e) => e.status === 'done')!
    for (let k = 0; k < 5; k++) {
      const out = path.join(ws.dir, `fig-${k}.pdf`)
      await killAfter(600 + rng.int(2000), ['export', '--experiment', done.id, '--figure', 'roc', '--format', 'pdf', '--out', out])
      if (fs.existsSync(out)) {
        const pdf = fs.readFileSync(out)
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
        expect(pdf.subarray(-8).toString()).toMatch(/%%EOF/)
      }
    }
    expect(integrity()).toBe('ok')
  }, 300_000)
})
