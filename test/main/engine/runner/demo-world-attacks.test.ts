// Issue 5 on the demo world, through the engine: the larger model leaks more (paired), AEA and WSA run end to end on
// cached embeddings, WSA reports its pseudo-member precision, and the blind baseline sits near chance.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import type { ExperimentRecord, ExperimentSpecInput } from '../../../../src/shared/contract/experiments'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-demo-attacks-')
let engine: Engine
const records: Record<string, ExperimentRecord> = {}

async function run(name: string, spec: ExperimentSpecInput): Promise<ExperimentRecord> {
  const created = await engine.invoke('experiments.create', { spec: { ...spec, name } })
  records[name] = await engine.invoke('experiments.run', { id: created.id })
  return records[name]
}

beforeAll(() => {
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
})
afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

const csa = (model: string, blind: boolean): ExperimentSpecInput => ({ model, dataset: 'emoji-demo', attack: 'csa', params: { evaluation: { resamples: 300 }, blind: { enabled: blind } } })

describe('demo world attacks', () => {
  it('CSA: demo-clip-l leaks more than demo-clip-s, significantly by the paired bootstrap', async () => {
    const s = await run('csa-s', csa('demo-clip-s', true))
    const l = await run('csa-l', csa('demo-clip-l', false))
    expect(s.results!.metrics!.auc).toBeGreaterThan(0.6)
    expect(l.results!.metrics!.auc).toBeGreaterThan(s.results!.metrics!.auc + 0.03)
    const cmp = await engine.invoke('experiments.compare', { ids: [l.id, s.id], resamples: 300 })
    expect(cmp.comparisons).toHaveLength(1)
    expect(cmp.comparisons[0].nItems).toBe(2685)
    expect(cmp.comparisons[0].deltaAuc.ci.lo).toBeGreaterThan(0)
    expect(cmp.comparisons[0].deltaAuc.pValue).toBeLessThan(0.05)
  }, 300_000)

  it('the blind baseline is near chance: members and non-members are an i.i.d. split of the emojis', () => {
    const b = records['csa-s'].results!.blindBaseline!
    expect(b.auc).toBeGreaterThan(0.42)
    expect(b.auc).toBeLessThan(0.6)
    expect(b.warning).toBeNull()
  })

  it('the audit calls the seeded random split clean, with every number behind the verdict', () => {
    const a = records['csa-s'].results!.audit!
    expect(a.verdict.kind).toBe('clean')
    expect(a.blind!.auc).toBe(records['csa-s'].results!.blindBaseline!.auc)
    expect(a.twoSample!.pValue).toBeGreaterThan(a.alpha)
    expect(a.permutation.aucPValue).toBe(1 / 1001)
    expect(a.margin!.ci.lo).toBeGreaterThan(0)
    expect(a.referencePool!.nA).toBe(1080)
  })

  it('the audit calls emoji-dated (members against Unicode ≥ 14 emojis) shift-affected', async () => {
    const dated = await run('csa-s-dated', { ...csa('demo-clip-s', true), dataset: path.resolve('resources/datasets/emoji-dated') })
    const a = dated.results!.audit!
    expect(['shift-affected', 'shift-dominated']).toContain(a.verdict.kind)
    expect(a.twoSample!.pValue).toBeLessThanOrEqual(a.alpha)
  }, 300_000)

  it('AEA runs on cached original embeddings and adds only the augmented views', async () => {
    const aea = await run('aea-s', {
      model: 'demo-clip-s',
      dataset: 'emoji-demo',
      attack: 'aea',
      params: { aea: { bank: 'hflip, jitter(b=0.4,c=0.4,s=0.4)' }, evaluation: { resamples: 100 }, blind: { enabled: false } }
    })
    const r = aea.results!
    expect(r.attackReport).toMatchObject({ K: 2 })
    // Captions and original views came from the CSA run; only the two augmented views per image were new.
    expect(r.embeddings.computed).toBe(2 * 3765)
    expect(r.metrics!.auc).toBeGreaterThan(0.6)
  }, 300_000)

  it('WSA trains on pseudo-members from the cache and reports how many were wrong', async () => {
    const wsa = await run('wsa-l', {
      model: 'demo-clip-l',
      dataset: 'emoji-demo',
      attack: 'wsa',
      params: { wsa: { model: 'mlp', lambda: 1.0 }, evaluation: { resamples: 100 }, blind: { enabled: false } }
    })
    const rep = wsa.results!.attackReport as { nSelected: number; nSelectedWrong: number; selectionPrecision: number; poolSource: string; nReference: number; crossFitFolds: number }
    expect(wsa.results!.embeddings.computed).toBe(0)
    expect(rep.poolSource).toBe('transductive')
    expect(rep.nReference).toBe(1080)
    expect(rep.crossFitFolds).toBe(5)
    expect(wsa.results!.audit!.trainedOnEvaluated).toBe(0)
    expect(rep.nSelected).toBeGreaterThan(0)
    expect(rep.selectionPrecision).toBeCloseTo(1 - rep.nSelectedWrong / rep.nSelected, 12)
    // Pseudo-members above μ + σ of the reference scores are mostly real members on a model with AUC 0.87.
    expect(rep.selectionPrecision).toBeGreaterThan(0.7)
    expect(wsa.results!.metrics!.auc).toBeGreaterThan(0.6)
  }, 300_000)

  it('the same spec twice gives identical scores', async () => {
    const again = await run('csa-l-again', csa('demo-clip-l', false))
    const a = await engine.invoke('export.scores', { id: records['csa-l'].id })
    const b = await engine.invoke('export.scores', { id: again.id })
    expect(b.data).toBe(a.data)
  }, 120_000)
})
