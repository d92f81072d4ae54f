// Datasets store: the dataset list, import, validation with progress, and the paged item grid of the selected dataset.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DatasetSummary, ItemCard, ValidationReport } from '../../../shared/contract/datasets'
import type { ProgressEvent } from '../../../shared/contract/events'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import type { OpInput, OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useCall } from '../composables/useCall'

/** Filters of the item grid. */
export type ItemFilter = Pick<OpInput<'datasets.items'>, 'role' | 'membership' | 'search'>

export const PAGE_SIZE = 24

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetSummary[]>([])
  const loaded = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  const selected = ref<string | null>(null)
  const addProgress = ref<ProgressEvent | null>(null)
  const report = shallowRef<ValidationReport | null>(null)
  const validateProgress = ref<ProgressEvent | null>(null)
  const items = shallowRef<ItemCard[]>([])
  const total = ref(0)
  const page = ref(0)
  const filter = ref<ItemFilter>({})

  const list = useCall<OpOutput<'datasets.list'>>({ error })
  const adding = useCall<DatasetSummary>({ mode: 'each', error })
  const removing = useCall<unknown>({ mode: 'each', error })
  // A later request wins: paging quickly must not show an older page last; a second validation cancels the first.
  const itemsCall = useCall<OpOutput<'datasets.items'>>({ error })
  const validation = useCall<ValidationReport>({ error })

  async function load(): Promise<void> {
    const out = await list.run((signal) => invoke('datasets.list', {}, { signal }))
    if (!out) return
    datasets.value = out.datasets
    loaded.value = true
  }

  async function ensure(): Promise<void> {
    if (!loaded.value && !list.loading.value) await load()
  }

  /** Import a manifest or image folder; selects it on success. */
  async function add(path: string): Promise<DatasetSummary | null> {
    addProgress.value = null
    const out = await adding.run((signal) => invoke('datasets.add', { path }, { signal, onEvent: (e) => e.type === 'progress' && (addProgress.value = e) }))
    if (!out) return null
    await load()
    await select(out.path)
    return out
  }

  async function remove(path: string): Promise<void> {
    if (!(await removing.run(() => invoke('datasets.remove', { path })))) return
    if (selected.value === path) selected.value = null
    await load()
  }

  /** Show one dataset: clears its report and loads the first page of items. */
  async function select(path: string | null): Promise<void> {
    if (selected.value !== path) {
      validation.cancel()
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
    const out = await itemsCall.run((signal) => invoke('datasets.items', { dataset, offset: page.value * PAGE_SIZE, limit: PAGE_SIZE, thumbnailSize: 96, ...cleanFilter(filter.value) }, { signal }))
    if (!out) return
    items.value = out.items
    total.value = out.total
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
    validateProgress.value = null
    const out = await validation.run((signal) => invoke('datasets.validate', { dataset }, { signal, onEvent: (e) => e.type === 'progress' && (validateProgress.value = e) }))
    if (out) report.value = out
  }

  return {
    datasets,
    loading: list.loading,
    loaded,
    error,
    selected,
    adding: adding.loading,
    addProgress,
    report,
    validating: validation.loading,
    validateProgress,
    items,
    total,
    page,
    filter,
    itemsLoading: itemsCall.loading,
    load,
    ensure,
    add,
    remove,
    select,
    loadItems,
    setPage,
    setFilter,
    validate,
    cancelValidate: validation.cancel
  }
})

function cleanFilter(f: ItemFilter): ItemFilter {
  const out: ItemFilter = {}
  if (f.role) out.role = f.role
  if (f.membership) out.membership = f.membership
  if (f.search?.trim()) out.search = f.search.trim()
  return out
}
