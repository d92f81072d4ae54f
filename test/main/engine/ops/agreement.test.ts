// experiments.agreement on real runs (tiny CLIP over an emoji-demo subset): each record's exposure and the most-exposed
// order checked against the per-item scores CSV, thumbnails of flagged records, and the Venn / UpSet exports (issue 20 item 7).
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-agreement-')
let engine: Engine
const ids: string[] = []

async function ran(attack: 'csa' | 'aea', params: Record<string, unknown> = {}): Promise<string> {
  const created = await engine.invoke('experiments.create', {
    spec: { model: TINY, dataset: path.join(ws.dir, 'mini'), attack, params: { evaluation: { resamples: 20 }, blind: { enabled: false }, ...params } }
  })
  await engine.invoke('experiments.run', { id: created.id })
  return created.id
}

/** id → score and membership from the scores CSV export (id,score,label,membership,role,caption; scores in full precision). */
async function scoresOf(id: string): Promise<Map<string, { score: number; membership: string }>> {
  const csv = (await engine.invoke('export.scores', { id })).data.trim().split(/\r?\n/).slice(1)
  return new Map(
    csv.map((line) => {
      const cells = line.split(',')
      return [cells[0], { score: Number(cells[1]), membership: cells[3] }]
    })
  )
}

beforeAll(async () => {
  await miniDataset(path.join(ws.dir, 'mini'), { members: 20, nonmembers: 20, reference: 5 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
  ids.push(await ran('csa'))
  ids.push(await ran('aea', { aea: { bank: 'hflip, rot(deg=15)', aggregation: 'mean' } }))
  ids.push(await ran('aea', { aea: { bank: 'hflip', aggregation: 'mean' } }))
  ids.push(await ran('aea', { aea: { bank: 'rot(deg=15)', aggregation: 'mean' } }))
}, 300_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('experiments.agreement records', () => {
  it('rank records most exposed first, exposure = mean mid-rank among each experiment’s non-members', async () => {
    const a = await engine.invoke('experiments.agreement', { ids: ids.slice(0, 3), fpr: 0.1 })
    expect(a.records.length).toBeGreaterThan(0)
    const tables = await Promise.all(ids.slice(0, 3).map(scoresOf))
    for (const r of a.records) {
      // Counted directly: non-members strictly below, ties half.
      const ranks = tables.map((t) => {
        const x = t.get(r.id)!.score
        const nm = [...t.values()].filter((v) => v.membership === 'nonmember').map((v) => v.score)
        return (nm.filter((s) => s < x).length + nm.filter((s) => s === x).length / 2) / nm.length
      })
      expect(r.exposure).toBeCloseTo(ranks.reduce((s, v) => s + v, 0) / ranks.length, 12)
    }
    const key = (r: (typeof a.records)[number]): number => r.flags.filter(Boolean).length
    for (let i = 1; i < a.records.length; i++) {
      const [p, q] = [a.records[i - 1], a.records[i]]
      expect(key(p) > key(q) || (key(p) === key(q) && (p.exposure > q.exposure || (p.exposure === q.exposure && p.id < q.id)))).toBe(true)
    }
  })

  it('thumbnails the records an experiment scored, null for an id it never saw', async () => {
    const a = await engine.invoke('experiments.agreement', { ids: ids.slice(0, 2), fpr: 0.1 })
    const want = [...a.records.slice(0, 3).map((r) => r.id), 'no-such-item']
    const out = await engine.invoke('experiments.thumbnails', { id: ids[0], itemIds: want, size: 48 })
    expect(out.thumbnails.map((t) => t.id)).toEqual(want)
    for (const t of out.thumbnails.slice(0, -1)) expect(t.thumbnail).toMatch(/^data:image\/png;base64,/)
    expect(out.thumbnails[want.length - 1].thumbnail).toBeNull()
  })

  it('exports a Venn for 2–3 experiments and an UpSet beyond, and refuses a Venn of four', async () => {
    const venn = await engine.invoke('export.agreement', { ids: ids.slice(0, 3), fpr: 0.1, format: 'svg' })
    expect(venn.fileName).toMatch(/\.venn\.svg$/)
    expect(venn.data).toContain('<circle')
    const upset = await engine.invoke('export.agreement', { ids, fpr: 0.1, format: 'pdf' })
    expect(upset.fileName).toMatch(/\.upset\.pdf$/)
    expect(Buffer.from(upset.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
    const png = await engine.invoke('export.agreement', { ids: ids.slice(0, 2), fpr: 0.1, format: 'png', figure: 'venn', dpi: 100 })
    expect(Buffer.from(png.data, 'base64').subarray(1, 4).toString()).toBe('PNG')
    await expect(engine.invoke('export.agreement', { ids, fpr: 0.1, format: 'svg', figure: 'venn' })).rejects.toMatchObject({ code: 'invalid-input' })
  })
})
