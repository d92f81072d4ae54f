// Run screen logic: stored status after a restart offers resume; runAll runs unfinished experiments one after another.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ref } from 'vue'
import { useRun } from '../../../src/renderer/src/composables/useRun'
import { installFakeApi } from '../fake-api'
import { sampleRecord, sampleView } from '../fixtures'

describe('useRun', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('an experiment left running by a restart is resumable; done ones are not re-run', async () => {
    const fake = installFakeApi()
    const stored = { a: 'running', b: 'done', c: 'cancelled' } as const
    fake.on('experiments.get', ({ id }) => {
      const view = sampleView(id)
      return { ...view, record: { ...view.record, status: stored[id as keyof typeof stored], results: null } }
    })
    const order: string[] = []
    fake.on('experiments.run', ({ id }) => {
      order.push(id)
      return sampleRecord(id)
    })
    const run = useRun(ref(['a', 'b', 'c']))
    await run.refresh()
    expect(run.rows.value.map((r) => [r.id, r.status, r.resumable])).toEqual([
      ['a', 'running', true],
      ['b', 'done', false],
      ['c', 'cancelled', true]
    ])
    await run.runAll()
    expect(order).toEqual(['a', 'c'])
    expect(run.allDone.value).toBe(true)
    expect(run.rows.value.every((r) => !r.resumable)).toBe(true)
  })

  it('stops the queue when a run is cancelled', async () => {
    const fake = installFakeApi()
    fake.on('experiments.get', ({ id }) => {
      const view = sampleView(id)
      return { ...view, record: { ...view.record, status: 'pending' as const, results: null } }
    })
    const order: string[] = []
    fake.on('experiments.run', ({ id }) => {
      order.push(id)
      throw { code: 'cancelled', message: 'The operation was cancelled.' }
    })
    const run = useRun(ref(['a', 'b']))
    await run.refresh()
    await run.runAll()
    expect(order).toEqual(['a'])
    expect(run.rows.value.map((r) => r.status)).toEqual(['cancelled', 'pending'])
  })
})
