// A bootstrap job in shared memory: any number of threads claim resample indices until none is left.
import { WorkbenchError } from '../../../shared/contract/errors'
import { streamState } from './resample-counts'
import { createArena, openSlot, type ResampleArena } from './resample-kernels'
import { planOnSlot, resampleStatistics, type PassPlan } from './resample-pass'
import type { SortedScores } from './sorted-scores'

/** Control slots (Int32Array): next resample to claim, resamples completed, abort flag, next arena slot. */
const NEXT = 0
const COMPLETED = 1
const ABORT = 2
const SLOT = 3

/** Everything a thread needs to compute its share; all of it lives in shared memory. */
export interface ResampleJob {
  /** Sorted scores and one scratch slot per thread. */
  arena: ResampleArena
  targets: number[]
  seed: number
  resamples: number
  /** resamples × (3 + targets) values: auc, advantage, scoreGap, then TPR per target. */
  results: Float64Array
  /** [next claim, completed, abort, next arena slot]. */
  control: Int32Array
  /** 1 once resample b is written (lets the main thread redo the share of a crashed worker). */
  done: Uint8Array
}

/** Values stored per resample in `ResampleJob.results`. */
export function resultWidth(targets: number): number {
  return 3 + targets
}

/** A job for up to `threads` threads (main thread included). */
export function createResampleJob(sorted: SortedScores, targets: readonly number[], seed: number, resamples: number, threads: number): ResampleJob {
  return {
    arena: createArena(sorted, threads),
    targets: [...targets],
    seed,
    resamples,
    results: new Float64Array(new SharedArrayBuffer(8 * resamples * resultWidth(targets.length))),
    control: new Int32Array(new SharedArrayBuffer(16)),
    done: new Uint8Array(new SharedArrayBuffer(resamples))
  }
}

/** Compute resample b into the job's results and mark it done. */
function computeResample(job: ResampleJob, plan: PassPlan, b: number): void {
  const stats = resampleStatistics(plan, streamState(job.seed, 'bootstrap', b))
  const at = b * resultWidth(job.targets.length)
  job.results[at] = stats.auc
  job.results[at + 1] = stats.advantage
  job.results[at + 2] = stats.scoreGap
  job.results.set(stats.tpr, at + 3)
  Atomics.store(job.done, b, 1)
  Atomics.add(job.control, COMPLETED, 1)
}

/** A pass plan for the calling thread, on the next free scratch slot of the arena. */
export function planFor(job: ResampleJob): PassPlan {
  const index = Atomics.add(job.control, SLOT, 1)
  if (index >= job.arena.layout.slots) throw new WorkbenchError({ code: 'internal', message: `The resample job has ${job.arena.layout.slots} scratch slots; thread ${index + 1} asked for one.` })
  return planOnSlot(openSlot(job.arena, index), job.targets)
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
