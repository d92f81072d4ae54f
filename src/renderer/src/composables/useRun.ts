// Run screen logic: follow each experiment's run in the engine (it outlives the page), start, resume and cancel them.
import { computed, type Ref } from 'vue'
import type { ExperimentRecord } from '../../../shared/contract/experiments'
import { useRunStore, type RunState } from '../stores/run'

/** What the Run screen shows for one experiment. */
export interface RunRow {
  id: string
  name: string
  status: RunState['status'] | 'loading'
  live: RunState | null
  record: ExperimentRecord | null
  /** Queued in the engine behind another run. */
  queued: boolean
  /** Not running and not finished: a run can be (re)started; the engine resumes from its cache. */
  resumable: boolean
}

/** Rows for `ids` and actions to start, resume and cancel. */
export function useRun(ids: Ref<string[]>) {
  const runs = useRunStore()

  const rows = computed<RunRow[]>(() =>
    ids.value.map((id) => {
      const live = runs.runs[id] ?? null
      const record = live?.record ?? null
      const status = live ? live.status : 'loading'
      const queued = status === 'running' && live !== null && Object.keys(live.phases).length === 0 && live.log.some((l) => l.message.startsWith('Queued:'))
      return { id, name: record?.name ?? id, status, live, record, queued, resumable: live !== null && status !== 'running' && status !== 'done' }
    })
  )
  const busy = computed(() => rows.value.some((r) => r.status === 'running'))
  const allDone = computed(() => rows.value.length > 0 && rows.value.every((r) => r.status === 'done'))

  /** Follow every experiment on the screen (a reopened page re-attaches to live runs and replays finished ones). */
  function attach(): void {
    for (const id of ids.value) void runs.follow(id)
  }

  /** Start every unfinished experiment; the engine queues them one after another. */
  async function runAll(): Promise<void> {
    await Promise.all(ids.value.map((id) => (runs.runs[id]?.status === 'done' ? null : runs.start(id))))
  }

  return { rows, busy, allDone, attach, runAll, cancel: runs.cancel, start: runs.start }
}
