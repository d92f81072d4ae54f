// Imported scores as experiments, and experiments named by id, unique id prefix or name (issue 22).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineClient } from '../../../../src/main/host/client'
import type { ExperimentRecord } from '../../../../src/shared/contract/experiments'
import { inProcessClient, tempDir, testConfig } from '../../../helpers/workspace'

const tmp = tempDir('mia-import-')
let client: EngineClient
let close: () => Promise<void>
const source = (sha: string) => ({
  file: '/data/lira.csv',
  sha256: sha.repeat(64),
  columns: { score: 'mia_score', label: 'is_member', id: 'sample_id' },
  lowerIsMember: false,
  rows: 8,
  skippedUnknown: 0
})
const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const labels: Array<0 | 1> = [1, 1, 1, 1, 0, 0, 0, 0]
let first: ExperimentRecord
let second: ExperimentRecord

beforeAll(async () => {
  ;({ client, close } = await inProcessClient(testConfig(tmp.dir)))
  first = await client.invoke('experiments.import', { name: 'tool A', scores: [0.9, 0.8, 0.3, 0.7, 0.2, 0.4, 0.1, 0.35], labels, ids, source: source('a'), resamples: 100 })
  second = await client.invoke('experiments.import', { name: 'tool B', scores: [0.6, 0.5, 0.55, 0.2, 0.3, 0.1, 0.45, 0.05], labels, ids, source: source('b'), resamples: 100 })
})
afterAll(async () => {
  await close()
  tmp.cleanup()
})

describe('experiments.import', () => {
  it('stores a finished experiment evaluated by the usual conventions, with its provenance', () => {
    expect(first.status).toBe('done')
    expect(first.spec.attack).toBe('imported')
    expect(first.spec.imported?.columns.id).toBe('sample_id')
    expect(first.spec.datasetHash).toBe(`sha256:${'a'.repeat(64)}`)
    // Closed form: the Mann–Whitney count of member > non-member pairs, 14 of 16.
    expect(first.results!.metrics!.auc).toBeCloseTo(14 / 16, 12)
  })

  it('pairs two imports by item id in compare, with Δ = A − B', async () => {
    const out = await client.invoke('experiments.compare', { ids: ['tool A', 'tool B'], resamples: 100 })
    expect(out.notes).toEqual([])
    expect(out.comparisons).toHaveLength(1)
    const c = out.comparisons[0]
    expect([c.a, c.b]).toEqual([first.id, second.id])
    expect(c.deltaAuc.delta).toBeCloseTo(first.results!.metrics!.auc - second.results!.metrics!.auc, 12)
  })

  it('cannot be run or resumed, and refuses ids that do not line up', async () => {
    await expect(client.invoke('experiments.run', { id: first.id })).rejects.toMatchObject({ code: 'unsupported' })
    await expect(client.invoke('experiments.import', { name: 'bad', scores: [1, 2, 3], labels: [1, 0, 1], ids: ['x', 'x', 'y'], source: source('c') })).rejects.toThrow(/not unique/)
  })
})

describe('experiment references', () => {
  it('finds an experiment by id, unique id prefix or exact name', async () => {
    for (const ref of [first.id, first.id.slice(0, 8), first.id.slice(0, 4), 'tool A']) {
      expect((await client.invoke('experiments.get', { id: ref })).record.id).toBe(first.id)
    }
    const table = await client.invoke('export.table', { ids: [first.id.slice(0, 8), 'tool B'], format: 'csv' })
    expect(table.data).toContain('tool A')
  })

  it('refuses short, unknown and ambiguous references with a sentence', async () => {
    await expect(client.invoke('experiments.get', { id: first.id.slice(0, 3) })).rejects.toThrow(/at least 4 characters/)
    await expect(client.invoke('experiments.get', { id: 'no such' })).rejects.toMatchObject({ code: 'not-found' })
    await client.invoke('experiments.import', { name: 'tool A', scores: [0.5, 0.4], labels: [1, 0], ids: null, source: source('d') })
    await expect(client.invoke('experiments.get', { id: 'tool A' })).rejects.toThrow(/"tool A" names 2 experiments/)
  })
})
