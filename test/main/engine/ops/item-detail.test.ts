// experiments.item: an item's score in every experiment on its dataset, its rank among non-members (checked by
// counting the view's own scores), AEA view scores, top-N lists with ties ranked by item id (issue 21).
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-item-')
let engine: Engine
let dataset: string

async function ran(attack: 'csa' | 'aea', params: Record<string, unknown> = {}): Promise<string> {
  const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack, params: { evaluation: { resamples: 20 }, blind: { enabled: false }, ...params } } })
  await engine.invoke('experiments.run', { id: created.id })
  return created.id
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 20, nonmembers: 20, reference: 5 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('experiments.item', () => {
  it('gives the item, its score and rank in each experiment on the dataset, and the AEA views', async () => {
    const csa = await ran('csa')
    const aea = await ran('aea', { aea: { bank: 'hflip, rot(deg=15)', aggregation: 'mean' } })
    const view = await engine.invoke('experiments.get', { id: aea, top: 3 })
    expect(view.topMembers).toHaveLength(3)
    const item = view.topMembers[0]
    const detail = await engine.invoke('experiments.item', { id: aea, itemId: item.id, size: 64 })
    expect(detail.item).toMatchObject({ id: item.id, caption: item.caption, membership: 'member' })
    expect(detail.item.image).toMatch(/^data:image\/png;base64,/)
    expect(detail.scores.map((s) => [s.experimentId, s.current])).toEqual(
      expect.arrayContaining([
        [csa, false],
        [aea, true]
      ])
    )
    const mine = detail.scores.find((s) => s.current)!
    expect(mine.score).toBe(item.score)
    // Rank among non-members, counted independently from the view's own non-member scores.
    expect(mine.nonmembersAtOrAbove).toBe(view.scores!.nonmembers.filter((s) => s >= item.score).length)
    expect(mine.nonmembers).toBe(view.scores!.nonmembers.length)
    expect(detail.views.map((v) => v.spec)).toEqual(['original', 'hflip', 'rot(deg=15)'])
    await expect(engine.invoke('experiments.item', { id: aea, itemId: 'nope' })).rejects.toMatchObject({ code: 'not-found', item: 'nope' })
  }, 180_000)

  it('ranks ties in the exposed lists by item id', async () => {
    const id = (await engine.invoke('experiments.list', {})).experiments[0].id
    const view = await engine.invoke('experiments.get', { id, top: 50 })
    const list = view.topMembers
    for (let i = 1; i < list.length; i++) {
      expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score)
      if (list[i - 1].score === list[i].score) expect(list[i - 1].id < list[i].id).toBe(true)
    }
  })
})
