// Compare store: two or more experiments side by side, with paired comparisons and notes from the engine.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ProgressEvent } from '../../../shared/contract/events'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useLatestCall } from '../composables/useLatestCall'

export const useCompareStore = defineStore('compare', () => {
  const ids = ref<string[]>([])
  const result = shallowRef<OpOutput<'experiments.compare'> | null>(null)
  const progress = ref<ProgressEvent | null>(null)
  const call = useLatestCall()

  /** Compare `next` (first = baseline); a newer request cancels an older one still bootstrapping. */
  async function load(next: string[]): Promise<void> {
    call.cancel()
    ids.value = next
    result.value = null
    if (next.length < 2) return
    progress.value = null
    const out = await call.run((signal) => invoke('experiments.compare', { ids: next }, { signal, onEvent: (e) => e.type === 'progress' && (progress.value = e) }))
    if (out) result.value = out
  }

  return { ids, result, loading: call.loading, progress, error: call.error, load }
})
