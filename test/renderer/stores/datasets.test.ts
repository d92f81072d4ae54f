// Datasets store: paging and filters reach datasets.items, validation reports progress and can be cancelled.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { PAGE_SIZE, useDatasetsStore } from '../../../src/renderer/src/stores/datasets'
import { deferred, installFakeApi } from '../fake-api'
import type { ValidationReport } from '../../../src/shared/contract/datasets'

const report: ValidationReport = {
  dataset: 'emoji-demo',
  counts: { total: 3, byRole: { target: { member: 1, nonmember: 1, unknown: 0 }, reference: { member: 0, nonmember: 1, unknown: 0 }, pool: { member: 0, nonmember: 0, unknown: 0 } } },
  usable: 3,
  errors: 0,
  warnings: 0,
  issues: [],
  truncated: false
}

describe('datasets store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('pages and filters items', async () => {
    const fake = installFakeApi()
    fake.on('datasets.items', () => ({ total: 100, items: [] }))
    const store = useDatasetsStore()
    await store.select('emoji-demo')
    await store.setPage(2)
    await store.setFilter({ membership: 'member', search: '  face ' })
    const inputs = fake.calls.map((c) => c.input as Record<string, unknown>)
    expect(inputs[1]).toMatchObject({ dataset: 'emoji-demo', offset: 2 * PAGE_SIZE, limit: PAGE_SIZE })
    expect(inputs[2]).toMatchObject({ offset: 0, membership: 'member', search: 'face' })
    expect(store.total).toBe(100)
  })

  it('validates with progress, and a cancelled validation leaves no error', async () => {
    const fake = installFakeApi()
    fake.on('datasets.items', () => ({ total: 0, items: [] }))
    fake.on('datasets.validate', (_input, { onEvent }) => {
      onEvent?.({ type: 'progress', phase: 'validating', done: 3, total: 3 })
      return report
    })
    const store = useDatasetsStore()
    await store.select('emoji-demo')
    await store.validate()
    expect(store.report?.usable).toBe(3)
    expect(store.validateProgress?.done).toBe(3)

    const hold = deferred<ValidationReport>()
    fake.on('datasets.validate', () => hold.promise)
    const pending = store.validate()
    expect(store.validating).toBe(true)
    store.cancelValidate()
    expect(fake.cancelled).toHaveLength(1)
    hold.reject({ code: 'cancelled', message: 'cancelled' })
    await pending
    expect(store.validating).toBe(false)
    expect(store.error).toBeNull()
  })
})
