// Crash soak (issue 9): ≥ 50 kill -9 of real `mia` processes at seeded random moments during embedding, WSA training
// and export. After every kill the workspace passes integrity_check, keeps every finished embedding bit for bit, holds
// no duplicate and no half-written file; in the end embeddings, metrics, scores and files equal an uninterrupted run's.
// Longer soak by hand: MIA_SOAK_SCALE=4 npx vitest run test/cli/crash-loop.test.ts (4× the kills; dataset grows too).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkspaceDb, workspaceDbPath, type WorkspaceDb } from '../../src/main/engine/store'
import { createRng } from '../../src/main/engine/rng'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'
import { miaOk, sleep, startMia, withWorkspaceDb, type MiaExit } from './mia-process'

const SCALE = Math.max(1, Number(process.env.MIA_SOAK_SCALE ?? 1))
/** Kills that must interrupt unfinished work, per scenario; together at least the 50. */
const TARGET = { embed: 25 * SCALE, wsa: 15 * SCALE, export: 10 * SCALE }
const TINY = path.resolve('test/fixtures/tiny-clip')
const AUGMENT = 'hflip, vflip, rot(deg=15)'
const VIEWS = 4
const BATCH = 8
// emoji-demo has ~320 members and non-members and 33 reference items to draw from, so SCALE goes up to 6.
const ITEMS = { members: 50 * SCALE, nonmembers: 50 * SCALE, reference: 30 }
const ROWS = (ITEMS.members + ITEMS.nonmembers + ITEMS.reference) * (VIEWS + 1)

const tmp = tempDir('mia-crash-loop-')
const soak = path.join(tmp.dir, 'soak')
const reference = path.join(tmp.dir, 'reference')
const rng = createRng(20261129)
const kills = { embed: 0, wsa: 0, export: 0 }
const rounds = { embed: 0, wsa: 0, export: 0 }
const timings: Record<string, number> = {}
let dataset: string

const embedArgs = (): string[] => ['--batch-size', String(BATCH), 'embed', '--model', TINY, '--dataset', dataset, '--augment', AUGMENT]
const wsaArgs = (): string[] => ['run', '--model', TINY, '--dataset', dataset, '--attack', 'wsa', '--epochs', '150', '--patience', '100', '--lambda', '0', '--wsa-transductive', '--resamples', '50', '--no-blind']

/** Every embedding row as key → vector bytes, after checking integrity and that no key is stored twice. */
function embeddings(workspace: string): Map<string, Buffer> {
  return withWorkspaceDb(workspace, (db) => {
    expect(db.integrityCheck(), `integrity_check of ${workspace}`).toEqual(['ok'])
    const rows = db.prepare<{ k: string; vector: Buffer }>('soak.rows', "SELECT model_fingerprint || '|' || kind || '|' || content_hash || '|' || view AS k, vector FROM embeddings").all()
    const byKey = new Map(rows.map((r) => [r.k, r.vector]))
    expect(byKey.size, 'duplicate embedding keys').toBe(rows.length)
    return byKey
  })
}

/** Each stored vector equals the uninterrupted run's, bit for bit, and everything in `before` is still there. */
function expectSubset(now: Map<string, Buffer>, before: Map<string, Buffer>, truth: Map<string, Buffer>, when: string): void {
  const lost = [...before.keys()].filter((k) => !now.get(k)?.equals(before.get(k)!))
  expect(lost, `${when}: finished embeddings lost or changed`).toEqual([])
  const wrong = [...now.keys()].filter((k) => !truth.get(k)?.equals(now.get(k)!))
  expect(wrong, `${when}: embeddings that differ from the uninterrupted run`).toEqual([])
}

const experiment = (workspace: string, id: string) =>
  withWorkspaceDb(workspace, (db) => {
    const row = db.prepare<{ status: string; results: string | null }>('soak.exp', 'SELECT status, results FROM experiments WHERE id = ?').get(id)!
    const scores = db.prepare<{ item_id: string; score: number; label: number }>('soak.scores', 'SELECT item_id, score, label FROM scores WHERE experiment_id = ? ORDER BY item_id').all(id)
    return { status: row.status, metrics: row.results ? (JSON.parse(row.results) as { metrics: unknown }).metrics : null, scores }
  })

const newestExperiment = (workspace: string): string | undefined =>
  withWorkspaceDb(workspace, (db) => db.prepare<{ id: string }>('soak.newest', 'SELECT id FROM experiments ORDER BY created_at DESC, rowid DESC LIMIT 1').get()?.id)

