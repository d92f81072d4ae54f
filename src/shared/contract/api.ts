// WorkbenchApi: what window.workbench (Electron) and the HTTP client (browser mode) both implement.
import type { EventSink } from './events'
import type { OperationName, OpInput, OpOutput } from './operations'

/** Per-call options; `requestId` lets the caller cancel, `onEvent` receives progress and logs. */
export interface CallOptions {
  requestId?: string
  onEvent?: EventSink
}

/** The renderer's only door to the engine: one generic call plus cancellation. */
export interface WorkbenchApi {
  /** Run an operation; rejects with WorkbenchErrorData-shaped errors. */
  invoke<K extends OperationName>(op: K, input: OpInput<K>, options?: CallOptions): Promise<OpOutput<K>>
  /** Ask the engine to stop a running call; it then rejects with code `cancelled`. */
  cancel(requestId: string): void
}
