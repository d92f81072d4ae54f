// Stratified, seeded bootstrap of AUC, TPR@FPR, balanced accuracy and score gap (percentile intervals).
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'
import { createResampleJob, resultWidth } from './resample-share'
import { runJob, threadsFor } from './resample-threads'
import { percentileInterval, type Interval } from './quantile'
import type { SortedScores } from './sorted-scores'
import { DEFAULT_FPR_TARGETS } from './tpr-at-fpr'

/** How to resample; every field is echoed in the report. */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  resamples?: number
  /** Seed of the resample streams (default 0); resample b uses seedOf(seed, 'bootstrap', b). */
  seed?: number
  /** Two-sided confidence level of the percentile intervals (default 0.95). */
  confidence?: number
  /** FPR targets for TPR@FPR intervals (default 0.001, 0.01, 0.05). */
  fprTargets?: readonly number[]
  /** Cancels between resamples with a `cancelled` WorkbenchError. */
  signal?: AbortSignal
  /** Called with resamples done so far (monotonic, ends with done === total). */
  onProgress?: (done: number, total: number) => void
  /** Threads to use (default: 1 for small jobs, else every core up to 8); results never depend on it. */
  threads?: number
  /** Told, once the resamples are done, how they ran (the run log shows it). */
  onExecution?: (execution: BootstrapExecution) => void
}

/** How a bootstrap ran: threads that computed resamples (this one included) and the resamples the workers did. */
export interface BootstrapExecution {
  threads: number
  workerResamples: number
}

/** The run-log line of a bootstrap's execution, e.g. "Bootstrap: 1000 resamples on 4 threads (workers did 742).". */
export function executionMessage(resamples: number, execution: BootstrapExecution): string {
  const threads = execution.threads === 1 ? '1 thread' : `${execution.threads} threads (workers did ${execution.workerResamples})`
  return `Bootstrap: ${resamples} resamples on ${threads}.`
}

/** The statistic of every resample, in resample order. */
export interface BootstrapDistribution {
  auc: Float64Array
  balancedAccuracy: Float64Array
  /** One array per FPR target, in the order of `fprTargets`. */
  tprAtFpr: Float64Array[]
  scoreGap: Float64Array
}

/** Percentile intervals of the distribution. */
export interface BootstrapIntervals {
  auc: Interval
  balancedAccuracy: Interval
  /** Per FPR target; intervals of unresolvable targets are still computed (callers decide to hide them). */
  tprAtFpr: Interval[]
  scoreGap: Interval
}

/** A bootstrap run: the parameters used, the raw distribution and its intervals. */
export interface BootstrapResult {
  resamples: number
  seed: number
  confidence: number
  distribution: BootstrapDistribution
  intervals: BootstrapIntervals
  /** How it ran (diagnostics only; results never depend on it). */
  execution: { workers: number; workerResamples: number }
}

/** Resolved options with defaults applied (1000 resamples, seed 0, 95 %). */
export function bootstrapParameters(options: BootstrapOptions): { resamples: number; seed: number; confidence: number } {
  return { resamples: options.resamples ?? 1000, seed: options.seed ?? 0, confidence: options.confidence ?? 0.95 }
}

/** Throw `invalid-input` unless resamples ∈ [1, 10⁶] is an integer, confidence ∈ (0, 1) and seed is finite. */
export function checkBootstrapOptions(options: BootstrapOptions): void {
  const { resamples, confidence, seed } = bootstrapParameters(options)
  const fail = (message: string, hint: string): never => {
    throw new WorkbenchError({ code: 'invalid-input', message, hint })
  }
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > 1_000_000) fail(`resamples must be an integer in [1, 1000000]; got ${resamples}.`, 'The spec uses 1000.')
  if (!(confidence > 0 && confidence < 1)) fail(`confidence must be in (0, 1); got ${confidence}.`, 'Use 0.95 for 95 % intervals.')
  if (!Number.isFinite(seed)) fail(`seed must be a finite number; got ${seed}.`, 'Use any integer, e.g. 0.')
}

/** Let the event loop run (abort messages, progress delivery) during long synchronous loops. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Run `body(b)` for b = 0 … resamples − 1, yielding to the event loop every ~50 ms so cancellation and
 * progress get through; throws `cancelled` when the signal fires.
 */
export async function forEachResample(resamples: number, control: Pick<BootstrapOptions, 'signal' | 'onProgress'>, body: (b: number) => void): Promise<void> {
  let lastYield = performance.now()
  for (let b = 0; b < resamples; b++) {
    throwIfAborted(control.signal)
    body(b)
    if (performance.now() - lastYield > 50) {
      control.onProgress?.(b + 1, resamples)
      await yieldToEventLoop()
      lastYield = performance.now()
    }
  }
  throwIfAborted(control.signal)
  control.onProgress?.(resamples, resamples)
}

/**
 * Stratified bootstrap: each resample draws n_members members and n_nonmembers non-members with
 * replacement (as multinomial counts over the once-sorted scores), then one weighted linear pass gives
 * its statistics. Resample b depends only on (seed, b), so results never depend on threads or chunking.
 */
export async function bootstrapMetrics(sorted: SortedScores, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  checkBootstrapOptions(options)
  const { resamples, seed, confidence } = bootstrapParameters(options)
  const targets = options.fprTargets ?? DEFAULT_FPR_TARGETS
  throwIfAborted(options.signal)
  const threads = threadsFor(sorted.members.length + sorted.nonmembers.length, resamples, options.threads)
  const job = createResampleJob(sorted, targets, seed, resamples, threads)
  const execution = await runJob(job, threads, options)
  options.onExecution?.({ threads: 1 + execution.workers, workerResamples: execution.workerResamples })
  const width = resultWidth(targets.length)
  const column = (c: number): Float64Array => Float64Array.from({ length: resamples }, (_, b) => job.results[b * width + c])
  const dist: BootstrapDistribution = {
    auc: column(0),
    balancedAccuracy: column(1).map((advantage) => (1 + advantage) / 2),
    tprAtFpr: targets.map((_, t) => column(3 + t)),
    scoreGap: column(2)
  }
  return { resamples, seed, confidence, distribution: dist, intervals: intervalsOf(dist, confidence), execution }
}

/** Percentile intervals of every statistic at `confidence`. */
export function intervalsOf(dist: BootstrapDistribution, confidence: number): BootstrapIntervals {
  return {
    auc: percentileInterval(dist.auc, confidence),
    balancedAccuracy: percentileInterval(dist.balancedAccuracy, confidence),
    tprAtFpr: dist.tprAtFpr.map((d) => percentileInterval(d, confidence)),
    scoreGap: percentileInterval(dist.scoreGap, confidence)
  }
}
