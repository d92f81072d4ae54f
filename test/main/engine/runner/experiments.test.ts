// Experiments end to end through the engine on a real model (tiny-clip) and real images: every attack, cache reuse,
// determinism, skipped items, cancellation and resume, rerun from a record, comparison, and the dataset operations.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { parseScoresCsv } from '../../../../src/main/engine/metrics'
import { openWorkspaceDb, workspaceDbPath } from '../../../../src/main/engine/store'
import type { WorkbenchEvent } from '../../../../src/shared/contract/events'
import type { ExperimentSpecInput } from '../../../../src/shared/contract/experiments'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-runner-')
let engine: Engine
let dataset: string

const spec = (attack: ExperimentSpecInput['attack'], params: ExperimentSpecInput['params'] = {}): ExperimentSpecInput => ({
  model: TINY,
  dataset,
  attack,
  params: { evaluation: { resamples: 100 }, ...params }
})

async function run(s: ExperimentSpecInput, onEvent?: (e: WorkbenchEvent) => void, signal?: AbortSignal) {
  const created = await engine.invoke('experiments.create', { spec: s })
  return engine.invoke('experiments.run', { id: created.id }, { onEvent, signal })
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 40, nonmembers: 40, reference: 20, broken: true })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('experiments on tiny-clip', () => {
  it('CSA runs, skips the broken items with reasons, emits monotonic progress, and a second run computes nothing new', async () => {
    const events: WorkbenchEvent[] = []
    const first = await run(spec('csa'), (e) => events.push(e))
    expect(first.status).toBe('done')
    const r = first.results!
    expect(r.counts).toMatchObject({ targets: 80, members: 40, nonmembers: 40, reference: 20 })
    expect(r.skipped.map((s) => s.itemId).sort()).toEqual(['broken-missing', 'broken-truncated'])
    expect(r.skipped.find((s) => s.itemId === 'broken-missing')!.message).toMatch(/does not exist/)
    expect(r.metrics!.n).toEqual({ members: 40, nonmembers: 40 })
    expect(r.metrics!.calibrated?.nReference).toBe(20)
    expect(r.provider).toBe('cpu')
    expect(r.embeddings.computed).toBeGreaterThan(0)
    const byPhase = new Map<string, number[]>()
    for (const e of events) if (e.type === 'progress') byPhase.set(e.phase, [...(byPhase.get(e.phase) ?? []), e.done])
    expect([...byPhase.keys()]).toEqual(expect.arrayContaining(['validating', 'embedding', 'evaluating']))
    for (const dones of byPhase.values()) expect(dones).toEqual([...dones].sort((a, b) => a - b))

    const second = await run(spec('csa'))
    expect(second.results!.embeddings.computed).toBe(0)
    expect(second.results!.metrics).toEqual(r.metrics)
    const a = await engine.invoke('experiments.get', { id: first.id })
    const b = await engine.invoke('experiments.get', { id: second.id })
    expect(b.histogram).toEqual(a.histogram)
    expect(a.topMembers[0].thumbnail).toMatch(/^data:image\/png;base64,/)
    expect(a.slices.some((s) => s.column === 'category')).toBe(true)
  }, 120_000)

  it('AEA embeds K augmented views once, stores the cosine vectors, and reuses them', async () => {
    const params = { aea: { bank: 'hflip, rot(deg=15)', aggregation: 'drop' as const } }
    const first = await run(spec('aea', params))
    expect(first.results!.attackReport).toMatchObject({ K: 2, aggregation: 'drop' })
    const again = await run(spec('aea', params))
    expect(again.results!.embeddings.computed).toBe(0)
    expect(again.results!.metrics!.auc).toBe(first.results!.metrics!.auc)
    await expect(engine.invoke('experiments.create', { spec: spec('aea', { aea: { bank: 'hflip, wobble(amount=3)' } }) })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/wobble/)
    })
    const exported = await engine.invoke('export.record', { id: first.id })
    expect(JSON.parse(exported.data).spec.params.aea.bank).toBe('hflip, rot(deg=15)')
  }, 120_000)

  it('WSA reports its pool, pseudo-member counts and their precision against the ground truth', async () => {
    const rec = await run(spec('wsa', { wsa: { model: 'logreg', lambda: 0.5 } }))
    const rep = rec.results!.attackReport as Record<string, unknown>
    expect(rep.poolSource).toBe('transductive')
    expect(rep.nReference).toBe(20)
    expect(typeof rep.nSelected).toBe('number')
    expect(rep.nSelectedWithTruth).toBe(rep.nSelected)
    expect(rec.results!.metrics).not.toBeNull()
  }, 120_000)

  it('the blind baseline runs without a model', async () => {
    const created = await engine.invoke('experiments.create', { spec: { dataset, attack: 'blind', params: { evaluation: { resamples: 50 } } } })
    expect(created.spec.modelFingerprint).toBeNull()
    const rec = await engine.invoke('experiments.run', { id: created.id })
    expect(rec.results!.metrics!.n.members + rec.results!.metrics!.n.nonmembers).toBe(80)
    expect(rec.results!.provider).toBeNull()
  }, 60_000)

  it('a cancelled run is marked cancelled, keeps what it embedded, and resumes to the same result', async () => {
    const fresh = createEngine(testConfig(path.join(ws.dir, 'cancel-ws')))
    try {
      const controller = new AbortController()
      const created = await fresh.invoke('experiments.create', { spec: spec('aea', { aea: { bank: 'hflip, vflip, posterize(bits=4)' } }) })
      const cancelled = fresh.invoke(
        'experiments.run',
        { id: created.id },
        {
          signal: controller.signal,
          onEvent: (e) => e.type === 'progress' && e.phase === 'augmenting' && e.done > 0 && controller.abort()
        }
      )
      await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' })
      expect((await fresh.invoke('experiments.list', {})).experiments[0].status).toBe('cancelled')
      const resumed = await fresh.invoke('experiments.run', { id: created.id })
      expect(resumed.status).toBe('done')
      expect(resumed.results!.embeddings.cached).toBeGreaterThan(0)
      const reference = await run(spec('aea', { aea: { bank: 'hflip, vflip, posterize(bits=4)' } }))
      expect(resumed.results!.metrics!.auc).toBe(reference.results!.metrics!.auc)
    } finally {
      await fresh.dispose()
    }
    const db = openWorkspaceDb(workspaceDbPath(path.join(ws.dir, 'cancel-ws')))
    try {
      expect(db.pragma('integrity_check')).toBe('ok')
      const dup = db.prepare<{ n: number }>('duplicate keys', 'SELECT COUNT(*) AS n FROM (SELECT 1 FROM embeddings GROUP BY model_fingerprint, kind, content_hash, view HAVING COUNT(*) > 1)').get()!
      expect(dup.n).toBe(0)
    } finally {
      db.close()
    }
  }, 180_000)

  it('reruns a record exactly, compares experiments pairwise, and manages the list', async () => {
    const a = await run(spec('csa'))
    const b = await run(spec('aea', { aea: { bank: 'hflip' } }))
    const record = JSON.parse((await engine.invoke('export.record', { id: a.id })).data)
    const rerun = await engine.invoke('experiments.rerun', { record })
    expect(rerun.reproduced).toBe(true)
    expect(rerun.differences).toEqual([])
    const cmp = await engine.invoke('experiments.compare', { ids: [a.id, b.id], resamples: 200 })
    expect(cmp.comparisons).toHaveLength(1)
    const c = cmp.comparisons[0]
    expect(c.nItems).toBe(80)
    expect(c.deltaAuc.delta).toBeCloseTo(a.results!.metrics!.auc - b.results!.metrics!.auc, 12)
    expect(c.deltaAuc.ci.lo).toBeLessThanOrEqual(c.deltaAuc.delta)
    const small = await miniDataset(path.join(ws.dir, 'small'), { members: 8, nonmembers: 8, reference: 4 })
    const other = await run({ ...spec('csa'), dataset: small })
    const unpaired = await engine.invoke('experiments.compare', { ids: [a.id, other.id] })
    expect(unpaired.notes.join()).toMatch(/not paired/)

    await engine.invoke('experiments.rename', { id: a.id, name: 'baseline csa' })
    await engine.invoke('experiments.tag', { id: a.id, tags: ['paper', 'paper', ' fig2 '] })
    const found = await engine.invoke('experiments.list', { search: 'fig2' })
    expect(found.experiments.map((e) => [e.id, e.name, e.tags])).toEqual([[a.id, 'baseline csa', ['paper', 'fig2']]])
    await engine.invoke('experiments.delete', { id: a.id })
    await expect(engine.invoke('experiments.get', { id: a.id })).rejects.toMatchObject({ code: 'not-found' })
  }, 180_000)

  it('refuses to run when the dataset changed after the experiment was created', async () => {
    const copy = path.join(ws.dir, 'mutable')
    fs.cpSync(dataset, copy, { recursive: true })
    const created = await engine.invoke('experiments.create', { spec: { ...spec('csa'), dataset: copy } })
    fs.appendFileSync(path.join(copy, 'manifest.csv'), 'late,images/nowhere.png,late addition,member,target,,\n')
    await expect(engine.invoke('experiments.run', { id: created.id })).rejects.toMatchObject({ code: 'bad-dataset', message: expect.stringMatching(/changed since the experiment was created/) })
  }, 60_000)
})

