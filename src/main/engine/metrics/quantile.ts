// Quantiles with numpy's default ("linear", Hyndman–Fan type 7) convention, and percentile intervals.

/** A two-sided interval, e.g. a bootstrap confidence interval. */
export interface Interval {
  lo: number
  hi: number
}

/**
 * The q-quantile of ascending `sorted` exactly as `numpy.quantile(x, q)` (method "linear"):
 * virtual index h = (n − 1)·q, then numpy's lerp between x[⌊h⌋] and x[⌊h⌋ + 1], including its
 * switch to `b − (b − a)(1 − t)` for t ≥ 0.5, so results agree to the last bit.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) throw new RangeError('quantile of an empty sample')
  const h = (n - 1) * q
  if (h >= n - 1) return sorted[n - 1]
  if (h <= 0) return sorted[0]
  const lo = Math.floor(h)
  const t = h - lo
  const a = sorted[lo]
  const b = sorted[lo + 1]
  const diff = b - a
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}

/** numpy-convention q-quantile of unsorted values (copies, never mutates the input). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q)
}

/** Percentile interval at `confidence` (e.g. 0.95 → 2.5th and 97.5th percentiles, numpy convention). */
export function percentileInterval(values: ArrayLike<number>, confidence: number): Interval {
  const sorted = Float64Array.from(values).sort()
  const tail = (1 - confidence) / 2
  return { lo: quantileSorted(sorted, tail), hi: quantileSorted(sorted, 1 - tail) }
}
