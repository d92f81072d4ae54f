// Per-record agreement on the Compare screen (issue 20 item 7, issue 21): the flag sets at a chosen FPR, a filter
// ("flagged by all" / "only by X"), and thumbnails for the page of most-exposed records on screen.
import { computed, ref, watch, type Ref } from 'vue'
import type { Agreement } from '../../../shared/contract/evidence'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useCall } from './useCall'

/** FPR budgets offered (the metrics' own budgets). */
export const AGREEMENT_FPRS = [0.001, 0.01, 0.05, 0.1] as const

/** Which records the most-exposed list shows: any flag, every experiment's flag, or one experiment's alone. */
export type AgreementFilter = { kind: 'any' } | { kind: 'all' } | { kind: 'only'; index: number }

/** Records passing `filter` (order kept: most exposed first, as the engine sorts them). */
export function filterRecords(records: Agreement['records'], filter: AgreementFilter): Agreement['records'] {
  if (filter.kind === 'any') return records
  if (filter.kind === 'all') return records.filter((r) => r.flags.every(Boolean))
  return records.filter((r) => r.flags.every((f, i) => f === (i === filter.index)))
}

/** Records shown per page of the most-exposed list. */
export const AGREEMENT_PAGE = 24

/** Agreement of experiments `ids()` at a chosen FPR, filtered, with thumbnails for the visible page. */
export function useAgreement(ids: () => string[]) {
  const fpr = ref<number>(0.01)
  const filter = ref<AgreementFilter>({ kind: 'any' }) as Ref<AgreementFilter>
  const shown = ref(AGREEMENT_PAGE)
  const call = useCall<Agreement>()
  const thumbs = useCall<OpOutput<'experiments.thumbnails'>>()
  const thumbnails = ref(new Map<string, string | null>())

  async function load(): Promise<void> {
    const list = ids()
    call.result.value = null
    if (list.length < 2) return
    await call.run((signal) => invoke('experiments.agreement', { ids: list, fpr: fpr.value }, { signal }))
  }

  const records = computed(() => filterRecords(call.result.value?.records ?? [], filter.value))
  const visible = computed(() => records.value.slice(0, shown.value))

  // Thumbnails only for records on screen that have none yet (a page at a time; the engine caps a call at 200).
  watch(visible, async (list) => {
    const want = list.map((r) => r.id).filter((id) => !thumbnails.value.has(id))
    const owner = ids()[0]
    if (want.length === 0 || !owner) return
    const out = await thumbs.run((signal) => invoke('experiments.thumbnails', { id: owner, itemIds: want.slice(0, 200) }, { signal }))
    if (!out) return
    const next = new Map(thumbnails.value)
    for (const t of out.thumbnails) next.set(t.id, t.thumbnail)
    thumbnails.value = next
  })

  watch(fpr, () => void load())
  watch(filter, () => (shown.value = AGREEMENT_PAGE))

  return {
    fpr,
    filter,
    shown,
    agreement: call.result,
    loading: call.loading,
    error: call.error,
    records,
    visible,
    thumbnails,
    load,
    more: () => (shown.value += AGREEMENT_PAGE)
  }
}
