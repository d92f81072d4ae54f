// Port listener: takes request/cancel messages, dispatches to the engine, replies and streams events.
import { toErrorData } from '../../shared/contract/errors'
import type { Engine } from '../engine'
import { isClientMessage, type HostMessage, type PortLike } from './protocol'

/** Serve `engine` on `port` until the port closes; one AbortController per in-flight request. */
export function serveEngine(engine: Engine, port: PortLike): { close(): void } {
  const running = new Map<string, AbortController>()
  const send = (message: HostMessage): void => port.postMessage(message)

  const listener = (raw: unknown): void => {
    // Electron's utility parentPort delivers { data }, Node ports deliver the value itself.
    const message = typeof raw === 'object' && raw !== null && 'data' in raw && !('kind' in raw) ? (raw as { data: unknown }).data : raw
    if (!isClientMessage(message)) return
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort()
      return
    }
    const controller = new AbortController()
    running.set(message.id, controller)
    engine
      .call(message.op, message.input, {
        signal: controller.signal,
        onEvent: (event) => send({ kind: 'event', id: message.id, event })
      })
      .then(
        (output) => send({ kind: 'response', id: message.id, ok: true, output }),
        (err: unknown) => send({ kind: 'response', id: message.id, ok: false, error: toErrorData(err) })
      )
      .finally(() => running.delete(message.id))
  }
  port.on('message', listener)
  send({ kind: 'ready' })
  return {
    close() {
      for (const c of running.values()) c.abort()
      port.off?.('message', listener)
    }
  }
}
