// Issue 20 on the demo world through the engine: QMIA, loss-grad and zero-shot rank run with low-FPR evidence,
// set-level inference separates a 100-member subset from non-members, seeds summarise, and agreement exports.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import type { ExperimentRecord, ExperimentSpecInput } from '../../../../src/shared/contract/experiments'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-evidence-')
let engine: Engine
const records: Record<string, ExperimentRecord> = {}

async function run(name: string, spec: Omit<ExperimentSpecInput, 'dataset' | 'model'>): Promise<ExperimentRecord> {
  const created = await engine.invoke('experiments.create', { spec: { model: 'demo-clip-l', dataset: 'emoji-demo', ...spec, name } })
  records[name] = await engine.invoke('experiments.run', { id: created.id })
  return records[name]
}
const quick = (seed = 0) => ({ seed, evaluation: { resamples: 100 }, blind: { enabled: false } })

beforeAll(() => {
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
})
afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('issue 20 on demo-clip-l', () => {
  it('CSA reports TPR@0% FPR, k-of-n counts, Clopper–Pearson and ε in its metrics block', async () => {
    const m = (await run('csa', { attack: 'csa', params: quick() })).results!.metrics!
    const zero = m.tprAtFpr['0']
    expect(zero.fpr).toBe(0)
    expect(zero.counts!.fp).toBe(0)
    expect(zero.counts!.tp).toBe(Math.round(zero.tpr! * m.n.members))
    expect(zero.clopperPearson!.tpr.lo).toBeLessThanOrEqual(zero.tpr!)
    expect(m.tprAtFpr['0.01'].counts!.fp).toBeLessThanOrEqual(Math.floor(0.01 * m.n.nonmembers))
    expect(m.epsilon!.lower).toBeGreaterThan(0)
    expect(m.calibrated!.epsilon).toBeGreaterThanOrEqual(0)
  }, 600_000)

  it('QMIA, loss-grad and rank run on cached embeddings with metrics and CIs', async () => {
    for (const [name, attack] of [
      ['qmia', 'qmia'],
      ['loss-grad', 'loss-grad'],
      ['rank', 'rank']
    ] as const) {
      const r = await run(name, { attack, params: quick() })
      expect(r.results!.embeddings.computed).toBe(0)
      const m = r.results!.metrics!
      expect(m.auc).toBeGreaterThan(0.55)
      expect(m.aucCI.lo).toBeLessThan(m.auc)
      expect(m.tprAtFpr['0'].clopperPearson).toBeDefined()
    }
    expect(records['loss-grad'].results!.attackReport.logitScale).toBeCloseTo(14.301, 3)
    expect(records.qmia.results!.attackReport.nReference).toBe(1080) // emoji-demo v2's guaranteed non-members
  }, 600_000)

  it('set-level inference: 100 members reach p < 0.01; the null check over 200 non-member subsets is measured and reported', async () => {
    const members = await engine.invoke('audit.set', { model: 'demo-clip-l', dataset: 'emoji-demo', suspect: 'members', size: 100 })
    expect(members.pValue).toBeLessThan(0.01)
    expect(members.referenceSource).toBe('reference-role')
    expect(members.nullCheck!.subsets).toBe(200)
    // Measured, not tuned: emoji-demo v2's reference role mixes 180 Unicode ≥ 14 emoji (a dated, shifted set) into the
    // 1080 known non-members, so the known non-members are not exchangeable with the targets' and the test rejects
    // about 5.5 % of non-member subsets at p < 0.01 (issue 20 asks ≤ 1 %; docs/attacks.md "Set-level dataset inference").
    // The bound here only catches a broken test, far from that calibration.
    expect(members.nullCheck!.rate).toBeLessThan(0.15)
    expect(members.nullCheck!.rejected).toBe(Math.round(members.nullCheck!.rate * 200))
    // With known non-members exchangeable with the targets' (a seeded half of the labelled non-member targets; the null
    // check draws from the other half) the same test meets the 1 % false-positive target and still finds the members.
    const heldOut = await engine.invoke('audit.set', { model: 'demo-clip-l', dataset: 'emoji-demo', suspect: 'members', size: 100, known: 'nonmembers' })
    expect(heldOut.referenceSource).toBe('held-out-half')
    expect(heldOut.nReference).toBe(448) // half of emoji-demo v2's 896 non-member targets
    expect(heldOut.nullCheck!.size).toBe(100)
    expect(heldOut.pValue).toBeLessThan(0.01)
    expect(heldOut.nullCheck!.rate).toBeLessThanOrEqual(0.01)
    await expect(engine.invoke('audit.set', { model: 'demo-clip-l', dataset: 'emoji-demo', suspect: ['emoji-bogus-1', 'emoji-bogus-2'], known: 'nonmembers' })).rejects.toThrow(
      /not scored target items/
    )
    const nonmembers = await engine.invoke('audit.set', { model: 'demo-clip-l', dataset: 'emoji-demo', suspect: 'nonmembers', size: 100, seed: 1 })
    expect(nonmembers.pValue).toBeGreaterThan(0.01)
    const lossGrad = await engine.invoke('audit.set', { model: 'demo-clip-l', dataset: 'emoji-demo', suspect: 'members', size: 100, attack: 'loss-grad' })
    expect(lossGrad.referenceSource).toBe('reference-role')
    expect(lossGrad.pValue).toBeLessThan(0.01)
  }, 600_000)

  it('seeds: one record per seed, mean ± sd of every metric, and a rerun reproduces a seed exactly', async () => {
    const runs = [await run('loss-grad s1', { attack: 'loss-grad', params: quick(1) }), await run('loss-grad s2', { attack: 'loss-grad', params: quick(2) })]
    const summary = await engine.invoke('experiments.seeds', { ids: [records['loss-grad'].id, ...runs.map((r) => r.id)] })
    expect(summary.seeds).toEqual([0, 1, 2])
    const auc = summary.stats.find((s) => s.metric === 'auc')!
    const values = [records['loss-grad'], ...runs].map((r) => r.results!.metrics!.auc)
    const mean = values.reduce((a, b) => a + b, 0) / 3
    expect(auc.mean).toBeCloseTo(mean, 12)
    expect(auc.sd).toBeCloseTo(Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / 2), 12)
    expect(summary.stats.some((s) => s.metric === 'tprAtFpr[0]')).toBe(true)
    expect(summary.stability.histogram.reduce((a, b) => a + b, 0)).toBe(2685)
    expect(summary.stability.records).toHaveLength(summary.stability.flaggedByAny)
    expect(summary.stability.records.filter((r) => r.flagged === 3)).toHaveLength(summary.stability.flaggedByAll)
    const again = await engine.invoke('experiments.rerun', { record: runs[0] })
    expect(again.reproduced).toBe(true)
  }, 600_000)

  it('agreement: Jaccard indices, UpSet intersections, flags CSV and the figure', async () => {
    const ids = [records.csa.id, records.qmia.id, records['loss-grad'].id]
    const a = await engine.invoke('experiments.agreement', { ids, fpr: 0.05 })
    expect(a.nItems).toBe(2685)
    a.experiments.forEach((e, i) => expect(a.jaccard[i][i]).toBe(1))
    expect(a.jaccard[0][1]).toBe(a.jaccard[1][0])
    // Independent check of one Jaccard index from the flags.
    const both = a.records.filter((r) => r.flags[0] && r.flags[1]).length
    const either = a.records.filter((r) => r.flags[0] || r.flags[1]).length
    expect(a.jaccard[0][1]).toBeCloseTo(both / either, 15)
    expect(a.intersections.reduce((s, c) => s + c.count, 0)).toBe(a.records.length)
    const csv = await engine.invoke('export.agreement', { ids, fpr: 0.05, format: 'csv' })
    expect(csv.data.split('\r\n')[0]).toBe('id,caption,membership,csa,qmia,loss-grad')
    expect(csv.data.trim().split('\r\n')).toHaveLength(a.records.length + 1)
    const svg = await engine.invoke('export.agreement', { ids, fpr: 0.05, format: 'svg' })
    expect(svg.data).toContain('<svg')
    const cmp = await engine.invoke('experiments.compare', { ids: ids.slice(0, 2), resamples: 50 })
    expect(cmp.comparisons).toHaveLength(1)
  }, 600_000)
})
