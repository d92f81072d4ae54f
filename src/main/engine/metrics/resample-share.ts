// A bootstrap job in shared memory: any number of threads claim resample indices until none is left.
import { streamState } from './resample-counts'
import { createPassPlan, resampleStatistics, type PassPlan } from './resample-pass'
import type { SortedScores } from './sorted-scores'

/** Control slots (Int32Array): next resample to claim, resamples completed, abort flag. */
const NEXT = 0
const COMPLETED = 1
const ABORT = 2

/** Everything a thread needs to compute its share; all arrays may live on SharedArrayBuffers. */
export interface ResampleJob {
  sorted: SortedScores
  targets: number[]
  seed: number
  resamples: number
  /** resamples × (3 + targets) values: auc, advantage, scoreGap, then TPR per target. */
  results: Float64Array
  /** [next claim, completed, abort]. */
  control: Int32Array
  /** 1 once resample b is written (lets the main thread redo the share of a crashed worker). */
  done: Uint8Array
}

/** Values stored per resample in `ResampleJob.results`. */
export function resultWidth(targets: number): number {
  return 3 + targets
}

function sharedCopy<T extends Float64Array | Int32Array>(source: T): T {
  const buffer = new SharedArrayBuffer(source.byteLength)
  const copy = (source instanceof Float64Array ? new Float64Array(buffer) : new Int32Array(buffer)) as T
  copy.set(source)
  return copy
}

/** A job; with `shared` its arrays live on SharedArrayBuffers so worker threads can take part. */
export function createResampleJob(sorted: SortedScores, targets: readonly number[], seed: number, resamples: number, shared: boolean): ResampleJob {
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes))
  const view: SortedScores = shared
    ? { members: sharedCopy(sorted.members), nonmembers: sharedCopy(sorted.nonmembers), membersAbove: sharedCopy(sorted.membersAbove), membersAtOrAbove: sharedCopy(sorted.membersAtOrAbove) }
    : sorted
  return {
    sorted: view,
    targets: [...targets],
    seed,
    resamples,
    results: new Float64Array(alloc(8 * resamples * resultWidth(targets.length))),
    control: new Int32Array(alloc(12)),
    done: new Uint8Array(alloc(resamples))
  }
}

/** Compute resample b into the job's results and mark it done. */
function computeResample(job: ResampleJob, plan: PassPlan, b: number): void {
  const stats = resampleStatistics(job.sorted, plan, streamState(job.seed, 'bootstrap', b))
  const at = b * resultWidth(job.targets.length)
  job.results[at] = stats.auc
  job.results[at + 1] = stats.advantage
  job.results[at + 2] = stats.scoreGap
  job.results.set(stats.tpr, at + 3)
  Atomics.store(job.done, b, 1)
  Atomics.add(job.control, COMPLETED, 1)
}

/** A pass plan (scratch) for one thread. */
export function planFor(job: ResampleJob): PassPlan {
  return createPassPlan(job.sorted, job.targets)
}

/**
 * Claim and compute resamples for up to `budgetMs`; returns how many it computed, negated (−1 − count)
 * once none is left to claim or the job was aborted. Resample b depends only on (seed, b), so which
 * thread computes it never changes results.
 */
export function runShare(job: ResampleJob, plan: PassPlan, budgetMs: number): number {
  const start = performance.now()
  let computed = 0
  for (;;) {
    if (Atomics.load(job.control, ABORT) !== 0) return -1 - computed
    const b = Atomics.add(job.control, NEXT, 1)
    if (b >= job.resamples) return -1 - computed
    computeResample(job, plan, b)
    computed++
    if (performance.now() - start > budgetMs) return computed
  }
}

/** Compute, on this thread, every resample a failed worker claimed but never finished; returns how many. */
export function completeMissing(job: ResampleJob, plan: PassPlan): number {
  let computed = 0
  for (let b = 0; b < job.resamples; b++) {
    if (Atomics.load(job.done, b) === 0) {
      computeResample(job, plan, b)
      computed++
    }
  }
  return computed
}

/** Resamples completed so far (for progress). */
export function completedCount(job: ResampleJob): number {
  return Atomics.load(job.control, COMPLETED)
}

/** Ask every thread to stop after its current resample. */
export function abortJob(job: ResampleJob): void {
  Atomics.store(job.control, ABORT, 1)
}
