// The blind baseline off the engine thread (issue 21): its logistic-regression folds take about a minute on the demo
// world, during which an engine thread running them answers no one (a reopened page waited). A worker thread fits
// them with the same code, so the scores are bit-identical (test/main/engine/runner/blind-thread.test.ts).
import type { Worker } from 'node:worker_threads'
import { WorkbenchError } from '../../../shared/contract/errors'
import { blindBaseline, type BlindInput, type BlindResult } from '../attacks'
import { moduleEntry, startWorker, type WorkerEnd } from '../worker-threads'
import type { BlindFoldMessage, BlindJob } from './blind-worker'

/** How the folds were fitted: on a worker, or on this thread and why. */
export interface BlindExecution {
  worker: boolean
  reason: string | null
}

/**
 * Out-of-fold blind scores (attacks/blind.ts) fitted on a worker thread; where none can start, or it failed, on this
 * thread (a real input error then surfaces as the WorkbenchError it is). Cancelling terminates the worker at once.
 */
export async function blindBaselineOffThread(input: BlindInput, onExecution?: (e: BlindExecution) => void): Promise<BlindResult> {
  const { signal, onFold, ...job } = input
  const script = moduleEntry('blind-worker', import.meta.url)
  const worker = script && !signal?.aborted ? startWorker(script, job satisfies BlindJob) : undefined
  if (!worker) {
    onExecution?.({ worker: false, reason: script ? 'a worker thread could not start here' : 'the blind-worker entry is not in this build' })
    return blindBaseline(input)
  }
  try {
    const result = await settle(worker, onFold, signal)
    onExecution?.({ worker: true, reason: null })
    return result
  } catch (err) {
    if (signal?.aborted) throw cancelled()
    onExecution?.({ worker: false, reason: `the worker failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` })
    return blindBaseline(input)
  } finally {
    void worker.terminate()
  }
}

function cancelled(): WorkbenchError {
  return new WorkbenchError({ code: 'cancelled', message: 'The operation was cancelled.' })
}

/** The worker's result; fold messages go to `onFold`; rejects when it fails, exits early or `signal` aborts. */
function settle(worker: Worker, onFold: BlindInput['onFold'], signal: AbortSignal | undefined): Promise<BlindResult> {
  return new Promise<BlindResult>((resolve, reject) => {
    const abort = (): void => reject(cancelled())
    signal?.addEventListener('abort', abort, { once: true })
    const stop = (): void => signal?.removeEventListener('abort', abort)
    worker.on('message', (m: BlindFoldMessage | WorkerEnd) => {
      if ('fold' in m) return onFold?.(m.fold, m.k)
      stop()
      if ('error' in m) reject(new Error(m.error))
      else resolve(m.result as BlindResult)
    })
    worker.once('error', (err) => (stop(), reject(err)))
    worker.once('exit', (code) => (stop(), reject(new Error(`the blind-baseline worker exited with code ${code}`))))
  })
}
