// Worker-thread side of the blind baseline (runner/blind-thread.ts): fits its folds and says which fold it is on.
// A module entry of worker-threads.ts: run from source through tsx, bundled as out/main/blind-worker.js.
import type { MessagePort } from 'node:worker_threads'
import { blindBaseline, type BlindInput, type BlindResult } from '../attacks'

/** What crosses to the worker: the input without its callbacks and signal (cancelling terminates the thread). */
export type BlindJob = Omit<BlindInput, 'signal' | 'onFold'>

/** A fold about to be fitted, as the worker posts it before its final { done, result }. */
export interface BlindFoldMessage {
  fold: number
  k: number
}

/** Called by the worker thread blind-thread.ts starts. */
export function run(job: BlindJob, port: MessagePort): Promise<BlindResult> {
  return blindBaseline({ ...job, onFold: (fold, k) => port.postMessage({ fold, k } satisfies BlindFoldMessage) })
}
