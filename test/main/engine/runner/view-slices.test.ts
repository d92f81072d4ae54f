// experiments.get: the run's ROC band in the view, slices with intervals, and exposed lists limited to one slice (issue 21).
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-view-slices-')
let engine: Engine
let id: string

beforeAll(async () => {
  const dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 30, nonmembers: 30, reference: 5 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
  const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', params: { evaluation: { resamples: 50 }, blind: { enabled: false } } } })
  await engine.invoke('experiments.run', { id: created.id })
  id = created.id
}, 120_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('the Results view', () => {
  it('carries the run’s band and slices whose intervals bracket their AUC, with small-slice warnings', async () => {
    const view = await engine.invoke('experiments.get', { id })
    const metrics = view.record.results!.metrics!
    expect(view.rocBand).toEqual(metrics.rocBand)
    expect(view.rocBand!.resamples).toBe(50)
    const categories = view.slices.filter((s) => s.column === 'category')
    expect(categories.length).toBeGreaterThan(1)
    for (const s of view.slices.filter((x) => x.auc !== null)) {
      expect(s.aucCI!.lo).toBeLessThanOrEqual(s.auc!)
      expect(s.aucCI!.hi).toBeGreaterThanOrEqual(s.auc!)
      // 60 labelled targets split by value: every slice has fewer than 30 of a class.
      expect(s.warning).toMatch(/below 30 per class/)
    }
  })

  it('limits the exposed lists to a slice, counts it, and names a slice that does not exist', async () => {
    const all = await engine.invoke('experiments.get', { id, top: 200 })
    const largest = all.slices.filter((s) => s.column === 'category').sort((a, b) => b.members + b.nonmembers - (a.members + a.nonmembers))[0]
    const filter = { column: 'category', value: largest.value }
    const view = await engine.invoke('experiments.get', { id, top: 200, slice: filter })
    expect(view.slice).toEqual({ ...filter, members: largest.members, nonmembers: largest.nonmembers })
    expect(view.topMembers).toHaveLength(largest.members)
    expect(view.falsePositives).toHaveLength(largest.nonmembers)
    for (const x of [...view.topMembers, ...view.falsePositives]) {
      const detail = await engine.invoke('experiments.item', { id, itemId: x.id, size: 16 })
      expect(detail.item.metadata.category).toBe(largest.value)
    }
    // Same order as the unfiltered lists, restricted to the slice.
    const inSlice = new Set(view.topMembers.map((x) => x.id))
    expect(view.topMembers.map((x) => x.id)).toEqual(all.topMembers.filter((x) => inSlice.has(x.id)).map((x) => x.id))
    await expect(engine.invoke('experiments.get', { id, slice: { column: 'category', value: 'Nope' } })).rejects.toMatchObject({ code: 'not-found', item: 'category = Nope' })
  })
})
