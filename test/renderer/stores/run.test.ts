// Run store: progress per phase in run order, skipped items, cancel through the request id, failures kept as data.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useRunStore } from '../../../src/renderer/src/stores/run'
import { deferred, installFakeApi } from '../fake-api'
import { sampleRecord } from '../fixtures'

describe('run store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('keeps the latest progress per phase in run order, and skipped items', async () => {
    const fake = installFakeApi()
    fake.on('experiments.run', (_input, { onEvent }) => {
      onEvent?.({ type: 'progress', phase: 'scoring', done: 1, total: 2 })
      onEvent?.({ type: 'progress', phase: 'embedding', done: 5, total: 10, rate: 2.5, etaSeconds: 2 })
      onEvent?.({ type: 'progress', phase: 'embedding', done: 10, total: 10 })
      onEvent?.({ type: 'item-skipped', itemId: 'x', code: 'bad-item', message: 'cannot decode' })
      onEvent?.({ type: 'log', level: 'info', message: 'provider cpu' })
      return sampleRecord('e1')
    })
    const store = useRunStore()
    const run = await store.start('e1')
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

  it('cancel asks the engine to cancel the request and ends as cancelled', async () => {
    const fake = installFakeApi()
    const hold = deferred<never>()
    let requestId = ''
    fake.on('experiments.run', (_input, options) => {
      requestId = options.requestId ?? ''
      return hold.promise
    })
    const store = useRunStore()
    const done = store.start('e2')
    expect(store.runs.e2.status).toBe('running')
    // A second start while running is the same run, not a second request.
    void store.start('e2')
    expect(fake.calls.filter((c) => c.op === 'experiments.run')).toHaveLength(1)
    store.cancel('e2')
    expect(fake.cancelled).toEqual([requestId])
    hold.reject({ code: 'cancelled', message: 'The operation was cancelled.' })
    const run = await done
    expect(run.status).toBe('cancelled')
  })

  it('a failure is stored with its code and hint; starting again resumes', async () => {
    const fake = installFakeApi()
    let attempts = 0
    fake.on('experiments.run', () => {
      attempts += 1
      if (attempts === 1) throw { code: 'inference-failed', message: 'ORT failed', hint: 'Try CPU.' }
      return sampleRecord('e3')
    })
    const store = useRunStore()
    const first = await store.start('e3')
    expect(first.status).toBe('failed')
    expect(first.error).toEqual({ code: 'inference-failed', message: 'ORT failed', hint: 'Try CPU.' })
    const second = await store.start('e3')
    expect(second.status).toBe('done')
    expect(attempts).toBe(2)
  })
})
