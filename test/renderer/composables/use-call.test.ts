// useCall: stale replies are dropped in `latest` mode, every error lands in `each` mode, cancellation is silent.
import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { useCall } from '../../../src/renderer/src/composables/useCall'
import type { WorkbenchErrorData } from '../../../src/shared/contract/errors'

/** A promise settled from outside, aborted (rejecting `cancelled`) when its signal fires. */
function deferred<T>(signal: AbortSignal) {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  signal.addEventListener('abort', () => reject({ code: 'cancelled', message: 'The operation was cancelled.' }))
  return { promise, resolve, reject }
}

describe('useCall', () => {
  it('latest mode: an older reply arriving last never lands, and the older call is aborted', async () => {
    const call = useCall<string>()
    const pending: Array<ReturnType<typeof deferred<string>>> = []
    let firstSignal: AbortSignal | null = null
    const first = call.run((signal) => {
      firstSignal = signal
      pending.push(deferred<string>(new AbortController().signal))
      return pending[0].promise
    })
    const second = call.run((signal) => {
      pending.push(deferred<string>(signal))
      return pending[1].promise
    })
    expect(firstSignal!.aborted).toBe(true)
    pending[1].resolve('new')
    expect(await second).toBe('new')
    pending[0].resolve('old')
    expect(await first).toBeUndefined()
    expect(call.result.value).toBe('new')
    expect(call.loading.value).toBe(false)
  })

  it('latest mode: a stale failure does not overwrite the newest outcome; a cancelled call sets no error', async () => {
    const call = useCall<number>()
    let failOld!: (e: unknown) => void
    const old = call.run(() => new Promise<number>((_, rej) => (failOld = rej)))
    expect(await call.run(async () => 2)).toBe(2)
    failOld({ code: 'internal', message: 'late failure' })
    await old
    expect(call.error.value).toBeNull()
    const cancelled = call.run((signal) => deferred<number>(signal).promise)
    call.cancel()
    expect(await cancelled).toBeUndefined()
    expect(call.error.value).toBeNull()
    expect(call.result.value).toBe(2)
  })

  it('each mode: calls overlap, loading holds until the last ends, errors go to a shared slot and clear on success', async () => {
    const shared = ref<WorkbenchErrorData | null>(null)
    const call = useCall<number>({ mode: 'each', error: shared })
    let endA!: (v: number) => void
    const a = call.run(() => new Promise<number>((res) => (endA = res)))
    const b = call.run(async () => {
      throw { code: 'invalid-input', message: 'bad name' }
    })
    expect(await b).toBeUndefined()
    expect(shared.value?.message).toBe('bad name')
    expect(call.loading.value).toBe(true)
    endA(1)
    expect(await a).toBe(1)
    expect(call.loading.value).toBe(false)
    expect(shared.value).toBeNull()
  })

  it('a read sharing the error slot never clears an error another call put there (a failed import stays on screen)', async () => {
    const shared = ref<WorkbenchErrorData | null>(null)
    const write = useCall<number>({ mode: 'each', error: shared })
    const read = useCall<number>({ error: shared })
    await write.run(async () => {
      throw { code: 'bad-dataset', message: 'holds no items' }
    })
    await read.run(async () => 1)
    expect(shared.value?.message).toBe('holds no items')
    await read.run(async () => {
      throw { code: 'internal', message: 'read failed' }
    })
    expect(shared.value?.message).toBe('read failed')
    await read.run(async () => 2)
    expect(shared.value).toBeNull()
  })
})