describe('export', () => {
  it('figures in three formats, tables, a scores CSV that evaluates to the same AUC, and captions', async () => {
    const a = await run(spec('csa'))
    const b = await run(spec('aea', { aea: { bank: 'hflip' } }))
    const svg = await engine.invoke('export.figure', { ids: [a.id, b.id], figure: 'compare', format: 'svg', widthIn: 6.9 })
    expect(svg.encoding).toBe('utf8')
    expect(svg.data).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    expect(svg.data).toContain(a.name)
    expect(svg.caption).toMatch(/tiny-clip/)
    const pdf = await engine.invoke('export.figure', { ids: [a.id], figure: 'roc', format: 'pdf', widthIn: 3.3 })
    expect(Buffer.from(pdf.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
    const png = Buffer.from((await engine.invoke('export.figure', { ids: [a.id], figure: 'hist', format: 'png', widthIn: 3.3, dpi: 100 })).data, 'base64')
    expect(png.readUInt32BE(16)).toBe(330)
    const latex = await engine.invoke('export.table', { ids: [a.id, b.id], format: 'latex' })
    expect(latex.data).toMatch(/\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/)
    const scores = await engine.invoke('export.scores', { id: a.id })
    const parsed = parseScoresCsv(scores.data)
    const again = await engine.invoke('metrics.evaluate', { scores: Array.from(parsed.scores), labels: Array.from(parsed.labels) as Array<0 | 1>, resamples: 100 })
    expect(again.auc).toBe(a.results!.metrics!.auc)
  }, 120_000)
})

describe('dataset operations', () => {
  it('validate, list and page items with thumbnails; preview augmented views', async () => {
    const report = await engine.invoke('datasets.validate', { dataset })
    expect(report.usable).toBe(100)
    expect(
      report.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.itemId)
        .sort()
    ).toEqual(['broken-missing', 'broken-truncated'])
    const page = await engine.invoke('datasets.items', { dataset, offset: 10, limit: 5, membership: 'member' })
    expect(page.total).toBe(41)
    expect(page.items).toHaveLength(5)
    expect(page.items[0].thumbnail).toMatch(/^data:image\/png;base64,/)
    const added = await engine.invoke('datasets.add', { path: dataset })
    expect(added.counts?.byRole.reference.nonmember).toBe(20)
    const listed = await engine.invoke('datasets.list', {})
    expect(listed.datasets.map((d) => d.name)).toEqual(expect.arrayContaining(['emoji-demo', added.name]))
    const preview = await engine.invoke('augment.preview', { dataset, bank: 'hflip, rot(deg=15)', seed: 3, size: 64 })
    expect(preview.views.map((v) => v.index)).toEqual([0, 1, 2])
    expect(preview.views[0].spec).toBe('orig')
    await expect(engine.invoke('augment.preview', { dataset, bank: 'wobble(amount=3)' })).rejects.toMatchObject({ code: 'invalid-input' })
  }, 60_000)

  it('embed writes one JSON line per usable item with unit-norm vectors', async () => {
    const out = path.join(ws.dir, 'emb.jsonl')
    const summary = await engine.invoke('embed', { model: TINY, dataset, out })
    expect(summary.items).toBe(102)
    expect(summary.skipped.map((s) => s.itemId).sort()).toEqual(['broken-missing', 'broken-truncated'])
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; image_embeds: number[]; text_embeds: number[] })
    expect(lines).toHaveLength(100)
    const norm = (v: number[]): number => Math.hypot(...v)
    expect(norm(lines[0].image_embeds)).toBeCloseTo(1, 5)
    expect(norm(lines[0].text_embeds)).toBeCloseTo(1, 5)
  }, 60_000)
})

describe('browser mode reads only bundled and registered data', () => {
  it('refuses an unregistered path until it is added', async () => {
    const served = createEngine(testConfig(path.join(ws.dir, 'served-ws'), { registeredOnly: true }))
    try {
      await expect(served.invoke('datasets.items', { dataset })).rejects.toMatchObject({ code: 'forbidden' })
      await expect(served.invoke('experiments.create', { spec: spec('csa') })).rejects.toMatchObject({ code: 'forbidden' })
      await served.invoke('datasets.add', { path: dataset })
      await served.invoke('models.add', { path: TINY })
      expect((await served.invoke('datasets.items', { dataset, limit: 2 })).items).toHaveLength(2)
      expect((await served.invoke('experiments.create', { spec: spec('csa') })).status).toBe('pending')
      expect((await served.invoke('datasets.items', { dataset: 'emoji-demo', limit: 1 })).items).toHaveLength(1)
    } finally {
      await served.dispose()
    }
  }, 60_000)
})
