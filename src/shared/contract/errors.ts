// WorkbenchError: the one error value that crosses every transport (IPC, HTTP, CLI, worker ports).

/** Stable machine-readable error codes; the UI and CLI branch on these, never on message text. */
export const ERROR_CODES = [
  'invalid-input', // request failed schema validation or a parameter is out of range
  'not-found', // a model, dataset, experiment or file does not exist
  'bad-model', // ONNX / tokenizer / preprocessor files missing, unparsable or with wrong inputs
  'bad-dataset', // manifest malformed, paths escape, duplicate ids
  'bad-item', // one item (image or caption) cannot be used; runs skip it and report it
  'unsupported', // the operation cannot run on this input (e.g. AEA on embedding-only data)
  'inference-failed', // onnxruntime rejected a feed or failed during run
  'store-failed', // SQLite failure (disk full, read-only, locked past the retry budget)
  'cancelled', // the caller aborted the operation
  'forbidden', // browser mode: token, origin or path check failed
  'network', // a remote (the Hugging Face hub or a mirror) is unreachable or answered with an error
  'internal' // a bug: anything not anticipated above
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Plain-data form of an error, safe to serialise over any transport. */
export interface WorkbenchErrorData {
  code: ErrorCode
  message: string
  /** What the error is about: an item id, a file path, a model name. */
  item?: string
  /** What the user can do about it. */
  hint?: string
}

/** Error with a code, the item it concerns and a hint; engine code throws only these. */
export class WorkbenchError extends Error implements WorkbenchErrorData {
  readonly code: ErrorCode
  readonly item?: string
  readonly hint?: string

  constructor(data: WorkbenchErrorData, options?: { cause?: unknown }) {
    super(data.message, options)
    this.name = 'WorkbenchError'
    this.code = data.code
    if (data.item !== undefined) this.item = data.item
    if (data.hint !== undefined) this.hint = data.hint
  }

  /** The plain-data form, for transports. */
  toData(): WorkbenchErrorData {
    const out: WorkbenchErrorData = { code: this.code, message: this.message }
    if (this.item !== undefined) out.item = this.item
    if (this.hint !== undefined) out.hint = this.hint
    return out
  }
}

/** True for a WorkbenchError or its plain-data form. */
export function isWorkbenchErrorData(value: unknown): value is WorkbenchErrorData {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === 'string'
}

/** Normalise anything thrown into WorkbenchErrorData; unknown errors become `internal`. */
export function toErrorData(err: unknown): WorkbenchErrorData {
  if (err instanceof WorkbenchError) return err.toData()
  if (isWorkbenchErrorData(err)) return { ...err }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'The operation was cancelled.' }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'internal', message, hint: 'This is a bug in MIA Workbench; please report it with the steps that led here.' }
}

/** Throw a `cancelled` WorkbenchError if the signal has fired; long loops call this between batches. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WorkbenchError({ code: 'cancelled', message: 'The operation was cancelled.' })
}
