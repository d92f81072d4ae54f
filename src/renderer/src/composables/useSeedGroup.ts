// The multi-seed run an experiment belongs to (issue 20): its finished siblings that carry the same `seeds:` tag (the
// form and `mia run --seeds` add it) and differ from it only in the seed, so a result links to the summary over seeds.
import { ref, watch, type Ref } from 'vue'
import type { ExperimentRecord, ExperimentSummary } from '../../../shared/contract/experiments'
import { invoke } from '../api/call'

/** The spec of a list row or record without what a multi-seed run varies (name and seed). */
function keyOf(e: Pick<ExperimentSummary, 'attack' | 'modelFingerprint' | 'datasetHash' | 'params'>): string {
  return JSON.stringify([e.attack, e.modelFingerprint, e.datasetHash, { ...e.params, seed: 0 }])
}

/** Ids of the finished runs of `record`'s multi-seed run (itself included, in seed order); empty when it is not one. */
export function useSeedGroup(record: Ref<ExperimentRecord | null>): Ref<string[]> {
  const ids = ref<string[]>([])
  watch(
    record,
    async (r) => {
      ids.value = []
      const tag = r?.tags.find((t) => t.startsWith('seeds:'))
      if (!r || !tag) return
      try {
        const { experiments } = await invoke('experiments.list', { search: tag, status: 'done' })
        const own = keyOf({ attack: r.spec.attack, modelFingerprint: r.spec.modelFingerprint, datasetHash: r.spec.datasetHash, params: r.spec.params })
        const group = experiments.filter((e) => e.tags.includes(tag) && keyOf(e) === own).sort((a, b) => a.params.seed - b.params.seed)
        if (group.length >= 2 && new Set(group.map((e) => e.params.seed)).size === group.length && record.value?.id === r.id) ids.value = group.map((e) => e.id)
      } catch {
        // Only a convenience link: without the list, the result itself is unaffected.
      }
    },
    { immediate: true }
  )
  return ids
}
