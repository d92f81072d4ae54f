// Experiments store: the saved list (search, rename, tags, delete), creating experiments, and the selection for Compare.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExperimentRecord, ExperimentSpecInput, ExperimentSummary } from '../../../shared/contract/experiments'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useCall } from '../composables/useCall'

export const useExperimentsStore = defineStore('experiments', () => {
  const experiments = ref<ExperimentSummary[]>([])
  const search = ref('')
  const error = ref<WorkbenchErrorData | null>(null)
  /** Ids ticked for Compare, in the order they were ticked (the first is the baseline of paired deltas). */
  const selection = ref<string[]>([])
  const list = useCall<OpOutput<'experiments.list'>>({ error })
  const edits = useCall<unknown>({ mode: 'each', error })
  const creating = useCall<ExperimentRecord[]>({ mode: 'each', error })

  async function load(): Promise<void> {
    const text = search.value.trim()
    const out = await list.run((signal) => invoke('experiments.list', text ? { search: text } : {}, { signal }))
    if (out) experiments.value = out.experiments
  }

  async function setSearch(text: string): Promise<void> {
    search.value = text
    await load()
  }

  function replace(row: ExperimentSummary): void {
    experiments.value = experiments.value.map((e) => (e.id === row.id ? row : e))
  }

  async function rename(id: string, name: string): Promise<boolean> {
    const row = (await edits.run(() => invoke('experiments.rename', { id, name }))) as ExperimentSummary | undefined
    if (row) replace(row)
    return row !== undefined
  }

  async function setTags(id: string, tags: string[]): Promise<boolean> {
    const row = (await edits.run(() => invoke('experiments.tag', { id, tags }))) as ExperimentSummary | undefined
    if (row) replace(row)
    return row !== undefined
  }

  async function remove(id: string): Promise<void> {
    if (!(await edits.run(() => invoke('experiments.delete', { id })))) return
    experiments.value = experiments.value.filter((e) => e.id !== id)
    selection.value = selection.value.filter((s) => s !== id)
  }

  /** Store each spec as a pending experiment; returns the records in order, or null (error set) if any failed. */
  async function create(specs: ExperimentSpecInput[]): Promise<ExperimentRecord[] | null> {
    const out = await creating.run(async () => {
      const records: ExperimentRecord[] = []
      for (const spec of specs) records.push(await invoke('experiments.create', { spec }))
      return records
    })
    return out ?? null
  }

  function toggleSelected(id: string): void {
    selection.value = selection.value.includes(id) ? selection.value.filter((s) => s !== id) : [...selection.value, id]
  }

  return { experiments, search, loading: list.loading, creating: creating.loading, error, selection, load, setSearch, rename, setTags, remove, create, toggleSelected }
})
