// The run registry: experiment runs belong to the engine, not to the caller that started them (issue 21).
// A page that reloads or closes only stops following; it re-attaches to the live run and sees what it missed.
// What a run says is also written to the workspace (store/run-logs.ts), so a restarted engine replays it.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink, ItemSkippedEvent, LogEvent, Phase, ProgressEvent, WorkbenchEvent } from '../../../shared/contract/events'
import type { ExperimentRecord } from '../../../shared/contract/experiments'
import { requireRow, toRecord } from '../runner/record'
import type { Services } from '../services'
import { RUN_LOG_LIMITS, type RunLog } from '../store'

/** Finished runs whose events stay in memory, newest kept; older ones replay from the store. */
const MAX_FINISHED = 50
/** How often a live run's log is written to the store (its end is always written): a crash loses at most this much. */
const SAVE_INTERVAL_MS = 1000

/** What a run has said so far: the latest progress of each phase, the log and the first skipped items. */
interface RunEvents {
  progress: Map<Phase, ProgressEvent>
  log: LogEvent[]
  skipped: ItemSkippedEvent[]
}

interface Run {
  id: string
  controller: AbortController
  events: RunEvents
  followers: Set<EventSink>
  /** Settles when the run ends; rejects with its error (cancelled, failed). */
  done: Promise<ExperimentRecord>
  live: boolean
  startedAt: number
  /** The pending write of the run log, if one is scheduled. */
  saveTimer: NodeJS.Timeout | null
}

/** How a follower's call ended: the stored record and whether a live run was followed. */
export interface Followed {
  record: ExperimentRecord
  followed: boolean
}

