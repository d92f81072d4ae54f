// Run store: live state of experiment runs (per-phase progress, skipped items, log), kept while the user navigates away.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ItemSkippedEvent, LogEvent, Phase, ProgressEvent, WorkbenchEvent } from '../../../shared/contract/events'
import type { ExperimentRecord } from '../../../shared/contract/experiments'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

/** Phases in the order a run goes through them. */
export const PHASE_ORDER: readonly Phase[] = ['validating', 'embedding', 'augmenting', 'training', 'scoring', 'evaluating', 'exporting']

/** Events kept per run: enough to show, bounded so a run over a broken dataset cannot grow without limit. */
const MAX_SKIPPED = 500
const MAX_LOG = 200

/** One run as the Run screen shows it. */
export interface RunState {
  id: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  phases: Partial<Record<Phase, ProgressEvent>>
  skipped: ItemSkippedEvent[]
  skippedCount: number
  log: LogEvent[]
  error: WorkbenchErrorData | null
  record: ExperimentRecord | null
  startedAt: number
  finishedAt: number | null
}

export const useRunStore = defineStore('run', () => {
  const runs = ref<Record<string, RunState>>({})
  const controllers = new Map<string, AbortController>()

  function apply(run: RunState, event: WorkbenchEvent): void {
    if (event.type === 'progress') run.phases[event.phase] = event
    else if (event.type === 'item-skipped') {
      run.skippedCount += 1
      if (run.skipped.length < MAX_SKIPPED) run.skipped.push(event)
    } else {
      run.log.push(event)
      if (run.log.length > MAX_LOG) run.log.splice(0, run.log.length - MAX_LOG)
    }
  }

  /** Run or resume experiment `id` (the engine reuses cached embeddings); resolves when it ends, however it ends. */
  async function start(id: string): Promise<RunState> {
    const current = runs.value[id]
    if (current?.status === 'running') return current
    const controller = new AbortController()
    controllers.set(id, controller)
    runs.value[id] = { id, status: 'running', phases: {}, skipped: [], skippedCount: 0, log: [], error: null, record: null, startedAt: Date.now(), finishedAt: null }
    // Mutate through the reactive proxy so the screen follows each event.
    const run = runs.value[id]
    try {
      run.record = await invoke('experiments.run', { id }, { signal: controller.signal, onEvent: (e) => apply(run, e) })
      run.status = 'done'
    } catch (err) {
      run.error = toErrorData(err)
      run.status = run.error.code === 'cancelled' ? 'cancelled' : 'failed'
    } finally {
      run.finishedAt = Date.now()
      controllers.delete(id)
    }
    return run
  }

  /** Ask the engine to stop run `id`; what it finished stays cached, so a resume picks up from there. */
  function cancel(id: string): void {
    controllers.get(id)?.abort()
  }

  /** Phases seen so far, in run order. */
  function phasesOf(id: string): ProgressEvent[] {
    const run = runs.value[id]
    if (!run) return []
    return PHASE_ORDER.flatMap((p) => (run.phases[p] ? [run.phases[p]!] : []))
  }

  return { runs, start, cancel, phasesOf }
})
