// Run screen logic: what each experiment's state is (live run, or stored status after a restart) and running them in turn.
import { computed, ref, type Ref } from 'vue'
import type { ExperimentRecord } from '../../../shared/contract/experiments'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'
import { useRunStore, type RunState } from '../stores/run'

/** What the Run screen shows for one experiment. */
export interface RunRow {
  id: string
  name: string
  /** Live status in this renderer, else the stored one. */
  status: ExperimentRecord['status']
  live: RunState | null
  /** Not running here and not finished: a run can be (re)started; the engine resumes from its cache. */
  resumable: boolean
}

/** Rows for `ids`, their stored records, and actions to start, resume and cancel. */
export function useRun(ids: Ref<string[]>) {
  const runs = useRunStore()
  const records = ref<Record<string, ExperimentRecord>>({})
  const error = ref<WorkbenchErrorData | null>(null)
  /** Ids runAll will start after the current one. */
  const queued = ref<string[]>([])

  async function refresh(): Promise<void> {
    try {
      for (const id of ids.value) records.value[id] = (await invoke('experiments.get', { id })).record
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  const rows = computed<RunRow[]>(() =>
    ids.value.map((id) => {
      const live = runs.runs[id] ?? null
      const record = live?.record ?? records.value[id] ?? null
      const status = live && live.status !== 'done' ? live.status : (record?.status ?? live?.status ?? 'pending')
      return { id, name: record?.name ?? id, status, live, resumable: live?.status !== 'running' && status !== 'done' }
    })
  )
  const busy = computed(() => rows.value.some((r) => r.live?.status === 'running'))
  const allDone = computed(() => rows.value.length > 0 && rows.value.every((r) => r.status === 'done'))

  /** Run every unfinished experiment, one after another (two embedding runs at once would only compete for the CPU). */
  async function runAll(): Promise<void> {
    queued.value = rows.value.filter((r) => r.resumable).map((r) => r.id)
    try {
      while (queued.value.length > 0) {
        const id = queued.value.shift()!
        const run = await runs.start(id)
        if (run.record) records.value[id] = run.record
        if (run.status === 'cancelled') break
      }
    } finally {
      queued.value = []
    }
  }

  function cancel(id: string): void {
    runs.cancel(id)
  }

  return { rows, records, error, busy, allDone, queued, refresh, runAll, cancel, start: runs.start }
}