/** Embedding rows now, from a read-only connection that is (re)opened while the child creates the file. */
function rowCounter(workspace: string): { count(): number; close(): void } {
  let db: WorkspaceDb | null = null
  return {
    count() {
      try {
        db ??= openWorkspaceDb(workspaceDbPath(workspace), { readonly: true })
        return db.prepare<{ n: number }>('soak.count', 'SELECT COUNT(*) AS n FROM embeddings').get()!.n
      } catch {
        db?.close()
        db = null
        return 0
      }
    },
    close: () => db?.close()
  }
}

function unexpectedExit(what: string, done: MiaExit): string {
  return `${what} exited ${done.code ?? done.signal} instead of being killed:\n${done.stderr.slice(-5).join('\n')}`
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(tmp.dir, 'mini'), ITEMS)
}, 120_000)
afterAll(() => {
  const per = (k: keyof typeof kills): string => `${k} ${kills[k]} kills in ${rounds[k]} runs, ${(timings[k] ?? 0).toFixed(0)} s`
  console.log(`crash soak: ${kills.embed + kills.wsa + kills.export} kills (${per('embed')}; ${per('wsa')}; ${per('export')})`)
  tmp.cleanup()
})

describe('kill -9 soak over real mia processes', () => {
  it(`${TARGET.embed} kills during mia embed: nothing finished is lost or duplicated, and the rerun completes it`, async () => {
    const t0 = Date.now()
    await miaOk(reference, embedArgs())
    const truth = embeddings(reference)
    expect(truth.size).toBe(ROWS)

    let before = new Map<string, Buffer>()
    for (let round = 0; kills.embed < TARGET.embed && round < TARGET.embed * 2; round++) {
      rounds.embed++
      const counter = rowCounter(soak)
      const start = before.size
      // Kill as soon as this round has committed 1–12 more rows: one or two batches, then wherever the next one is.
      const more = 1 + rng.int(12)
      const child = startMia(soak, embedArgs())
      if (await child.until(() => counter.count() >= start + more)) child.kill()
      const done = await child.exit
      counter.close()
      expect(done.killed, unexpectedExit('mia embed', done)).toBe(true)
      const now = embeddings(soak)
      expectSubset(now, before, truth, `embed round ${round}`)
      if (now.size < ROWS) kills.embed++
      before = now
    }
    expect(kills.embed, 'kills that interrupted unfinished embedding').toBeGreaterThanOrEqual(TARGET.embed)
    expect(before.size, 'rows committed across the killed runs').toBeGreaterThan(0)

    await miaOk(soak, embedArgs())
    const final = embeddings(soak)
    expectSubset(final, before, truth, 'after the rerun')
    expect(final.size).toBe(ROWS)
    timings.embed = (Date.now() - t0) / 1000
  }, 900_000)

  it(`${TARGET.wsa} kills during WSA training: the experiment stays resumable and resumes to the uninterrupted result`, async () => {
    const t0 = Date.now()
    // The uninterrupted run, timed from the cache report (training starts right after it) to exit.
    const ref = startMia(reference, wsaArgs())
    expect(await ref.until(() => ref.lines.some((l) => l.startsWith('Cache:')))).toBe(true)
    const cacheAt = Date.now()
    const refDone = await ref.exit
    expect(refDone.code, refDone.stderr.join('\n')).toBe(0)
    // The shortest run seen so far bounds the kill delay, so a busier or quieter machine still gets its kills in.
    let fastestMs = Date.now() - cacheAt
    const expected = experiment(reference, newestExperiment(reference)!)
    expect(expected.status).toBe('done')
    expect(expected.scores.length).toBeGreaterThan(0)

    const embedded = embeddings(soak)
    const killsOf = new Map<string, number>()
    let current: string | undefined
    let duringTraining = 0
    for (let round = 0; kills.wsa < TARGET.wsa && round < TARGET.wsa * 2; round++) {
      rounds.wsa++
      const child = startMia(soak, current ? ['resume', current] : wsaArgs())
      expect(await child.until(() => child.lines.some((l) => l.startsWith('Cache:'))), child.lines.join('\n')).toBe(true)
      const cachedAt = Date.now()
      await sleep(rng.uniform(0, 0.6 * fastestMs))
      child.kill()
      const done = await child.exit
      if (!done.killed) {
        expect(done.code, done.stderr.join('\n')).toBe(0)
        fastestMs = Math.min(fastestMs, Date.now() - cachedAt)
      }
      current ??= newestExperiment(soak)!
      const now = experiment(soak, current)
      // One transaction writes all scores: either none or every one of them.
      expect([0, expected.scores.length], `scores of ${current} after round ${round}`).toContain(now.scores.length)
      expectSubset(embeddings(soak), embedded, embedded, `WSA round ${round}`)
      if (done.killed && now.status === 'running') {
        kills.wsa++
        killsOf.set(current, (killsOf.get(current) ?? 0) + 1)
        if (!done.stderr.some((l) => /^training .* (\d+)\/\1\b/.test(l))) duringTraining++
      } else {
        expect(now.status).toBe('done')
        current = undefined
      }
    }
    expect(kills.wsa, 'kills that left the experiment running').toBeGreaterThanOrEqual(TARGET.wsa)
    expect(duringTraining, 'kills before training finished').toBeGreaterThanOrEqual(Math.ceil(TARGET.wsa / 2))
    if (current) await miaOk(soak, ['resume', current, '--json'])

    const resumed = [...killsOf.keys()]
    expect(resumed.length).toBeGreaterThan(0)
    for (const id of resumed) {
      const got = experiment(soak, id)
      expect(got.status).toBe('done')
      expect(got.metrics, `metrics of ${id} after ${killsOf.get(id)} kills`).toEqual(expected.metrics)
      expect(got.scores.map((s) => [s.item_id, s.score, s.label])).toEqual(expected.scores.map((s) => [s.item_id, s.score, s.label]))
    }
    timings.wsa = (Date.now() - t0) / 1000
  }, 900_000)

  it(`${TARGET.export} kills during mia export: the output is absent or complete, never partial`, async () => {
    const t0 = Date.now()
    const id = withWorkspaceDb(soak, (db) => db.prepare<{ id: string }>('soak.done', "SELECT id FROM experiments WHERE status = 'done' LIMIT 1").get()?.id)
    if (!id) throw new Error('the WSA scenario left no finished experiment to export')
    const formats = ['png', 'svg', 'pdf'] as const
    const outDir = path.join(tmp.dir, 'exports')
    const exportArgs = (format: string, out: string): string[] => ['export', '--experiment', id, '--figure', 'roc', '--format', format, '--out', out]
    const refs = new Map<string, { bytes: Buffer; ms: number }>()
    for (const f of formats) {
      const out = path.join(outDir, `reference.${f}`)
      const done = await miaOk(soak, exportArgs(f, out))
      refs.set(f, { bytes: fs.readFileSync(out), ms: done.ms })
    }
    // pdfkit stamps the creation date, so a PDF is compared by size and frame; PNG and SVG byte for byte.
    const complete = (f: string, file: Buffer): boolean => {
      const ref = refs.get(f)!.bytes
      if (f !== 'pdf') return file.equals(ref)
      return file.length === ref.length && file.subarray(0, 5).toString() === '%PDF-' && /%%EOF\s*$/.test(file.subarray(-16).toString())
    }

    let midWrite = 0
    for (let round = 0; kills.export < TARGET.export && round < TARGET.export * 2; round++) {
      rounds.export++
      const f = formats[round % formats.length]
      const out = path.join(outDir, `killed.${f}`)
      fs.rmSync(out, { force: true })
      fs.rmSync(`${out}.partial`, { force: true })
      // Start-up is most of an export's time; kill late, where the figure is rendered and written. The fastest
      // export seen so far sets the scale, as for WSA.
      const child = startMia(soak, exportArgs(f, out))
      await sleep(rng.uniform(0.4, 0.9) * refs.get(f)!.ms)
      child.kill()
      const done = await child.exit
      if (!done.killed) {
        expect(done.code, done.stderr.join('\n')).toBe(0)
        refs.get(f)!.ms = Math.min(refs.get(f)!.ms, done.ms)
      }
      if (fs.existsSync(out)) expect(complete(f, fs.readFileSync(out)), `${out} after round ${round}`).toBe(true)
      else if (done.killed) kills.export++
      if (fs.existsSync(`${out}.partial`)) midWrite++
      withWorkspaceDb(soak, (db) => expect(db.integrityCheck()).toEqual(['ok']))
    }
    expect(kills.export, 'kills before the export was written').toBeGreaterThanOrEqual(TARGET.export)

    // An uninterrupted export over whatever the last kill left behind replaces it with the complete file.
    const last = path.join(outDir, 'killed.png')
    await miaOk(soak, exportArgs('png', last))
    expect(complete('png', fs.readFileSync(last)), `${last} written uninterrupted`).toBe(true)
    expect(fs.existsSync(`${last}.partial`), 'temporary file left after the final export').toBe(false)
    timings.export = (Date.now() - t0) / 1000
    console.log(`export kills that caught the temporary file being written: ${midWrite}`)
  }, 600_000)

  it('counts at least 50 kills that interrupted work', () => {
    expect(kills.embed + kills.wsa + kills.export).toBeGreaterThanOrEqual(50)
  })
})
