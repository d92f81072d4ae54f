// EngineClient: the typed caller side of the host protocol, over any port (Node, Electron preload).
import type { CallOptions, WorkbenchApi } from '../../shared/contract/api'
import { WorkbenchError } from '../../shared/contract/errors'
import type { EventSink } from '../../shared/contract/events'
import type { OperationName, OpInput, OpOutput } from '../../shared/contract/operations'
import { isHostMessage, type PortLike } from './protocol'

interface Pending {
  resolve(value: unknown): void
  reject(err: unknown): void
  onEvent?: EventSink
}

/** Client options: an AbortSignal cancels the call on the host side too. */
export interface ClientCallOptions extends CallOptions {
  signal?: AbortSignal
}

/** A WorkbenchApi over a port, plus `ready` (resolves when the host announced itself). */
export interface EngineClient extends WorkbenchApi {
  ready: Promise<void>
  invoke<K extends OperationName>(op: K, input: OpInput<K>, options?: ClientCallOptions): Promise<OpOutput<K>>
  /** Reject every pending call (the host died); `reason` says why. */
  failAll(reason: string): void
}

/** Create a client speaking the host protocol over `port`. */
export function createEngineClient(port: PortLike): EngineClient {
  const pending = new Map<string, Pending>()
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  port.on('message', (raw: unknown) => {
    const message = typeof raw === 'object' && raw !== null && 'data' in raw && !('kind' in raw) ? (raw as { data: unknown }).data : raw
    if (!isHostMessage(message)) return
    if (message.kind === 'ready') return markReady()
    const entry = pending.get(message.id)
    if (!entry) return
    if (message.kind === 'event') return entry.onEvent?.(message.event)
    pending.delete(message.id)
    if (message.ok) entry.resolve(message.output)
    else entry.reject(new WorkbenchError(message.error))
  })

  const cancel = (requestId: string): void => port.postMessage({ kind: 'cancel', id: requestId })

  return {
    ready,
    cancel,
    invoke(op, input, options = {}) {
      const id = options.requestId ?? globalThis.crypto.randomUUID()
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent: options.onEvent })
        if (options.signal) {
          if (options.signal.aborted) cancel(id)
          else options.signal.addEventListener('abort', () => cancel(id), { once: true })
        }
        port.postMessage({ kind: 'request', id, op, input })
      })
    },
    failAll(reason) {
      for (const [id, entry] of pending) {
        pending.delete(id)
        entry.reject(new WorkbenchError({ code: 'internal', message: reason, hint: 'The engine process stopped; restart the operation.' }))
      }
    }
  }
}
