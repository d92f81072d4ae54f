// Runs a ResampleJob on this thread plus worker threads when it is large and workers can be loaded.
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { WorkbenchError } from '../../../shared/contract/errors'
import { moduleEntry, startWorker as startThread, type WorkerScript } from '../worker-threads'
import { abortJob, completedCount, completeMissing, planFor, runShare, type ResampleJob } from './resample-share'

/** Below this many item-resamples one thread finishes in about the time a worker takes to start. */
const PARALLEL_MIN_WORK = 2e8
/** Main-thread slice between event-loop turns (abort, progress). */
const SLICE_MS = 50

/** The workers' code: bootstrap-worker.ts beside this file, or its bundle (electron.vite.config.ts, `workerEntries`). */
const workerEntry = (): WorkerScript | undefined => moduleEntry('bootstrap-worker', import.meta.url)

/**
 * Threads for a job of `items` × `resamples`: 1 for small jobs or where workers cannot load, else
 * every core (at most 8), from source and bundled alike. An explicit request is honoured (workers permitting).
 */
export function threadsFor(items: number, resamples: number, requested?: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1)
      throw new WorkbenchError({ code: 'invalid-input', message: `threads must be a positive integer; got ${requested}.`, hint: 'Omit it to choose automatically.' })
    return requested
  }
  if (items * resamples < PARALLEL_MIN_WORK || workerEntry() === undefined) return 1
  return Math.max(1, Math.min(availableParallelism(), 8))
}

/** Start a worker on the job; the promise settles (never rejects) when it finishes, fails or exits. */
function startWorker(job: ResampleJob, entry: WorkerScript): { worker: Worker; settled: Promise<void> } | undefined {
  // A host that forbids threads still gets every resample, from this thread.
  const worker = startThread(entry, job)
  if (!worker) return undefined
  // Why: a failed worker only costs time; completeMissing redoes anything it claimed, results are identical.
  const settled = new Promise<void>((resolve) => {
    worker.once('message', () => resolve())
    worker.once('error', () => resolve())
    worker.once('exit', () => resolve())
  })
  return { worker, settled }
}

function cancelled(): WorkbenchError {
  return new WorkbenchError({ code: 'cancelled', message: 'The operation was cancelled.' })
}

/** How a job was run. */
export interface JobRun {
  /** Worker threads started (0 when one thread was enough or workers cannot load here). */
  workers: number
  /** Resamples computed by the workers. */
  workerResamples: number
}

/** Options of runJob; `mainThreadShare: false` leaves all resamples to the workers (tests use it). */
export interface JobControl {
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
  mainThreadShare?: boolean
}

/** Run every resample of the job on this thread and `threads − 1` workers; throws `cancelled` on abort. */
export async function runJob(job: ResampleJob, threads: number, control: JobControl): Promise<JobRun> {
  const entry = threads > 1 ? workerEntry() : undefined
  const started = entry ? Array.from({ length: threads - 1 }, () => startWorker(job, entry)) : []
  const workers = started.filter((w) => w !== undefined)
  const plan = planFor(job)
  const { signal, onProgress } = control
  let mine = 0
  try {
    for (let more = control.mainThreadShare !== false; more;) {
      const slice = runShare(job, plan, SLICE_MS)
      mine += slice < 0 ? -1 - slice : slice
      more = slice >= 0
      onProgress?.(completedCount(job), job.resamples)
      await new Promise((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw cancelled()
    }
    const aborted = new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }))
    await Promise.race([Promise.all(workers.map((w) => w.settled)), aborted])
    if (signal?.aborted) throw cancelled()
    mine += completeMissing(job, plan)
    onProgress?.(job.resamples, job.resamples)
    return { workers: workers.length, workerResamples: job.resamples - mine }
  } finally {
    abortJob(job)
    await Promise.all(workers.map((w) => w.worker.terminate()))
  }
}
