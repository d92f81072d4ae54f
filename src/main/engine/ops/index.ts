// The handler table: one function per contract operation, wired to the engine's services.
import type { EventSink } from '../../../shared/contract/events'
import type { OperationName, OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import type { EngineConfig } from '../config'
import { appInfo } from './app-info'
import { listModelsOp } from './models-list'

/** What a handler receives besides its validated input. */
export interface HandlerContext {
  signal?: AbortSignal
  emit: EventSink
}

/** A handler per operation, typed by the contract. */
export type Handlers = {
  [K in OperationName]: (input: OpParsedInput<K>, ctx: HandlerContext) => Promise<OpOutput<K>>
}

/** Build the handler table for one engine instance and a function releasing its resources. */
export function createHandlers(config: EngineConfig): { handlers: Handlers; dispose(): Promise<void> } {
  const handlers: Handlers = {
    'app.info': async () => appInfo(config),
    'models.list': async () => listModelsOp(config)
  }
  return { handlers, dispose: async () => undefined }
}
