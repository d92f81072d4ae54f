// Compare store: two or more experiments side by side, with paired comparisons and notes from the engine.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ProgressEvent } from '../../../shared/contract/events'
import type { OpOutput } from '../../../shared/contract/operations'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

export const useCompareStore = defineStore('compare', () => {
  const ids = ref<string[]>([])
  const result = shallowRef<OpOutput<'experiments.compare'> | null>(null)
  const loading = ref(false)
  const progress = ref<ProgressEvent | null>(null)
  const error = ref<WorkbenchErrorData | null>(null)
  let controller: AbortController | null = null

  /** Compare `next` (first = baseline); a newer request cancels an older one still bootstrapping. */
  async function load(next: string[]): Promise<void> {
    controller?.abort()
    ids.value = next
    result.value = null
    if (next.length < 2) return
    const mine = new AbortController()
    controller = mine
    loading.value = true
    progress.value = null
    try {
      const out = await invoke('experiments.compare', { ids: next }, { signal: mine.signal, onEvent: (e) => e.type === 'progress' && (progress.value = e) })
      if (controller !== mine) return
      result.value = out
      error.value = null
    } catch (err) {
      const data = toErrorData(err)
      if (controller === mine && data.code !== 'cancelled') error.value = data
    } finally {
      if (controller === mine) {
        loading.value = false
        controller = null
      }
    }
  }

  return { ids, result, loading, progress, error, load }
})
