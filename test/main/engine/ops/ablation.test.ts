// experiments.ablation (issue 21 / docs/attacks.md "WSA ablation"): on a WSA experiment's cached embeddings, a cell
// equals (a) the experiment itself where the inputs are the experiment's, and (b) a direct runWsa on the same seeded
// D_no subset, computed here from the `embed` JSON lines with its own AUC (Mann–Whitney) — never from the op's code.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { runWsa, type EmbeddingRows } from '../../../../src/main/engine/attacks'
import { createRng, seedOf, shuffleInPlace } from '../../../../src/main/engine/rng'
import type { ExperimentRecord } from '../../../../src/shared/contract/experiments'
import type { WorkbenchEvent } from '../../../../src/shared/contract/events'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-ablation-')
const SEED = 3
let engine: Engine
let dataset: string
let wsa: ExperimentRecord

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 40, nonmembers: 40, reference: 40 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
  const created = await engine.invoke('experiments.create', {
    spec: { model: TINY, dataset, attack: 'wsa', params: { seed: SEED, wsa: { lambda: 0 }, evaluation: { resamples: 50 }, blind: { enabled: false } } }
  })
  wsa = await engine.invoke('experiments.run', { id: created.id })
}, 240_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

/** AUC as P(member score > non-member score) + ½ P(tie), by counting pairs. */
function pairAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  let wins = 0
  let pairs = 0
  for (let i = 0; i < truth.length; i++)
    for (let j = 0; j < truth.length; j++)
      if (truth[i] === 1 && truth[j] === 0) {
        pairs++
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0
      }
  return wins / pairs
}

describe('experiments.ablation', () => {
  it('reproduces the experiment at its own inputs and a direct runWsa on a seeded subset, without embedding anything', async () => {
    expect(wsa.status).toBe('done')
    const events: WorkbenchEvent[] = []
    const a = await engine.invoke('experiments.ablation', { id: wsa.id, sizes: [12, 'all'], lambdas: [0, 'rule'] }, { onEvent: (e) => events.push(e) })
    expect(a.cells).toHaveLength(4)
    expect(a.nReference).toBe(40)
    expect(a.nTargets).toBe(80)
    // Nothing was embedded: only the ablation's own fits report progress, one step per cell.
    const progress = events.filter((e) => e.type === 'progress')
    expect(new Set(progress.map((e) => e.type === 'progress' && e.phase))).toEqual(new Set(['training']))
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 })

    // (a) |D_no| = all, λ = 0, the experiment's seed: the experiment itself.
    const own = a.cells.find((c) => c.all && c.requested === 0)!
    expect(own.error).toBeNull()
    expect(own.auc).toBe(wsa.results!.metrics!.auc)
    expect(own.nSelected).toBe(wsa.results!.attackReport.nSelected)
    expect(own.tpr1).toBe(Object.values(wsa.results!.metrics!.tprAtFpr).find((t) => t.target === 0.01)!.tpr)

    // (b) |D_no| = 12, λ = 0: a direct runWsa on the subset the ablation documents (seedOf('ablation-pool', 12, seed)).
    const out = path.join(ws.dir, 'emb.jsonl')
    await engine.invoke('embed', { model: TINY, dataset, out })
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; image_embeds: number[]; text_embeds: number[] })
    const { items } = await engine.invoke('datasets.items', { dataset, limit: 500 })
    const byId = new Map(lines.map((l) => [l.id, l]))
    const rowsOf = (role: string): EmbeddingRows & { captions: string[] } => {
      const its = items.filter((it) => it.role === role)
      return {
        n: its.length,
        image: Float32Array.from(its.flatMap((it) => byId.get(it.id)!.image_embeds)),
        text: Float32Array.from(its.flatMap((it) => byId.get(it.id)!.text_embeds)),
        truth: Int8Array.from(its, (it) => (it.membership === 'member' ? 1 : 0)),
        captions: its.map((it) => it.caption.trim().toLowerCase())
      }
    }
    const target = rowsOf('target')
    const reference = rowsOf('reference')
    const d = lines[0].image_embeds.length
    const pick = shuffleInPlace(
      Array.from({ length: reference.n }, (_, i) => i),
      createRng(seedOf('ablation-pool', 12, SEED))
    ).slice(0, 12)
    const sub: EmbeddingRows = {
      n: 12,
      image: Float32Array.from(pick.flatMap((r) => Array.from(reference.image.subarray(r * d, (r + 1) * d)))),
      text: Float32Array.from(pick.flatMap((r) => Array.from(reference.text.subarray(r * d, (r + 1) * d))))
    }
    const direct = await runWsa({ d, reference: sub, target, groups: target.captions, seed: SEED, lambda: 0, targetPrecision: 0.9, folds: 5, model: 'mlp', features: { csa: false, aea: false } })
    const cell = a.cells.find((c) => c.size === 12 && c.requested === 0)!
    expect(cell.nSelected).toBe(direct.report.nSelected)
    expect(cell.auc).toBeCloseTo(pairAuc(direct.scores, target.truth!), 12)
    // The CSA reference line is CSA's AUC on the same targets.
    const cos = Array.from({ length: target.n }, (_, i) => {
      let dot = 0
      for (let k = 0; k < d; k++) dot += target.image[i * d + k] * target.text[i * d + k]
      return dot
    })
    expect(a.csa.auc).toBeCloseTo(pairAuc(cos, target.truth!), 12)
  }, 240_000)

  it('exports the figure with CSA drawn and its cells as CSV', async () => {
    const ablation = await engine.invoke('experiments.ablation', { id: wsa.id, sizes: [12, 24], lambdas: [0] })
    const svg = await engine.invoke('export.ablation', { ablation, format: 'svg' })
    expect(svg.data).toContain('<svg')
    expect(svg.data).toContain('CSA')
    expect(svg.caption).toMatch(/CSA on the same targets \(dashed\): AUC \d\.\d{3}/)
    const csv = await engine.invoke('export.ablation', { ablation, format: 'csv' })
    expect(csv.data.trim().split('\n')).toHaveLength(1 + 2)
  }, 120_000)

  it('refuses a non-WSA experiment and stops when cancelled', async () => {
    const csa = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', params: { evaluation: { resamples: 50 }, blind: { enabled: false } } } })
    await expect(engine.invoke('experiments.ablation', { id: csa.id })).rejects.toMatchObject({ code: 'invalid-input', item: csa.id, hint: expect.stringContaining('WSA') })
    const controller = new AbortController()
    const call = engine.invoke(
      'experiments.ablation',
      { id: wsa.id, sizes: [12, 24, 'all'], lambdas: [0, 1] },
      { signal: controller.signal, onEvent: (e) => e.type === 'progress' && controller.abort() }
    )
    await expect(call).rejects.toMatchObject({ code: 'cancelled' })
  }, 120_000)
})
