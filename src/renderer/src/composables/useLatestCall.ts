// One call in flight at a time: a newer call aborts the older one, and only the newest call's outcome lands.
import { ref } from 'vue'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'

/** `run(fn)` resolves to fn's value, or undefined when it failed (see `error`), was cancelled or was overtaken. */
export function useLatestCall() {
  const loading = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  let controller: AbortController | null = null

  async function run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    try {
      const out = await fn(mine.signal)
      if (controller !== mine) return undefined
      error.value = null
      return out
    } catch (err) {
      const data = toErrorData(err)
      if (controller === mine && data.code !== 'cancelled') error.value = data
      return undefined
    } finally {
      if (controller === mine) {
        loading.value = false
        controller = null
      }
    }
  }

  return { loading, error, run, cancel: () => controller?.abort() }
}
