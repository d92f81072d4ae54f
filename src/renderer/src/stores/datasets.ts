// Datasets store: the dataset list, import, validation with progress, and the paged item grid of the selected dataset.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DatasetSummary, ItemCard, ValidationReport } from '../../../shared/contract/datasets'
import type { ProgressEvent } from '../../../shared/contract/events'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

/** Filters of the item grid. */
export interface ItemFilter {
  role?: 'target' | 'reference' | 'pool'
  membership?: 'member' | 'nonmember' | 'unknown'
  search?: string
}

export const PAGE_SIZE = 24

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetSummary[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  const selected = ref<string | null>(null)
  const adding = ref(false)
  const addProgress = ref<ProgressEvent | null>(null)

  const report = shallowRef<ValidationReport | null>(null)
  const validating = ref(false)
  const validateProgress = ref<ProgressEvent | null>(null)
  let validateAbort: AbortController | null = null

  const items = shallowRef<ItemCard[]>([])
  const total = ref(0)
  const page = ref(0)
  const filter = ref<ItemFilter>({})
  const itemsLoading = ref(false)
  let itemsTicket = 0

  async function load(): Promise<void> {
    loading.value = true
    try {
      datasets.value = (await invoke('datasets.list', {})).datasets
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    } finally {
      loading.value = false
    }
  }

  async function ensure(): Promise<void> {
    if (!loaded.value && !loading.value) await load()
  }

  /** Import a manifest or image folder; selects it on success. */
  async function add(path: string): Promise<DatasetSummary | null> {
    adding.value = true
    addProgress.value = null
    try {
      const out = await invoke('datasets.add', { path }, { onEvent: (e) => e.type === 'progress' && (addProgress.value = e) })
      error.value = null
      await load()
      await select(out.path)
      return out
    } catch (err) {
      error.value = toErrorData(err)
      return null
    } finally {
      adding.value = false
    }
  }

  async function remove(path: string): Promise<void> {
    try {
      await invoke('datasets.remove', { path })
      if (selected.value === path) selected.value = null
      await load()
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  /** Show one dataset: clears its report and loads the first page of items. */
  async function select(path: string | null): Promise<void> {
    if (selected.value !== path) {
      validateAbort?.abort()
      report.value = null
      filter.value = {}
    }
    selected.value = path
    page.value = 0
    if (path) await loadItems()
  }

  async function loadItems(): Promise<void> {
    const dataset = selected.value
    if (!dataset) return
    // A later request wins: paging quickly must not show an older page last.
    const ticket = ++itemsTicket
    itemsLoading.value = true
    try {
      const out = await invoke('datasets.items', { dataset, offset: page.value * PAGE_SIZE, limit: PAGE_SIZE, thumbnailSize: 96, ...cleanFilter(filter.value) })
      if (ticket !== itemsTicket) return
      items.value = out.items
      total.value = out.total
      error.value = null
    } catch (err) {
      if (ticket === itemsTicket) error.value = toErrorData(err)
    } finally {
      if (ticket === itemsTicket) itemsLoading.value = false
    }
  }

  async function setPage(next: number): Promise<void> {
    page.value = Math.max(0, next)
    await loadItems()
  }

  async function setFilter(next: ItemFilter): Promise<void> {
    filter.value = next
    page.value = 0
    await loadItems()
  }

  /** Validate the selected dataset with progress; a second call cancels the first. */
  async function validate(): Promise<void> {
    const dataset = selected.value
    if (!dataset) return
    validateAbort?.abort()
    const controller = new AbortController()
    validateAbort = controller
    validating.value = true
    validateProgress.value = null
    try {
      report.value = await invoke('datasets.validate', { dataset }, { signal: controller.signal, onEvent: (e) => e.type === 'progress' && (validateProgress.value = e) })
      error.value = null
    } catch (err) {
      const data = toErrorData(err)
      if (data.code !== 'cancelled') error.value = data
    } finally {
      if (validateAbort === controller) {
        validating.value = false
        validateAbort = null
      }
    }
  }

  function cancelValidate(): void {
    validateAbort?.abort()
  }

  return {
    datasets, loading, loaded, error, selected, adding, addProgress, report, validating, validateProgress,
    items, total, page, filter, itemsLoading,
    load, ensure, add, remove, select, loadItems, setPage, setFilter, validate, cancelValidate
  }
})

function cleanFilter(f: ItemFilter): ItemFilter {
  const out: ItemFilter = {}
  if (f.role) out.role = f.role
  if (f.membership) out.membership = f.membership
  if (f.search?.trim()) out.search = f.search.trim()
  return out
}
