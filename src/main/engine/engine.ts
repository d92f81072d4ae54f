// createEngine: the object implementing every contract operation; transports only validate and forward.
import { WorkbenchError, toErrorData } from '../../shared/contract/errors'
import { throttleProgress, type EventSink } from '../../shared/contract/events'
import { isOperationName, operations, type OperationName, type OpInput, type OpOutput } from '../../shared/contract/operations'
import type { EngineConfig } from './config'
import { createHandlers, type Handlers } from './ops'

/** Per-call context: cancellation and an event sink. */
export interface CallContext {
  signal?: AbortSignal
  onEvent?: EventSink
}

/** The engine: one validated entry point for all operations. */
export interface Engine {
  /** Untyped entry for transports: validates `input` against the operation's schema. */
  call(op: string, input: unknown, ctx?: CallContext): Promise<unknown>
  /** Typed entry for in-process callers (tests, CLI helpers). */
  invoke<K extends OperationName>(op: K, input: OpInput<K>, ctx?: CallContext): Promise<OpOutput<K>>
  /** Release sessions and close the workspace database. */
  dispose(): Promise<void>
}

/** Build an engine for the given paths; nothing heavy happens until an operation needs it. */
export function createEngine(config: EngineConfig): Engine {
  const { handlers, dispose } = createHandlers(config)

  async function call(op: string, input: unknown, ctx: CallContext = {}): Promise<unknown> {
    if (!isOperationName(op)) {
      throw new WorkbenchError({ code: 'invalid-input', message: `Unknown operation "${op}".`, hint: 'Update the client and engine together.' })
    }
    const def = operations[op]
    const parsed = def.input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')
      throw new WorkbenchError({ code: 'invalid-input', message: `Invalid input for ${op}: ${issues}`, item: op })
    }
    const emit = throttleProgress(ctx.onEvent ?? (() => undefined))
    const handler = handlers[op] as (input: unknown, c: { signal?: AbortSignal; emit: EventSink }) => Promise<unknown>
    try {
      const output = await handler(parsed.data, { signal: ctx.signal, emit })
      if (config.checkOutputs) def.output.parse(output)
      return output
    } catch (err) {
      throw err instanceof WorkbenchError ? err : new WorkbenchError(toErrorData(err), { cause: err })
    }
  }

  return {
    call,
    invoke: (op, input, ctx) => call(op, input, ctx) as Promise<OpOutput<typeof op>>,
    dispose
  }
}

export type { Handlers }
