// Crash soak (issue 9): ≥ 50 kill -9 of real `mia` processes during embedding, WSA training and export. Each child is
// told a seeded kill point (MIA_CRASH_PAUSE, src/main/engine/crash-point.ts: the n-th committed batch, the n-th training
// epoch, scored but not evaluated, scores stored but not the results, an export rendered or written but not renamed),
// stops there and is killed, so every kill interrupts unfinished work on any machine, loaded or fast (issue 16).
// After every kill the workspace passes integrity_check, keeps every finished embedding bit for bit, holds no
// duplicate and no half-written file; in the end embeddings, metrics, scores and files equal an uninterrupted run's.
// Longer soak by hand: MIA_SOAK_SCALE=4 npx vitest run test/cli/crash-loop.test.ts (4× the kills; dataset grows too).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/rng'
import { miniDataset } from '../helpers/mini-dataset'
import { tempDir } from '../helpers/workspace'
import type { CrashPoint } from '../../src/main/engine/crash-point'
import { crashPause, miaOk, startMia, withWorkspaceDb, type MiaExit } from './mia-process'

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
const PATIENCE = 100
// --force: each group of WSA rounds starts a new experiment with the spec of the one before it.
const wsaArgs = (): string[] => [
  'run',
  '--model',
  TINY,
  '--dataset',
  dataset,
  '--attack',
  'wsa',
  '--epochs',
  '150',
  '--patience',
  String(PATIENCE),
  '--lambda',
  '0',
  '--wsa-transductive',
  '--resamples',
  '50',
  '--no-blind',
  '--force'
]
/**
 * Kill points of one WSA experiment's rounds; after the last it is resumed to the end. Mostly training; one kill with
 * every score stored but the experiment not `done`, so a resume over stored scores is checked too.
 */
