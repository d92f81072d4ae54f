// Experiments on an embedding-only (clip-retrieval) dataset: CSA streamed over several chunks, WSA, caption-only blind; AEA and models refused.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { csvTextRows } from '../../../../src/main/engine/csv'
import { createRng } from '../../../../src/main/engine/rng'
import type { ExperimentSpecInput } from '../../../../src/shared/contract/experiments'
import { writeClipRetrieval } from '../../../helpers/clip-retrieval'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-precomputed-')
const D = 16
const PARTS = [
  { members: 2600, nonmembers: 2600, reference: 300, pool: 400 },
  { members: 100, nonmembers: 100, reference: 0, pool: 0 }
]
let engine: Engine
let dataset: string
const cosine = new Map<string, number>()
const WORDS = ['cat', 'dog', 'car', 'tree', 'boat', 'house', 'bird', 'flower', 'road', 'lake']

/** Members' text vectors lean towards their image vectors (what training does); non-members' do not. */
async function build(root: string): Promise<void> {
  const rng = createRng(11)
  const parts = PARTS.map((p, part) => {
    const kinds = [...Array(p.members).fill('member'), ...Array(p.nonmembers).fill('nonmember'), ...Array(p.reference).fill('reference'), ...Array(p.pool).fill('pool')] as string[]
    const image = new Float32Array(kinds.length * D)
    const text = new Float32Array(kinds.length * D)
    kinds.forEach((kind, i) => {
      const lean = kind === 'member' || (kind === 'pool' && i % 2 === 0) ? 0.6 : 0
      let dot = 0,
        ni = 0,
        nt = 0
      for (let j = 0; j < D; j++) {
        const x = rng.normal()
        const y = lean * x + rng.normal()
        image[i * D + j] = x
        text[i * D + j] = y
        dot += x * y
        ni += x * x
        nt += y * y
      }
      cosine.set(`p${part}-${i}`, dot / Math.sqrt(ni * nt))
    })
    // One failed embedding (all zeros), as a crashed embedding job leaves: its item must be skipped by name.
    if (part === 0) image.fill(0, 5 * D, 6 * D)
    return {
      dim: D,
      dtype: 'f4' as const,
      image,
      text,
      rowGroupSize: 1000,
      columns: {
        key: kinds.map((_, i) => `p${part}-${i}`),
        caption: kinds.map(() => `a photo of ${WORDS[rng.int(WORDS.length)]} and ${WORDS[rng.int(WORDS.length)]}, shot ${rng.int(1e6)}`),
        membership: kinds.map((k) => (k === 'member' ? 'member' : k === 'pool' ? 'unknown' : 'nonmember')),
        role: kinds.map((k) => (k === 'reference' ? 'reference' : k === 'pool' ? 'pool' : 'target')),
        similarity: kinds.map(() => 0.3)
      }
    }
  })
  await writeClipRetrieval(root, parts)
}

const spec = (attack: ExperimentSpecInput['attack'], extra: Partial<ExperimentSpecInput> = {}): ExperimentSpecInput => ({
  dataset,
  attack,
  params: { evaluation: { resamples: 50 }, blind: { enabled: false }, ...extra.params },
  ...(extra.model ? { model: extra.model } : {})
})

async function run(s: ExperimentSpecInput) {
  const created = await engine.invoke('experiments.create', { spec: s })
  return engine.invoke('experiments.run', { id: created.id })
}

beforeAll(async () => {
  dataset = path.join(ws.dir, 'laion-emb')
  await build(dataset)
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('experiments on precomputed embeddings', () => {
  it('CSA scores every target with the cosine of its stored vectors, calibrates on the reference part, and queries no model', async () => {
    const r = await run(spec('csa'))
    expect(r.status).toBe('done')
    expect(r.spec.modelName).toBe(`precomputed · ${D}-d embeddings`)
    expect(r.spec.modelFingerprint).toBeNull()
    const res = r.results!
    expect(res.counts).toEqual({ targets: 5399, members: 2699, nonmembers: 2700, unknown: 0, reference: 300, pool: 400 })
    expect(res.skipped).toEqual([{ itemId: 'p0-5', code: 'bad-item', message: 'Item p0-5: its precomputed image embedding (part 0, row 5) has norm 0; it is skipped.' }])
    expect(res.provider).toBeNull()
    expect(res.embeddings).toEqual({ computed: 0, cached: 0 })
    expect(res.metrics!.auc).toBeGreaterThan(0.9)
    expect(res.metrics!.calibrated?.nReference).toBe(300)
    const scores = await engine.invoke('export.scores', { id: r.id })
    const rows = [...csvTextRows(scores.data, 'scores.csv')].slice(1).map((r) => r.fields)
    expect(rows).toHaveLength(5399)
    for (const row of rows.filter((_, i) => i % 397 === 0)) expect(Number(row[1])).toBeCloseTo(cosine.get(row[0])!, 5)
    const view = await engine.invoke('experiments.get', { id: r.id })
    expect(view.topMembers[0].thumbnail).toBeNull()
    expect(view.topMembers[0].caption).toMatch(/^a photo of /)
  })

  it('WSA trains on the stored vectors (plus their CSA feature) with the unknown pool; AEA, a model and embedding are refused with the reason', async () => {
    const wsa = await run(spec('wsa', { params: { wsa: { maxEpochs: 5, model: 'logreg', appendCsa: true } } }))
    expect(wsa.status).toBe('done')
    expect(wsa.results!.metrics!.auc).toBeGreaterThan(0.8)
    await expect(engine.invoke('experiments.create', { spec: spec('aea') })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('holds precomputed embeddings only (no images, no model), so AEA cannot embed augmented views')
    })
    await expect(engine.invoke('experiments.create', { spec: spec('wsa', { params: { wsa: { appendAea: true } } }) })).rejects.toMatchObject({
      message: expect.stringContaining('for the WSA features')
    })
    await expect(engine.invoke('experiments.create', { spec: spec('csa', { model: path.resolve('test/fixtures/tiny-clip') }) })).rejects.toMatchObject({ code: 'invalid-input', item: 'model' })
    await expect(engine.invoke('embed', { model: path.resolve('test/fixtures/tiny-clip'), dataset })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('holds precomputed embeddings only: there are no images or captions to embed')
    })
  })

  it('the blind baseline runs on captions alone (no images to read) and finds no shift here', async () => {
    const r = await run({ ...spec('blind'), params: { evaluation: { resamples: 20 }, blind: { folds: 3 } } })
    expect(r.status).toBe('done')
    expect(r.results!.metrics!.auc).toBeGreaterThan(0.4)
    expect(r.results!.metrics!.auc).toBeLessThan(0.6)
  })
})
