// Run store: what the page follows of the engine's runs (per-phase progress, skipped items, log). Runs belong to the
// engine (src/main/engine/ops/runs.ts): leaving or reloading the page only stops following; Cancel is the only stop.
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
const MAX_LOG = 300

/** One run as the Run screen shows it. `interrupted`: stored as running, but no engine runs it (it restarted). */
export interface RunState {
  id: string
  status: ExperimentRecord['status'] | 'interrupted'
  phases: Partial<Record<Phase, ProgressEvent>>
  skipped: ItemSkippedEvent[]
  skippedCount: number
  log: LogEvent[]
  error: WorkbenchErrorData | null
  record: ExperimentRecord | null
  /** When the page began following (rates and ETAs come from the engine). */
  startedAt: number
  finishedAt: number | null
}

/** The ETA, smoothed (70% of the last shown, 30% of the new): a rate that wobbles must not make the ETA jump about. */
function smoothed(previous: ProgressEvent | undefined, next: ProgressEvent): ProgressEvent {
  if (previous?.etaSeconds === undefined || next.etaSeconds === undefined || next.done >= next.total) return next
  return { ...next, etaSeconds: 0.7 * previous.etaSeconds + 0.3 * next.etaSeconds }
}

const fresh = (id: string): RunState => ({ id, status: 'running', phases: {}, skipped: [], skippedCount: 0, log: [], error: null, record: null, startedAt: Date.now(), finishedAt: null })

export const useRunStore = defineStore('run', () => {
  const runs = ref<Record<string, RunState>>({})
  /** The page's follower of each run: one at a time, so events are not applied twice. */
  const following = new Map<string, { promise: Promise<RunState> }>()

  function apply(run: RunState, event: WorkbenchEvent): void {
    if (event.type === 'progress') run.phases[event.phase] = smoothed(run.phases[event.phase], event)
    else if (event.type === 'item-skipped') {
      run.skippedCount += 1
      if (run.skipped.length < MAX_SKIPPED) run.skipped.push(event)
    } else {
      run.log.push(event)
      if (run.log.length > MAX_LOG) run.log.splice(0, run.log.length - MAX_LOG)
    }
  }

  /**
   * Follow run `id` in the engine: its events so far are replayed, then live ones stream in; resolves when it ends.
   * A finished run shows its phases and log as they were (the workspace keeps them across restarts) and its stored error.
   */
  function follow(id: string): Promise<RunState> {
    const current = following.get(id)
    if (current) return current.promise
    // A replay rebuilds the whole picture, so the state starts empty and mutates through the reactive proxy.
    runs.value[id] = fresh(id)
    const run = runs.value[id]
    const entry = { promise: Promise.resolve(run) }
    entry.promise = (async () => {
      try {
        const out = await invoke('experiments.follow', { id }, { onEvent: (e) => apply(run, e) })
        run.record = out.record
        run.status = out.record.status === 'running' && !out.followed ? 'interrupted' : out.record.status
        run.error = out.record.error ? ({ ...out.record.error } as WorkbenchErrorData) : null
      } catch (err) {
        run.error = toErrorData(err)
        run.status = 'failed'
      } finally {
        run.finishedAt = Date.now()
        if (following.get(id) === entry) following.delete(id)
      }
      return run
    })()
    following.set(id, entry)
    return entry.promise
  }

  /** Start (or resume: the engine reuses cached embeddings) run `id` in the engine, then follow it. */
  async function start(id: string): Promise<RunState> {
    try {
      const { started } = await invoke('experiments.start', { id })
      // Already running in the engine: the follower this page has (if any) is the right one.
      if (!started && following.has(id)) return following.get(id)!.promise
    } catch (err) {
      const run = (runs.value[id] = fresh(id))
      run.error = toErrorData(err)
      run.status = 'failed'
      run.finishedAt = Date.now()
      return run
    }
    // A follower from before the start saw the stored (not yet running) state; follow the live run instead.
    following.delete(id)
    return follow(id)
  }

  /** Ask the engine to stop run `id`; what it finished stays cached, so a resume picks up from there. */
  async function cancel(id: string): Promise<void> {
    try {
      await invoke('experiments.cancel', { id })
    } catch (err) {
      if (runs.value[id]) runs.value[id].error = toErrorData(err)
    }
  }

  /** Phases seen so far, in run order. */
  function phasesOf(id: string): ProgressEvent[] {
    const run = runs.value[id]
    if (!run) return []
    return PHASE_ORDER.flatMap((p) => (run.phases[p] ? [run.phases[p]!] : []))
  }

  return { runs, follow, start, cancel, phasesOf }
})
