// Experiments store: the saved list (search, rename, tags, delete), creating experiments, and the selection for Compare.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ExperimentRecord, ExperimentSpecInput, ExperimentSummary } from '../../../shared/contract/experiments'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

export const useExperimentsStore = defineStore('experiments', () => {
  const experiments = ref<ExperimentSummary[]>([])
  const search = ref('')
  const loading = ref(false)
  const creating = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  /** Ids ticked for Compare, in the order they were ticked (the first is the baseline of paired deltas). */
  const selection = ref<string[]>([])
  let ticket = 0

  async function load(): Promise<void> {
    const mine = ++ticket
    loading.value = true
    try {
      const out = await invoke('experiments.list', search.value.trim() ? { search: search.value.trim() } : {})
      if (mine !== ticket) return
      experiments.value = out.experiments
      error.value = null
    } catch (err) {
      if (mine === ticket) error.value = toErrorData(err)
    } finally {
      if (mine === ticket) loading.value = false
    }
  }

  async function setSearch(text: string): Promise<void> {
    search.value = text
    await load()
  }

  function replace(row: ExperimentSummary): void {
    experiments.value = experiments.value.map((e) => (e.id === row.id ? row : e))
  }

  async function rename(id: string, name: string): Promise<boolean> {
    try {
      replace(await invoke('experiments.rename', { id, name }))
      error.value = null
      return true
    } catch (err) {
      error.value = toErrorData(err)
      return false
    }
  }

  async function setTags(id: string, tags: string[]): Promise<boolean> {
    try {
      replace(await invoke('experiments.tag', { id, tags }))
      error.value = null
      return true
    } catch (err) {
      error.value = toErrorData(err)
      return false
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await invoke('experiments.delete', { id })
      experiments.value = experiments.value.filter((e) => e.id !== id)
      selection.value = selection.value.filter((s) => s !== id)
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  /** Store each spec as a pending experiment; returns the records in order, or null (error set) if any failed. */
  async function create(specs: ExperimentSpecInput[]): Promise<ExperimentRecord[] | null> {
    creating.value = true
    try {
      const records: ExperimentRecord[] = []
      for (const spec of specs) records.push(await invoke('experiments.create', { spec }))
      error.value = null
      return records
    } catch (err) {
      error.value = toErrorData(err)
      return null
    } finally {
      creating.value = false
    }
  }

  function toggleSelected(id: string): void {
    selection.value = selection.value.includes(id) ? selection.value.filter((s) => s !== id) : [...selection.value, id]
  }

  return { experiments, search, loading, creating, error, selection, load, setSearch, rename, setTags, remove, create, toggleSelected }
})
