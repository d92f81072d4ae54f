// Run screen logic: attach follows every experiment; runAll starts the unfinished ones (the engine queues them).
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ref } from 'vue'
import { useRun } from '../../../src/renderer/src/composables/useRun'
import { installFakeApi } from '../fake-api'
import { sampleRecord } from '../fixtures'

describe('useRun', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('attach shows stored states (interrupted and cancelled are resumable); runAll starts only unfinished ones', async () => {
    const fake = installFakeApi()
    const stored: Record<string, 'running' | 'done' | 'cancelled'> = { a: 'running', b: 'done', c: 'cancelled' }
    fake.on('experiments.follow', ({ id }) => ({ record: { ...sampleRecord(id), status: stored[id] }, followed: false }))
    const started: string[] = []
    fake.on('experiments.start', ({ id }) => {
      started.push(id)
      stored[id] = 'done'
      return { started: true }
    })
    const run = useRun(ref(['a', 'b', 'c']))
    run.attach()
    await new Promise((r) => setTimeout(r, 0))
    expect(run.rows.value.map((r) => [r.id, r.status, r.resumable])).toEqual([
      ['a', 'interrupted', true],
      ['b', 'done', false],
      ['c', 'cancelled', true]
    ])
    await run.runAll()
    expect(started).toEqual(['a', 'c'])
    expect(run.allDone.value).toBe(true)
    expect(run.rows.value.every((r) => !r.resumable)).toBe(true)
  })
})
