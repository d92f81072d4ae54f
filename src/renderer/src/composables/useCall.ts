// Call state for stores and composables: loading, error and the latest result of one kind of engine call (issue 15).
import { ref, shallowRef, toRaw, type Ref, type ShallowRef } from 'vue'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'

/** How overlapping calls behave. */
export interface CallOptions {
  /**
   * `latest` (reads): a newer call aborts the older one and only the newest outcome lands, so paging or typing
   * quickly never shows an older reply last. `each` (writes): every call runs to its end and reports its own error.
   */
  mode?: 'latest' | 'each'
  /** Share one error slot between several calls of a store (the screen shows one banner). */
  error?: Ref<WorkbenchErrorData | null>
}

/** The state of one kind of call. */
export interface CallState<T> {
  loading: Ref<boolean>
  error: Ref<WorkbenchErrorData | null>
  /** The value of the latest call that succeeded. */
  result: ShallowRef<T | null>
  /** Run `fn`; resolves to its value, or undefined when it failed (see `error`), was cancelled or was overtaken. */
  run(fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined>
  /** Abort the call in flight (a `latest` call: the newest one). */
  cancel(): void
}

/** Call state with stale replies dropped (mode `latest`, the default) or every call reported (mode `each`). */
export function useCall<T = unknown>(options: CallOptions = {}): CallState<T> {
  const mode = options.mode ?? 'latest'
  const loading = ref(false)
  const error = options.error ?? ref<WorkbenchErrorData | null>(null)
  const result = shallowRef<T | null>(null)
  const inFlight = new Set<AbortController>()
  let newest: AbortController | null = null
  /** The error this call state put in the (possibly shared) slot: only that one is its to clear. */
  let mine: WorkbenchErrorData | null = null

  async function run(fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    if (mode === 'latest') newest?.abort()
    const controller = new AbortController()
    newest = controller
    inFlight.add(controller)
    loading.value = true
    // A new read replaces the question, so its old answer's error no longer applies (no stale banners); an error
    // another call put in a shared slot (a failed import) stays.
    if (mode === 'latest' && mine !== null && toRaw(error.value) === mine) error.value = null
    const current = (): boolean => mode === 'each' || newest === controller
    try {
      const out = await fn(controller.signal)
      if (!current()) return undefined
      result.value = out
      if (options.error === undefined || toRaw(error.value) === mine) error.value = null
      mine = null
      return out
    } catch (err) {
      const data = toErrorData(err)
      if (current() && data.code !== 'cancelled') error.value = mine = data
      return undefined
    } finally {
      inFlight.delete(controller)
      if (newest === controller) newest = null
      loading.value = mode === 'each' ? inFlight.size > 0 : newest !== null
    }
  }

  return { loading, error, result, run, cancel: () => (mode === 'latest' ? newest?.abort() : inFlight.forEach((c) => c.abort())) }
}
