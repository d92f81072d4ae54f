// audit.set with suspect ids: ids that are not target items of the dataset are refused, named, before any run is
// stored or any image embedded (the Audit a collection screen sends pasted ids as they are).
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-audit-ids-')
let engine: Engine
let dataset: string

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 6, nonmembers: 6, reference: 4 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('audit.set suspect ids', () => {
  it('refuses unknown and reference-role ids with their names and a hint, storing no experiment', async () => {
    const { items } = await engine.invoke('datasets.items', { dataset, limit: 100 })
    const target = items.find((i) => i.role === 'target')!.id
    const reference = items.find((i) => i.role === 'reference')!.id
    const events: string[] = []
    const call = engine.invoke('audit.set', { model: TINY, dataset, suspect: [target, 'no-such-item', reference] }, { onEvent: (e) => events.push(e.type) })
    await expect(call).rejects.toMatchObject({
      code: 'not-found',
      item: 'no-such-item',
      message: expect.stringMatching(/^2 suspect id\(s\) are not scored target items of .*: no-such-item, /),
      hint: expect.stringContaining('role "target"')
    })
    expect(events.filter((t) => t === 'progress')).toEqual([])
    expect((await engine.invoke('experiments.list', {})).experiments).toEqual([])
    // Known non-member ids are checked the same way, before any run.
    await expect(engine.invoke('audit.set', { model: TINY, dataset, suspect: 'members', known: [target, reference] })).rejects.toMatchObject({
      code: 'not-found',
      item: reference,
      message: expect.stringMatching(/^1 known non-member id\(s\) are not scored target items/),
      hint: expect.stringContaining('--known reference / nonmembers')
    })
    expect((await engine.invoke('experiments.list', {})).experiments).toEqual([])
  })
})
