// Calls with an AbortSignal: aborting asks the engine to cancel the request (the contract cancels by request id).
import type { WorkbenchApi } from '../../../shared/contract/api'
import type { EventSink } from '../../../shared/contract/events'
import type { OperationName, OpInput, OpOutput } from '../../../shared/contract/operations'
import { useApi } from './transport'

/** Options of a cancellable call. */
export interface CallWithSignal {
  onEvent?: EventSink
  signal?: AbortSignal
}

let counter = 0
/** A request id unique in this renderer (crypto.randomUUID needs a secure context, which file:// may not be). */
export function newRequestId(): string {
  counter += 1
  const random = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : Math.random().toString(36).slice(2)
  return `r${counter}-${random}`
}

/** Invoke `op`; when `signal` fires, the engine is told to cancel and the promise rejects with code `cancelled`. */
export function invoke<K extends OperationName>(op: K, input: OpInput<K>, options: CallWithSignal = {}, api: WorkbenchApi = useApi()): Promise<OpOutput<K>> {
  const requestId = newRequestId()
  const { signal, onEvent } = options
  if (signal?.aborted) return Promise.reject({ code: 'cancelled', message: 'The operation was cancelled.' })
  const onAbort = (): void => api.cancel(requestId)
  signal?.addEventListener('abort', onAbort, { once: true })
  return api.invoke(op, input, { requestId, onEvent }).finally(() => signal?.removeEventListener('abort', onAbort))
}
