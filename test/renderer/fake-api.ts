// A scripted WorkbenchApi for store and component tests: handlers per operation, recorded calls and cancellations.
import type { CallOptions, WorkbenchApi } from '../../src/shared/contract/api'
import type { OperationName, OpInput, OpOutput } from '../../src/shared/contract/operations'
import { setApi } from '../../src/renderer/src/api/transport'

/** A handler answers one operation; it may emit events and watch for cancellation. */
export type FakeHandler<K extends OperationName> = (input: OpInput<K>, options: CallOptions & { cancelled: () => boolean }) => Promise<OpOutput<K>> | OpOutput<K>

/** The fake, its call log and cancelled request ids. */
export interface FakeApi {
  api: WorkbenchApi
  calls: Array<{ op: OperationName; input: unknown }>
  cancelled: string[]
  on<K extends OperationName>(op: K, handler: FakeHandler<K>): void
}

/** Install a fake API as the renderer's transport. */
export function installFakeApi(): FakeApi {
  const handlers = new Map<OperationName, FakeHandler<OperationName>>()
  const calls: FakeApi['calls'] = []
  const cancelled: string[] = []
  const api: WorkbenchApi = {
    invoke: (async (op: OperationName, input: unknown, options: CallOptions = {}) => {
      calls.push({ op, input })
      const handler = handlers.get(op)
      if (!handler) throw { code: 'not-found', message: `Unknown operation ${op}` }
      const id = options.requestId ?? ''
      return handler(input as never, { ...options, cancelled: () => cancelled.includes(id) })
    }) as WorkbenchApi['invoke'],
    cancel: (requestId) => void cancelled.push(requestId)
  }
  setApi(api)
  return {
    api,
    calls,
    cancelled,
    on: (op, handler) => void handlers.set(op, handler as unknown as FakeHandler<OperationName>)
  }
}

/** A promise with its resolve/reject exposed (to hold an operation open). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
