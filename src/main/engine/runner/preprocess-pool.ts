// Decode + preprocessing in worker threads (default: cores − 1 where that is two or more, else inline), results in
// input order, a bounded window of work in flight (backpressure: nothing is read ahead of what inference consumes),
// cancellable, errors per item. Where workers cannot load (a bundle without the worker entry), too few tasks are given
// or no thread is asked for, the same code runs inline.
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { moduleEntry, startWorker, type WorkerEnd, type WorkerScript } from '../worker-threads'
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'
import { prepareItem, type ItemResult, type ItemTask, type PrepareSettings } from './prepare-item'

/** Below this many tasks a worker's start-up (module loading) costs more than it saves. */
const MIN_TASKS_FOR_WORKERS = 128
/** Tasks in flight per thread: enough to keep each busy while results are consumed in order. */
const WINDOW_PER_THREAD = 4

/** preprocess-worker.ts beside this file from source; preprocess-worker.js of the build (electron.vite.config.ts) when bundled. */
const entryOfWorker = (): WorkerScript | undefined => moduleEntry('preprocess-worker', import.meta.url)

/**
 * Threads that decode and preprocess: every core but the one inference and the store use — or none (inline) where that
 * leaves a single worker. One worker adds nothing the inference thread's own idle time does not already give (sharp
 * decodes on libuv's threads either way; the resize is ~0.5 ms an image), but costs its start-up: 0.6 s and 0.8 s of
 * CPU from source, which on a 2-core machine is taken from onnxruntime's two threads (BENCHMARKS.md, run 8).
 */
export function defaultPreprocessThreads(cores = availableParallelism()): number {
  const spare = cores - 1
  return spare >= 2 ? spare : 0
}

interface Pending {
  resolve(result: ItemResult): void
  reject(err: Error): void
}

/** One worker thread and the tasks it owes. */
class PoolWorker {
  private readonly pending = new Map<number, Pending>()
  private failure: Error | null = null
  constructor(private readonly worker: Worker) {
    worker.on('message', (m: { id: number; result: ItemResult } | WorkerEnd) => {
      if ('error' in m) return this.fail(new Error(`A preprocessing worker failed to start: ${m.error}`))
      if (!('id' in m)) return
      this.pending.get(m.id)?.resolve(m.result)
      this.pending.delete(m.id)
    })
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => this.fail(new Error(`A preprocessing worker exited with code ${code}.`)))
  }
  get load(): number {
    return this.pending.size
  }
  private fail(err: Error): void {
    this.failure ??= err
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }
  run(id: number, task: ItemTask): Promise<ItemResult> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, task })
    })
  }
  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit')
    await this.worker.terminate()
  }
}

/** Options of one pass over a list of tasks. */
export interface PoolOptions {
  /** Worker threads; 0 (or too few tasks, or no loadable worker) = inline on this thread. Default: defaultPreprocessThreads(). */
  threads?: number
  /** Tasks prepared ahead of the consumer (default: 4 per thread); make it cover the next inference batch. */
  window?: number
  signal?: AbortSignal
}

/** How many worker threads a pass of `tasks` gets (0 = inline). */
export function poolThreads(tasks: number, requested = defaultPreprocessThreads()): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `preprocessing threads must be a non-negative integer; got ${requested}.`,
      hint: 'Omit it to use every core but one (inline on a machine with two cores or fewer); 0 prepares images on the inference thread.'
    })
  }
  return requested === 0 || tasks < MIN_TASKS_FOR_WORKERS || entryOfWorker() === undefined ? 0 : requested
}

/** Prepare every task and yield [task, result] in input order; stops the workers when done, failed or cancelled. */
export async function* preparedInOrder(tasks: readonly ItemTask[], settings: PrepareSettings, options: PoolOptions = {}): AsyncGenerator<[ItemTask, ItemResult]> {
  const threads = poolThreads(tasks.length, options.threads)
  const entry = threads > 0 ? entryOfWorker() : undefined
  const started = entry ? Array.from({ length: threads }, () => startWorker(entry, settings, { serve: true })) : []
  // A host that cannot start threads prepares every item inline, with the same pixels.
  const workers = started.every((w) => w !== undefined) ? started.map((w) => new PoolWorker(w)) : (await Promise.all(started.map((w) => w?.terminate())), [])
  const run = (i: number): Promise<ItemResult> => {
    if (workers.length === 0) return prepareItem(tasks[i], settings)
    const least = workers.reduce((a, b) => (b.load < a.load ? b : a))
    return least.run(i, tasks[i])
  }
  const window = Math.max(2, options.window ?? Math.max(1, threads) * WINDOW_PER_THREAD)
  const inFlight: Array<Promise<ItemResult>> = []
  let next = 0
  try {
    while (next < tasks.length || inFlight.length) {
      throwIfAborted(options.signal)
      while (next < tasks.length && inFlight.length < window) {
        const p = run(next++)
        p.catch(() => undefined)
        inFlight.push(p)
      }
      const done = next - inFlight.length
      yield [tasks[done], await inFlight.shift()!]
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()))
  }
}

/** An iteration started ahead of its consumer: the first step runs now, in the background. */
export interface StartedIteration<T> extends AsyncIterable<T> {
  /** Stop it without consuming it (its `finally` runs: workers stop). */
  cancel(): Promise<void>
}

/**
 * Start `gen` now so that its workers prepare the first window while this thread does other work (the caption batches
 * of embedItems), then iterate it as usual. A failure of the early step surfaces when the iteration is consumed.
 */
export function startedEarly<T>(gen: AsyncGenerator<T>): StartedIteration<T> {
  let first: Promise<IteratorResult<T>> | null = gen.next()
  first.catch(() => undefined)
  const stop = async (): Promise<IteratorResult<T>> => {
    await first?.catch(() => undefined)
    first = null
    return gen.return(undefined)
  }
  return {
    cancel: async () => {
      await stop()
    },
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const step = first ?? gen.next()
        first = null
        return step
      },
      return: stop
    })
  }
}
