// Worker-thread side of a parallel bootstrap: computes its share of a ResampleJob in shared memory.
// A module entry of worker-threads.ts: run from source through tsx, bundled as out/main/bootstrap-worker.js.
import { planFor, runShare, type ResampleJob } from './resample-share'

/** Called by the worker thread resample-threads.ts starts; returns when no resample is left. */
export function run(job: ResampleJob): void {
  runShare(job, planFor(job), Infinity)
}