const WSA_GROUP: CrashPoint[] = ['wsa-epoch', 'wsa-epoch', 'scores-stored', 'wsa-epoch', 'scored']

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
    for (let round = 0; round < TARGET.embed; round++) {
      rounds.embed++
      // Killed right after this run's 1st–3rd committed batch: before the next one, and never with the work done.
      const child = startMia(soak, embedArgs(), crashPause('embed-batch', 1 + rng.int(3)))
      expect(await child.killAtCrashPoint(), `embed round ${round} reached its kill point:\n${child.lines.slice(-5).join('\n')}`).toBe(true)
      const done = await child.exit
      expect(done.killed, unexpectedExit('mia embed', done)).toBe(true)
      const now = embeddings(soak)
      expectSubset(now, before, truth, `embed round ${round}`)
      expect(now.size, `rows after embed round ${round}`).toBeGreaterThan(before.size)
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
    const refDone = await startMia(reference, wsaArgs()).exit
    expect(refDone.code, refDone.stderr.join('\n')).toBe(0)
    const expected = experiment(reference, newestExperiment(reference)!)
    expect(expected.status).toBe('done')
    expect(expected.scores.length).toBeGreaterThan(0)
    // Every cross-fitting fold trains at least PATIENCE epochs before early stopping; a fold may be empty, so the
    // kill epoch is drawn from the folds but one, which certainly run.
    const folds = withWorkspaceDb(reference, (db) => {
      const row = db.prepare<{ results: string }>('soak.report', 'SELECT results FROM experiments WHERE id = ?').get(newestExperiment(reference)!)!
      return (JSON.parse(row.results) as { attackReport: { crossFitFolds: number | null } }).attackReport.crossFitFolds ?? 1
    })
    const epochs = Math.max(1, folds - 1) * PATIENCE

    const embedded = embeddings(soak)
    const killed: string[] = []
    let duringTraining = 0
    for (let round = 0; round < TARGET.wsa; round++) {
      rounds.wsa++
      const point = WSA_GROUP[round % WSA_GROUP.length]
      const current = round % WSA_GROUP.length === 0 ? undefined : killed.at(-1)
      const child = startMia(soak, current ? ['resume', current] : wsaArgs(), crashPause(point, point === 'wsa-epoch' ? 1 + rng.int(epochs) : 1))
      expect(await child.killAtCrashPoint(), `WSA round ${round} reached ${point}:\n${child.lines.slice(-5).join('\n')}`).toBe(true)
      const done = await child.exit
      expect(done.killed, unexpectedExit('mia run/resume', done)).toBe(true)
      const id = current ?? newestExperiment(soak)!
      if (!current) killed.push(id)
      const now = experiment(soak, id)
      expect(now.status, `${id} after round ${round} (killed at ${point})`).toBe('running')
      // One transaction writes all scores: either none or every one of them, and stored ones are the final ones.
      if (point === 'scores-stored') expect(now.scores, `scores of ${id} stored before round ${round}'s kill`).toEqual(expected.scores)
      else expect([0, expected.scores.length], `scores of ${id} after round ${round}`).toContain(now.scores.length)
      expectSubset(embeddings(soak), embedded, embedded, `WSA round ${round}`)
      kills.wsa++
      if (point === 'wsa-epoch') duringTraining++
      if (round % WSA_GROUP.length === WSA_GROUP.length - 1 || round === TARGET.wsa - 1) await miaOk(soak, ['resume', id, '--json'])
    }
    expect(kills.wsa, 'kills that left the experiment running').toBe(TARGET.wsa)
    expect(duringTraining, 'kills before training finished').toBeGreaterThanOrEqual(Math.ceil(TARGET.wsa / 2))

    expect(killed.length).toBeGreaterThan(0)
    for (const id of killed) {
      const got = experiment(soak, id)
      expect(got.status).toBe('done')
      expect(got.metrics, `metrics of ${id} after its kills`).toEqual(expected.metrics)
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
    const refs = new Map<string, Buffer>()
    for (const f of formats) {
      const out = path.join(outDir, `reference.${f}`)
      await miaOk(soak, exportArgs(f, out))
      refs.set(f, fs.readFileSync(out))
    }
    // pdfkit stamps the creation date, so a PDF is compared by size and frame; PNG and SVG byte for byte.
    const complete = (f: string, file: Buffer): boolean => {
      const ref = refs.get(f)!
      if (f !== 'pdf') return file.equals(ref)
      return file.length === ref.length && file.subarray(0, 5).toString() === '%PDF-' && /%%EOF\s*$/.test(file.subarray(-16).toString())
    }

    let out = ''
    for (let round = 0; round < TARGET.export; round++) {
      rounds.export++
      const f = formats[round % formats.length]
      // Killed with the figure rendered but nothing written, or with the temporary file written but not renamed.
      const point: CrashPoint = round % 2 === 0 ? 'export-rendered' : 'export-written'
      // In the later rounds an earlier complete file is in the way: the kill must leave it as it was.
      const earlier = round >= TARGET.export / 2 ? refs.get(f)! : null
      out = path.join(outDir, `killed.${f}`)
      fs.rmSync(out, { force: true })
      fs.rmSync(`${out}.partial`, { force: true })
      if (earlier) fs.writeFileSync(out, earlier)
      const child = startMia(soak, exportArgs(f, out), crashPause(point, 1))
      expect(await child.killAtCrashPoint(), `export round ${round} reached ${point}:\n${child.lines.slice(-5).join('\n')}`).toBe(true)
      const done = await child.exit
      expect(done.killed, unexpectedExit('mia export', done)).toBe(true)
      if (earlier) expect(fs.readFileSync(out).equals(earlier), `${out} left as it was by round ${round}`).toBe(true)
      else expect(fs.existsSync(out), `${out} after round ${round} (killed at ${point})`).toBe(false)
      const partial = fs.existsSync(`${out}.partial`)
      expect(partial, `temporary file after round ${round} (killed at ${point})`).toBe(point === 'export-written')
      if (partial) expect(complete(f, fs.readFileSync(`${out}.partial`)), `${out}.partial after round ${round}`).toBe(true)
      withWorkspaceDb(soak, (db) => expect(db.integrityCheck()).toEqual(['ok']))
      kills.export++
    }

    // An uninterrupted export over whatever the last kill left behind replaces it with the complete file.
    await miaOk(soak, exportArgs(path.extname(out).slice(1), out))
    expect(complete(path.extname(out).slice(1), fs.readFileSync(out)), `${out} written uninterrupted`).toBe(true)
    expect(fs.existsSync(`${out}.partial`), 'temporary file left after the final export').toBe(false)
    timings.export = (Date.now() - t0) / 1000
  }, 600_000)

  it('counts at least 50 kills that interrupted work', () => {
    expect(kills.embed + kills.wsa + kills.export).toBeGreaterThanOrEqual(50)
  })
})
