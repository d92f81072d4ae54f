// Run store: follows the engine's runs (replayed and live events), progress per phase in run order, skipped items,
// Cancel through experiments.cancel only, failures from the stored record (issue 21: runs belong to the engine).
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useRunStore } from '../../../src/renderer/src/stores/run'
import { deferred, installFakeApi } from '../fake-api'
import { sampleRecord } from '../fixtures'

describe('run store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('starts in the engine, then follows: latest progress per phase in run order, skipped items, log', async () => {
    const fake = installFakeApi()
    fake.on('experiments.start', () => ({ started: true }))
    fake.on('experiments.follow', (_input, { onEvent }) => {
      onEvent?.({ type: 'progress', phase: 'scoring', done: 1, total: 2 })
      onEvent?.({ type: 'progress', phase: 'embedding', done: 5, total: 10, rate: 2.5, etaSeconds: 2 })
      onEvent?.({ type: 'progress', phase: 'embedding', done: 10, total: 10 })
      onEvent?.({ type: 'item-skipped', itemId: 'x', code: 'bad-item', message: 'cannot decode' })
      onEvent?.({ type: 'log', level: 'info', message: 'provider cpu' })
      return { record: sampleRecord('e1'), followed: true }
    })
    const store = useRunStore()
    const run = await store.start('e1')
    expect(fake.calls.map((c) => c.op)).toEqual(['experiments.start', 'experiments.follow'])
    expect(run.status).toBe('done')
    expect(store.phasesOf('e1').map((p) => [p.phase, p.done])).toEqual([
      ['embedding', 10],
      ['scoring', 1]
    ])
    expect(run.skipped).toEqual([{ type: 'item-skipped', itemId: 'x', code: 'bad-item', message: 'cannot decode' }])
    expect(run.skippedCount).toBe(1)
    expect(run.log).toHaveLength(1)
    expect(run.record?.id).toBe('e1')
  })

  it('Cancel asks the engine to cancel the run (not the request); one follower per run', async () => {
    const fake = installFakeApi()
    const hold = deferred<{ record: ReturnType<typeof sampleRecord>; followed: boolean }>()
    fake.on('experiments.follow', () => hold.promise)
    fake.on('experiments.cancel', () => ({ cancelled: true }))
    const store = useRunStore()
    const done = store.follow('e2')
    void store.follow('e2')
    expect(fake.calls.filter((c) => c.op === 'experiments.follow')).toHaveLength(1)
    expect(store.runs.e2.status).toBe('running')
    await store.cancel('e2')
    expect(fake.calls.at(-1)).toEqual({ op: 'experiments.cancel', input: { id: 'e2' } })
    expect(fake.cancelled).toEqual([])
    hold.resolve({ record: { ...sampleRecord('e2'), status: 'cancelled', results: null }, followed: true })
    expect((await done).status).toBe('cancelled')
  })

  it('smooths the ETA between progress events of a phase (70% last shown, 30% new)', async () => {
    const fake = installFakeApi()
    fake.on('experiments.follow', (_input, { onEvent }) => {
      onEvent?.({ type: 'progress', phase: 'embedding', done: 1, total: 10, etaSeconds: 10 })
      onEvent?.({ type: 'progress', phase: 'embedding', done: 2, total: 10, etaSeconds: 20 })
      return { record: { ...sampleRecord('e4'), status: 'running' as const }, followed: true }
    })
    const store = useRunStore()
    await store.follow('e4')
    expect(store.phasesOf('e4')[0].etaSeconds).toBeCloseTo(13, 10)
  })

  it('a failed run shows the stored error; a run stored as running that no engine runs is interrupted', async () => {
    const fake = installFakeApi()
    fake.on('experiments.follow', ({ id }) =>
      id === 'bad'
        ? { record: { ...sampleRecord('bad'), status: 'failed' as const, results: null, error: { code: 'inference-failed', message: 'ORT failed', hint: 'Try CPU.' } }, followed: false }
        : { record: { ...sampleRecord('old'), status: 'running' as const, results: null }, followed: false }
    )
    const store = useRunStore()
    const bad = await store.follow('bad')
    expect(bad.status).toBe('failed')
    expect(bad.error).toEqual({ code: 'inference-failed', message: 'ORT failed', hint: 'Try CPU.' })
    expect((await store.follow('old')).status).toBe('interrupted')
  })
})
