// A CSA run on a SigLIP export reports the model's sigmoid score and records the rule; the same towers without t and b
// (cosine CSA) rank every item the same, so AUC and TPRs agree while the scores are the sigmoid of the cosines.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const SIGLIP = path.resolve('test/fixtures/tiny-siglip')
const ws = tempDir('mia-siglip-run-')
let engine: Engine
let dataset: string
let towersOnly: string

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 12, nonmembers: 12, reference: 6 })
  towersOnly = path.join(ws.dir, 'siglip-towers')
  fs.cpSync(SIGLIP, towersOnly, { recursive: true })
  fs.rmSync(path.join(towersOnly, 'onnx', 'model.onnx'))
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

async function csa(model: string) {
  const created = await engine.invoke('experiments.create', { spec: { model, dataset, attack: 'csa', params: { evaluation: { resamples: 50 } } } })
  const record = await engine.invoke('experiments.run', { id: created.id })
  return { record, view: await engine.invoke('experiments.get', { id: created.id }) }
}

describe('CSA on SigLIP', () => {
  it('scores sigmoid(exp(t)·cos + b), records the rule, and ranks exactly as the cosine does', async () => {
    const sigmoid = await csa(SIGLIP)
    const cosine = await csa(towersOnly)
    expect(sigmoid.record.status).toBe('done')
    expect(sigmoid.record.spec).toMatchObject({ modelFormat: 'siglip', scoreRule: { kind: 'sigmoid', source: 'onnx/model.onnx initializers logit_scale, logit_bias' } })
    expect(cosine.record.spec.scoreRule).toBeUndefined()
    // t and b change the scores, so their file is part of the model's identity (no shared cache entry or open model).
    expect(sigmoid.record.spec.modelFingerprint).not.toBe(cosine.record.spec.modelFingerprint)
    const rule = sigmoid.record.spec.scoreRule!
    if (rule.kind !== 'sigmoid') throw new Error('expected the sigmoid rule')
    expect(sigmoid.record.results!.attackReport).toMatchObject({ score: 'sigmoid(exp(logitScale)·cos + logitBias)', logitScale: rule.logitScale, logitBias: rule.logitBias })
    expect(sigmoid.record.results!.metrics!.auc).toBe(cosine.record.results!.metrics!.auc)
    // Same operating points; only the thresholds move (attacks.md "CSA": they are on the probability scale).
    const points = (r: typeof sigmoid.record): unknown[] => Object.values(r.results!.metrics!.tprAtFpr).map(({ threshold: _t, ...rest }) => rest)
    expect(points(sigmoid.record)).toEqual(points(cosine.record))
    const cos = new Map(cosine.view.topMembers.map((it) => [it.id, it.score]))
    expect(sigmoid.view.topMembers.map((it) => it.id)).toEqual(cosine.view.topMembers.map((it) => it.id))
    for (const it of sigmoid.view.topMembers) expect(it.score).toBeCloseTo(1 / (1 + Math.exp(-(Math.exp(rule.logitScale) * cos.get(it.id)! + rule.logitBias))), 9)
  }, 120_000)

  it('reruns a SigLIP 2 export (symbolic embedding size) from the cache alone in a fresh engine', async () => {
    const siglip2 = path.resolve('test/fixtures/tiny-siglip2')
    const first = await csa(siglip2)
    expect(first.record.results!.embeddings.computed).toBeGreaterThan(0)
    await engine.dispose()
    engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
    const again = await csa(siglip2)
    expect(again.record.status).toBe('done')
    expect(again.record.results!.embeddings.computed).toBe(0)
    expect(again.record.results!.metrics!.auc).toBe(first.record.results!.metrics!.auc)
  }, 120_000)
})
