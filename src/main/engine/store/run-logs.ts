// Run-logs repository: what an experiment's last run said (latest progress per phase, log lines, skipped items),
// kept bounded so a broken dataset's thousands of skips or a chatty run cannot grow the workspace without limit.
import type { ItemSkippedEvent, LogEvent, ProgressEvent } from '../../../shared/contract/events'
import type { WorkspaceDb } from './database'

/** Most log lines and skipped items kept per run (the run registry keeps the same in memory, ops/runs.ts). */
export const RUN_LOG_LIMITS = { log: 300, skipped: 500, messageChars: 1000 } as const

/** What a run has said: the latest progress of each phase, the log and the first skipped items. */
export interface RunLog {
  progress: ProgressEvent[]
  log: LogEvent[]
  skipped: ItemSkippedEvent[]
}

/** A stored run log with when its run started and when it was last written (ISO 8601). */
export interface RunLogRow extends RunLog {
  experimentId: string
  startedAt: string
  updatedAt: string
}

/** Prepared-statement access to the run_logs table. */
export interface RunLogsRepo {
  /** Replace the run log of `experimentId` (trimmed to RUN_LOG_LIMITS); false when the experiment no longer exists. */
  save(experimentId: string, startedAt: number, log: RunLog): boolean
  get(experimentId: string): RunLogRow | undefined
}

interface DbRunLog {
  experiment_id: string
  started_at: number
  updated_at: number
  events: string
}

const clip = (text: string): string => (text.length > RUN_LOG_LIMITS.messageChars ? `${text.slice(0, RUN_LOG_LIMITS.messageChars - 1)}…` : text)

/** A progress event as JSON keeps it: a non-finite rate or ETA (JSON would write null, which no schema reads) is left out. */
function storable(e: ProgressEvent): ProgressEvent {
  const { rate, etaSeconds, message, ...rest } = e
  return {
    ...rest,
    ...(rate !== undefined && Number.isFinite(rate) ? { rate } : {}),
    ...(etaSeconds !== undefined && Number.isFinite(etaSeconds) ? { etaSeconds } : {}),
    ...(message !== undefined ? { message: clip(message) } : {})
  }
}

/** The log within the limits: the newest log lines, the first skipped items, every message clipped. */
export function boundedRunLog(log: RunLog): RunLog {
  return {
    progress: log.progress.map(storable),
    log: log.log.slice(-RUN_LOG_LIMITS.log).map((e) => ({ ...e, message: clip(e.message) })),
    skipped: log.skipped.slice(0, RUN_LOG_LIMITS.skipped).map((e) => ({ ...e, message: clip(e.message), ...(e.hint === undefined ? {} : { hint: clip(e.hint) }) }))
  }
}

/** Create the run-logs repository over an open workspace database. */
export function createRunLogsRepo(db: WorkspaceDb): RunLogsRepo {
  const exists = db.prepare('runLogs.save', 'SELECT 1 FROM experiments WHERE id = ?')
  const upsert = db.prepare(
    'runLogs.save',
    `INSERT INTO run_logs (experiment_id, started_at, updated_at, events) VALUES (?, ?, ?, ?)
     ON CONFLICT (experiment_id) DO UPDATE SET started_at = excluded.started_at, updated_at = excluded.updated_at, events = excluded.events`
  )
  const select = db.prepare<DbRunLog>('runLogs.get', 'SELECT experiment_id, started_at, updated_at, events FROM run_logs WHERE experiment_id = ?')
  return {
    save: (experimentId, startedAt, log) =>
      db.write('runLogs.save', () => {
        if (exists.get(experimentId) === undefined) return false
        upsert.run(experimentId, startedAt, Date.now(), JSON.stringify(boundedRunLog(log)))
        return true
      }),
    get(experimentId) {
      const r = select.get(experimentId)
      if (r === undefined) return undefined
      const events = JSON.parse(r.events) as RunLog
      return { experimentId: r.experiment_id, startedAt: new Date(r.started_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(), ...events }
    }
  }
}
