// Items, experiments, scores and registries: typed rows in, the same typed rows out, real SQLite underneath.
import fs from 'node:fs'
import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import { openWorkspaceStore, type ItemRow, type WorkspaceStore } from '../../../../src/main/engine/store'
import { sha256, tempDir, vectorOf } from './scratch'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
let store: WorkspaceStore
let n = 0
beforeEach(() => (store = openWorkspaceStore(`${dir}/ws${n++}`)))
afterEach(() => store.close())

function item(i: number, over: Partial<ItemRow> = {}): ItemRow {
  return {
    datasetHash: 'ds1',
    itemId: `item-${i}`,
    position: i,
    imageHash: sha256(`img${i}`),
    captionHash: sha256(`cap${i}`),
    caption: `caption ${i}`,
    imagePath: `images/${i}.png`,
    membership: i % 2 ? 'member' : 'nonmember',
    role: 'target',
    metadata: { i, tags: ['x'] },
    ...over
  }
}

describe('items', () => {
  it('stores, lists in manifest order, filters, upserts and deletes', () => {
    const rows = [item(2), item(0), item(1, { role: 'reference', metadata: {} }), item(3, { imageHash: null, caption: null })]
    expect(store.items.putMany(rows)).toBe(4)
    expect(store.items.list('ds1').map((r) => r.itemId)).toEqual(['item-0', 'item-1', 'item-2', 'item-3'])
    expect(store.items.get('ds1', 'item-3')).toEqual(rows[3])
    expect(store.items.list('ds1', { role: 'reference' })).toEqual([rows[2]])
    expect(store.items.list('ds1', { membership: 'member', role: 'target' }).map((r) => r.itemId)).toEqual(['item-3'])
    store.items.putMany([item(0, { imagePath: 'moved/0.png' })])
    expect(store.items.get('ds1', 'item-0')!.imagePath).toBe('moved/0.png')
    expect(store.items.count('ds1')).toBe(4)
    expect(store.items.deleteDataset('ds1')).toBe(4)
    expect(store.items.count('ds1')).toBe(0)
  })

  it('rejects an invalid membership through the schema, writing nothing of the batch', () => {
    const bad = item(1, { membership: 'maybe' as ItemRow['membership'] })
    expect(() => store.items.putMany([item(0), bad])).toThrow(expect.objectContaining({ code: 'store-failed' }))
    expect(store.items.count('ds1')).toBe(0)
  })
})

describe('experiments', () => {
  const spec = { modelFingerprint: 'fp', datasetHash: 'ds1', attack: 'csa', params: { k: 8 }, seeds: [1], appVersion: '0.1.0' }

  it('creates, reads, renames, tags, changes status and results', () => {
    const e = store.experiments.create({ name: 'First', tags: ['clip'], spec })
    expect(e).toMatchObject({ name: 'First', tags: ['clip'], status: 'pending', spec, results: null, error: null })
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(store.experiments.rename(e.id, 'Renamed').name).toBe('Renamed')
    expect(store.experiments.setTags(e.id, ['a', 'b']).tags).toEqual(['a', 'b'])
    expect(store.experiments.setStatus(e.id, 'running').status).toBe('running')
    const failure = { code: 'inference-failed' as const, message: 'boom', hint: 'retry' }
    expect(store.experiments.setStatus(e.id, 'failed', failure).error).toEqual(failure)
    expect(store.experiments.setStatus(e.id, 'done').error).toBeNull()
    const done = store.experiments.setResults(e.id, { auc: 0.61, tprAt1: 0.02 })
    expect(done.results).toEqual({ auc: 0.61, tprAt1: 0.02 })
    expect(Date.parse(done.updatedAt)).toBeGreaterThanOrEqual(Date.parse(done.createdAt))
    expect(store.experiments.get(e.id)).toEqual(done)
  })

  it('lists newest first and searches name, id and tags', () => {
    const a = store.experiments.create({ id: 'exp-a', name: 'Baseline CSA', tags: ['laion'], spec })
    const b = store.experiments.create({ id: 'exp-b', name: 'AEA run', tags: ['CC3M'], spec })
    store.experiments.setStatus(b.id, 'done')
    expect(
      store.experiments
        .list()
        .map((e) => e.id)
        .sort()
    ).toEqual(['exp-a', 'exp-b'])
    expect(store.experiments.list({ search: 'baseline' }).map((e) => e.id)).toEqual(['exp-a'])
    expect(store.experiments.list({ search: 'cc3m' }).map((e) => e.id)).toEqual(['exp-b'])
    expect(store.experiments.list({ search: 'EXP-' }).length).toBe(2)
    expect(store.experiments.list({ status: 'done' }).map((e) => e.id)).toEqual(['exp-b'])
    expect(store.experiments.list({ limit: 1 }).length).toBe(1)
    expect(a.id).toBe('exp-a')
  })

  it('unknown or duplicate ids give clear errors', () => {
    expect(() => store.experiments.rename('ghost', 'x')).toThrow(expect.objectContaining({ code: 'not-found', item: 'ghost' }))
    store.experiments.create({ id: 'dup', name: 'x', spec })
    expect(() => store.experiments.create({ id: 'dup', name: 'y', spec })).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(store.experiments.delete('ghost')).toBe(false)
  })
})

describe('scores', () => {
  it('returns typed arrays aligned with item ids, and is deleted with its experiment', () => {
    const e = store.experiments.create({ name: 'scored', spec: {} })
    const extra = vectorOf(5, 'aea')
    store.scores.putMany(e.id, [
      { itemId: 'b', score: 0.25, label: 1, extra },
      { itemId: 'a', score: -1.5, label: 0 },
      { itemId: 'c', score: NaN, label: null }
    ])
    const inOrder = store.scores.get(e.id)
    expect(inOrder.itemIds).toEqual(['b', 'a', 'c'])
    expect(Array.from(inOrder.scores)).toEqual([0.25, -1.5, NaN])
    expect(Array.from(inOrder.labels)).toEqual([1, 0, -1])
    expect(inOrder.extra[0]).toEqual(extra)
    expect(inOrder.extra[1]).toBeNull()
    const aligned = store.scores.get(e.id, ['a', 'zzz', 'b'])
    expect(Array.from(aligned.scores)).toEqual([-1.5, NaN, 0.25])
    expect(Array.from(aligned.labels)).toEqual([0, -1, 1])
    expect(store.scores.count(e.id)).toBe(3)
    expect(store.experiments.delete(e.id)).toBe(true)
    expect(store.scores.count(e.id)).toBe(0)
  })

  it('refuses scores for an experiment that does not exist', () => {
    expect(() => store.scores.putMany('ghost', [{ itemId: 'a', score: 1 }])).toThrow(expect.objectContaining({ code: 'not-found' }))
  })
})

describe('registries', () => {
  it('remember models and datasets by path, keeping the first addedAt', () => {
    const m = store.models.add({ path: '/models/clip', name: 'clip', fingerprint: null })
    expect(m).toMatchObject({ path: '/models/clip', name: 'clip', fingerprint: null })
    const again = store.models.add({ path: '/models/clip', name: 'CLIP B/32', fingerprint: 'abc' })
    expect(again).toEqual({ ...m, name: 'CLIP B/32', fingerprint: 'abc' })
    store.datasets.add({ path: '/data/coco', name: 'coco', hash: 'h1' })
    expect(store.datasets.list()).toEqual([expect.objectContaining({ path: '/data/coco', hash: 'h1' })])
    expect(store.models.list()).toHaveLength(1)
    expect(store.models.remove('/models/clip')).toBe(true)
    expect(store.models.get('/models/clip')).toBeUndefined()
  })
})
