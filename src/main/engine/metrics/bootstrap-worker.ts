// Worker-thread side of a parallel bootstrap: computes its share of a ResampleJob in shared memory.
import { planFor, runShare, type ResampleJob } from './resample-share'

/** Entry called by the worker bootstrap source in resample-threads.ts; returns when no resample is left. */
export function runWorkerShare(job: ResampleJob): void {
  runShare(job, planFor(job), Infinity)
}
