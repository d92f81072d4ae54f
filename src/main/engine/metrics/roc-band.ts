// Pointwise bootstrap band of a ROC curve: the percentile interval of TPR at each FPR of a fixed grid (attacks.md "ROC confidence band").
import { bootstrapMetrics, type BootstrapOptions, type BootstrapResult } from './bootstrap'
import type { SortedScores } from './sorted-scores'
import { isResolvable } from './tpr-at-fpr'

/** TPR intervals at grid FPRs, from the same stratified resamples as the report's other intervals. */
export interface RocBand {
  /** Grid of FPR values, ascending: 0, then resolvable rates only (f ≥ 1/n₀). */
  fpr: number[]
  /** Lower and upper percentile of TPR(f) over the resamples, one per grid FPR. */
  lo: number[]
  hi: number[]
  confidence: number
  resamples: number
  seed: number
  method: 'pointwise-percentile'
}

/** Grid points spaced evenly on each axis: log for the low-FPR end (log-log plots), linear for the rest. */
const LOG_POINTS = 40
const LINEAR_POINTS = 40

/**
 * The band's FPR grid for n₀ non-members: 0, LOG_POINTS rates log-spaced from 1/n₀ to 1, LINEAR_POINTS rates
 * k/LINEAR_POINTS, and the resolvable report targets (so the band at a target is that target's TPR interval).
 * Rates below 1/n₀ are left out: there TPR(f) = TPR(0), which the 0 point already carries.
 */
export function rocBandGrid(nNonmembers: number, targets: readonly number[] = []): number[] {
  const floor = 1 / nNonmembers
  const grid = new Set<number>([0, 1])
  for (let g = 0; g < LOG_POINTS; g++) grid.add(Math.exp(Math.log(floor) * (1 - g / (LOG_POINTS - 1))))
  for (let k = 1; k <= LINEAR_POINTS; k++) if (k / LINEAR_POINTS >= floor) grid.add(k / LINEAR_POINTS)
  for (const f of targets) if (f > 0 && f <= 1 && isResolvable(nNonmembers, f)) grid.add(f)
  return [...grid].sort((a, b) => a - b)
}

/** The band over `grid` from a bootstrap whose TPR@FPR columns `offset …` are that grid's rates. */
export function bandFromBootstrap(grid: readonly number[], boot: BootstrapResult, offset: number): RocBand {
  const intervals = grid.map((_, g) => boot.intervals.tprAtFpr[offset + g])
  return {
    fpr: [...grid],
    lo: intervals.map((i) => i.lo),
    hi: intervals.map((i) => i.hi),
    confidence: boot.confidence,
    resamples: boot.resamples,
    seed: boot.seed,
    method: 'pointwise-percentile'
  }
}

/**
 * The ROC band of `sorted` on its own bootstrap. Resample b draws the same counts as in any other bootstrap with the
 * same seed (resample-counts.ts: the draws never depend on the targets), so with a run's seed and resamples this is
 * exactly the band evaluateScores stored with it.
 */
export async function rocBand(sorted: SortedScores, options: BootstrapOptions = {}): Promise<RocBand> {
  const grid = rocBandGrid(sorted.nonmembers.length, options.fprTargets ?? [])
  return bandFromBootstrap(grid, await bootstrapMetrics(sorted, { ...options, fprTargets: grid }), 0)
}
