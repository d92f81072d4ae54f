// Results store: the ExperimentView of the experiment on screen (metrics, ROC, histogram, exposed items, slices).
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ExperimentView } from '../../../shared/contract/experiments'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

export const useResultsStore = defineStore('results', () => {
  // Shallow: ROC arrays can hold thousands of points, and nothing edits them in place.
  const view = shallowRef<ExperimentView | null>(null)
  const loading = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  let ticket = 0

  async function load(id: string): Promise<void> {
    const mine = ++ticket
    loading.value = true
    if (view.value?.record.id !== id) view.value = null
    try {
      const out = await invoke('experiments.get', { id })
      if (mine !== ticket) return
      view.value = out
      error.value = null
    } catch (err) {
      if (mine === ticket) error.value = toErrorData(err)
    } finally {
      if (mine === ticket) loading.value = false
    }
  }

  return { view, loading, error, load }
})
