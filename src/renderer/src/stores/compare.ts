// Compare store: two or more experiments side by side, with paired comparisons and notes from the engine.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProgressEvent } from '../../../shared/contract/events'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useCall } from '../composables/useCall'

export const useCompareStore = defineStore('compare', () => {
  const ids = ref<string[]>([])
  const progress = ref<ProgressEvent | null>(null)
  const call = useCall<OpOutput<'experiments.compare'>>()

  /** Compare `next` (first = baseline); a newer request cancels an older one still bootstrapping. */
  async function load(next: string[]): Promise<void> {
    call.cancel()
    ids.value = next
    call.result.value = null
    if (next.length < 2) return
    progress.value = null
    await call.run((signal) => invoke('experiments.compare', { ids: next }, { signal, onEvent: (e) => e.type === 'progress' && (progress.value = e) }))
  }

  return { ids, result: call.result, loading: call.loading, progress, error: call.error, load }
})
