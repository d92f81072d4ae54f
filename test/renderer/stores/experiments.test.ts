// Experiments store: search, rename, tags, delete (and the compare selection follows), create in order.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useExperimentsStore } from '../../../src/renderer/src/stores/experiments'
import { installFakeApi } from '../fake-api'
import { sampleRecord, sampleSummary } from '../fixtures'

describe('experiments store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('searches, renames, tags and deletes', async () => {
    const fake = installFakeApi()
    const rows = [sampleSummary('a', 'first'), sampleSummary('b', 'second')]
    fake.on('experiments.list', (input) => ({ experiments: input.search ? rows.filter((r) => r.name.includes(input.search!)) : rows }))
    fake.on('experiments.rename', ({ id, name }) => ({ ...rows.find((r) => r.id === id)!, name }))
    fake.on('experiments.tag', ({ id, tags }) => ({ ...rows.find((r) => r.id === id)!, tags }))
    fake.on('experiments.delete', () => ({ ok: true as const }))
    const store = useExperimentsStore()
    await store.load()
    expect(store.experiments.map((e) => e.id)).toEqual(['a', 'b'])
    await store.setSearch('sec')
    expect(store.experiments.map((e) => e.id)).toEqual(['b'])
    await store.setSearch('')
    expect(await store.rename('a', 'renamed')).toBe(true)
    expect(store.experiments[0].name).toBe('renamed')
    await store.setTags('b', ['paper'])
    expect(store.experiments[1].tags).toEqual(['paper'])
    store.toggleSelected('a')
    store.toggleSelected('b')
    expect(store.selection).toEqual(['a', 'b'])
    await store.remove('a')
    expect(store.experiments.map((e) => e.id)).toEqual(['b'])
    expect(store.selection).toEqual(['b'])
  })

  it('keeps an engine error as data and returns null from create', async () => {
    const fake = installFakeApi()
    fake.on('experiments.create', () => {
      throw { code: 'not-found', message: 'No model named "x".', hint: 'Known models: demo-clip-s' }
    })
    const store = useExperimentsStore()
    expect(await store.create([{ dataset: 'emoji-demo', attack: 'csa', model: 'x' }])).toBeNull()
    expect(store.error?.code).toBe('not-found')
    expect(store.creating).toBe(false)
  })

  it('creates specs in order (the compare-models shortcut)', async () => {
    const fake = installFakeApi()
    let n = 0
    fake.on('experiments.create', () => sampleRecord(`e${++n}`))
    const store = useExperimentsStore()
    const records = await store.create([
      { dataset: 'emoji-demo', attack: 'csa', model: 'demo-clip-s' },
      { dataset: 'emoji-demo', attack: 'csa', model: 'demo-clip-l' }
    ])
    expect(records?.map((r) => r.id)).toEqual(['e1', 'e2'])
    expect(fake.calls.map((c) => (c.input as { spec: { model: string } }).spec.model)).toEqual(['demo-clip-s', 'demo-clip-l'])
  })
})
