// Message envelopes between an engine host and its clients over any message port (worker, utility process, MessagePort).
import type { WorkbenchErrorData } from '../../shared/contract/errors'
import type { WorkbenchEvent } from '../../shared/contract/events'

/** Client → host: run `op` with `input`; `id` ties replies and events to this request. */
export interface RequestMessage {
  kind: 'request'
  id: string
  op: string
  input: unknown
}

/** Client → host: abort the request with this id. */
export interface CancelMessage {
  kind: 'cancel'
  id: string
}

/** Host → client: the final answer to a request. */
export type ResponseMessage = { kind: 'response'; id: string; ok: true; output: unknown } | { kind: 'response'; id: string; ok: false; error: WorkbenchErrorData }

/** Host → client: an event of a running request. */
export interface EventMessage {
  kind: 'event'
  id: string
  event: WorkbenchEvent
}

/** Host → client once, when the engine is ready to take requests. */
export interface ReadyMessage {
  kind: 'ready'
}

export type ClientMessage = RequestMessage | CancelMessage
export type HostMessage = ResponseMessage | EventMessage | ReadyMessage

/** The least a port must offer: Node's MessagePort, worker parentPort and Electron's ports all fit. */
export interface PortLike {
  postMessage(message: unknown): void
  on(event: 'message', listener: (message: unknown) => void): unknown
  off?(event: 'message', listener: (message: unknown) => void): unknown
}

/** Narrow an unknown message from a client. */
export function isClientMessage(value: unknown): value is ClientMessage {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  if (typeof m.id !== 'string') return false
  return (m.kind === 'request' && typeof m.op === 'string') || m.kind === 'cancel'
}

/** Narrow an unknown message from a host. */
export function isHostMessage(value: unknown): value is HostMessage {
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as Record<string, unknown>).kind
  return kind === 'response' || kind === 'event' || kind === 'ready'
}