/** Registry of the runs of one engine: start detached, follow (replay, then live), cancel, list. */
export class RunRegistry {
  private readonly runs = new Map<string, Run>()
  /** Settles when the last started run ends: runs go one after another (two would only compete for the CPU). */
  private tail: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly s: Services,
    private readonly execute: (s: Services, id: string, ctx: { signal: AbortSignal; emit: EventSink }) => Promise<ExperimentRecord>
  ) {}

  /** Start experiment `id` unless it is already running; no caller's signal reaches it, only `cancel` does. */
  start(id: string): { started: boolean } {
    const current = this.runs.get(id)
    if (current?.live) return { started: false }
    requireRow(this.s.store(), id)
    const run: Run = {
      id,
      controller: new AbortController(),
      events: { progress: new Map(), log: [], skipped: [] },
      followers: new Set(),
      done: Promise.resolve(null as never),
      live: true,
      startedAt: Date.now(),
      saveTimer: null
    }
    const emit: EventSink = (event) => {
      remember(run.events, event)
      this.saveSoon(run)
      for (const f of run.followers) f(event)
    }
    this.runs.delete(id)
    this.runs.set(id, run)
    const ahead = this.active().filter((other) => other !== id).length
    if (ahead > 0) emit({ type: 'log', level: 'info', message: `Queued: starts when the ${ahead === 1 ? 'run' : `${ahead} runs`} ahead of it end${ahead === 1 ? 's' : ''}.` })
    run.done = this.tail
      .then(() => this.begin(run, emit))
      .finally(() => {
        this.save(run)
        run.live = false
        run.followers.clear()
        this.prune()
      })
    this.tail = run.done.catch(() => undefined)
    // Followers see the failure through `follow`; an unfollowed failure is stored in the record, not unhandled.
    run.done.catch(() => undefined)
    return { started: true }
  }

  /** Execute a queued run at its turn; one cancelled while waiting ends as cancelled without starting. */
  private begin(run: Run, emit: EventSink): Promise<ExperimentRecord> {
    if (run.controller.signal.aborted) {
      this.s.store().experiments.setStatus(run.id, 'cancelled')
      throw new WorkbenchError({ code: 'cancelled', message: 'The run was cancelled before it started.' })
    }
    return this.execute(this.s, run.id, { signal: run.controller.signal, emit })
  }

  /**
   * Follow run `id`: replay what it has said, then stream it live until it ends. Aborting `signal` only stops
   * following. Resolves with the stored record however the run ended (a failure is in `record.error`).
   */
  async follow(id: string, emit: EventSink, signal?: AbortSignal): Promise<Followed> {
    const run = this.runs.get(id)
    if (!run) {
      const record = toRecord(requireRow(this.s.store(), id))
      // A run of an earlier engine (a restarted server or app), or one pruned from memory: as the store kept it.
      const stored = this.s.store().runLogs.get(id)
      if (stored) replay(stored, emit)
      return { record, followed: false }
    }
    replay(snapshot(run.events), emit)
    if (!run.live) return { record: toRecord(requireRow(this.s.store(), id)), followed: false }
    run.followers.add(emit)
    try {
      await new Promise<void>((resolve, reject) => {
        const stop = (): void => reject(new WorkbenchError({ code: 'cancelled', message: 'Stopped following the run; it goes on in the engine.' }))
        if (signal?.aborted) return stop()
        signal?.addEventListener('abort', stop, { once: true })
        run.done
          .then(
            () => resolve(),
            () => resolve()
          )
          .finally(() => signal?.removeEventListener('abort', stop))
      })
    } finally {
      run.followers.delete(emit)
    }
    return { record: toRecord(requireRow(this.s.store(), id)), followed: true }
  }

  /** Run `id` as one call (CLI, older clients): start or join it, follow it, and cancel it if the caller aborts. */
  async runAndWait(id: string, emit: EventSink, signal?: AbortSignal): Promise<ExperimentRecord> {
    this.start(id)
    const run = this.runs.get(id)!
    const onAbort = (): void => void this.cancel(id)
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    // What the run said before this call could listen (its first synchronous steps, or a run joined midway).
    replay(snapshot(run.events), emit)
    run.followers.add(emit)
    try {
      return await run.done
    } finally {
      run.followers.delete(emit)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Ask run `id` to stop; finished work stays cached. False when it is not running in this engine. */
  cancel(id: string): boolean {
    const run = this.runs.get(id)
    if (!run?.live) return false
    run.controller.abort()
    return true
  }

  /** Ids of the runs in progress. */
  active(): string[] {
    return [...this.runs.values()].filter((r) => r.live).map((r) => r.id)
  }

  /** Stop every run (engine shutdown); their rows end as cancelled and resume later from the cache. */
  async dispose(): Promise<void> {
    const live = [...this.runs.values()].filter((r) => r.live)
    for (const r of live) r.controller.abort()
    await Promise.allSettled(live.map((r) => r.done))
  }

  /** Write the run's log within SAVE_INTERVAL_MS, once however many events arrive meanwhile. */
  private saveSoon(run: Run): void {
    if (run.saveTimer) return
    run.saveTimer = setTimeout(() => this.save(run), SAVE_INTERVAL_MS)
    run.saveTimer.unref()
  }

  /** Write the run's log now. A log that cannot be written (store full, experiment deleted) must not fail the run. */
  private save(run: Run): void {
    if (run.saveTimer) clearTimeout(run.saveTimer)
    run.saveTimer = null
    try {
      this.s.store().runLogs.save(run.id, run.startedAt, snapshot(run.events))
    } catch {
      // The run's own result is in its experiment row; only the replay of its log is lost.
    }
  }

  private prune(): void {
    const finished = [...this.runs.values()].filter((r) => !r.live)
    for (const r of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) this.runs.delete(r.id)
  }
}

function remember(events: RunEvents, event: WorkbenchEvent): void {
  if (event.type === 'progress') events.progress.set(event.phase, event)
  else if (event.type === 'item-skipped') {
    if (events.skipped.length < RUN_LOG_LIMITS.skipped) events.skipped.push(event)
  } else {
    events.log.push(event)
    if (events.log.length > RUN_LOG_LIMITS.log) events.log.splice(0, events.log.length - RUN_LOG_LIMITS.log)
  }
}

/** The run's events as the store keeps them (phases in the order they began). */
function snapshot(events: RunEvents): RunLog {
  return { progress: [...events.progress.values()], log: events.log, skipped: events.skipped }
}

function replay(events: RunLog, emit: EventSink): void {
  for (const e of events.log) emit(e)
  for (const e of events.skipped) emit(e)
  for (const e of events.progress) emit(e)
}
