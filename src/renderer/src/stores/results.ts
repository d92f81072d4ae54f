// Results store: the ExperimentView of the experiment on screen (metrics, ROC, histogram, exposed items, slices).
import { defineStore } from 'pinia'
import type { ExperimentView, SliceFilter } from '../../../shared/contract/experiments'
import { invoke } from '../api/call'
import { useCall } from '../composables/useCall'

export const useResultsStore = defineStore('results', () => {
  // The call's result is shallow: ROC arrays can hold thousands of points, and nothing edits them in place.
  const call = useCall<ExperimentView>()

  /** Load experiment `id` with `top` items in each "most exposed" list (of `slice` only, when given). */
  async function load(id: string, top = 12, slice: SliceFilter | null = null): Promise<void> {
    if (call.result.value?.record.id !== id) call.result.value = null
    await call.run((signal) => invoke('experiments.get', slice ? { id, top, slice } : { id, top }, { signal }))
  }

  return { view: call.result, loading: call.loading, error: call.error, load }
})
