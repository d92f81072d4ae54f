// Two-sample tests with permutation p-values (docs/attacks.md "Audit verdict" (b) and (d)): are two groups of
// feature rows drawn from one distribution? Statistic: sliced 1-Wasserstein distance (Bonneel et al. 2015).
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'

/** Options of the sliced-Wasserstein permutation test. */
export interface TwoSampleOptions {
  /** Random unit directions (default 64); one-column data always uses the single axis. */
  directions?: number
  permutations?: number
  seed?: number
  /** z-score every column on the pooled rows first, dropping constant columns (default true). */
  standardize?: boolean
  signal?: AbortSignal
}

/** The test's outcome. */
export interface TwoSampleResult {
  test: 'sliced-wasserstein-1'
  /** Mean over directions of W1 between the two groups' projections (in standardized units when standardized). */
  statistic: number
  /** (1 + #{permuted statistic ≥ observed}) / (1 + permutations). */
  pValue: number
  permutations: number
  directions: number
  /** Columns used (after dropping constant ones). */
  dims: number
  nA: number
  nB: number
  seed: number
}

/** Column-standardized copy of row-major `x` (n × d), without constant columns. */
function standardized(x: Float64Array, n: number, d: number): { x: Float64Array; dims: number } {
  const keep: Array<{ j: number; mean: number; sd: number }> = []
  for (let j = 0; j < d; j++) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += x[i * d + j]
    mean /= n
    let ss = 0
    for (let i = 0; i < n; i++) ss += (x[i * d + j] - mean) ** 2
    const sd = Math.sqrt(ss / n)
    if (sd > 1e-12 * (1 + Math.abs(mean))) keep.push({ j, mean, sd })
  }
  const out = new Float64Array(n * keep.length)
  for (let i = 0; i < n; i++) keep.forEach((c, k) => (out[i * keep.length + k] = (x[i * d + c.j] - c.mean) / c.sd))
  return { x: out, dims: keep.length }
}

/** One direction's projections, sorted ascending, with the row of each sorted value. */
interface Projection {
  values: Float64Array
  rows: Int32Array
}

function projections(x: Float64Array, n: number, d: number, count: number, seed: number): Projection[] {
  const rng = createRng(seedOf('audit-sliced-wasserstein', seed))
  const dirs = d === 1 ? 1 : count
  return Array.from({ length: dirs }, () => {
    const w = Float64Array.from({ length: d }, () => (d === 1 ? 1 : rng.normal()))
    const norm = Math.hypot(...w) || 1
    const proj = Float64Array.from({ length: n }, (_, i) => {
      let s = 0
      for (let j = 0; j < d; j++) s += x[i * d + j] * w[j]
      return s / norm
    })
    const rows = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => proj[a] - proj[b])
    return { values: Float64Array.from(rows, (i) => proj[i]), rows }
  })
}

/** Mean W1 over directions: ∫ |F_A − F_B| along each sorted projection. `inA[row]` is 1 for group A. */
function slicedW1(projs: Projection[], inA: Uint8Array, nA: number, nB: number): number {
  let total = 0
  for (const { values, rows } of projs) {
    let a = 0
    let b = 0
    let w = 0
    for (let k = 0; k + 1 < values.length; k++) {
      if (inA[rows[k]]) a++
      else b++
      w += Math.abs(a / nA - b / nB) * (values[k + 1] - values[k])
    }
    total += w
  }
  return total / projs.length
}

/** Sliced-W1 two-sample test of rows `a` against rows `b` (each row-major with `d` columns). */
export function twoSampleTest(a: Float64Array, b: Float64Array, d: number, options: TwoSampleOptions = {}): TwoSampleResult {
  const nA = a.length / d
  const nB = b.length / d
  if (!Number.isInteger(nA) || !Number.isInteger(nB) || nA < 2 || nB < 2) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `The two-sample test needs at least 2 rows of ${d} values per group (got ${a.length} and ${b.length} values).`,
      hint: 'Give both groups at least two items.'
    })
  }
  const n = nA + nB
  const pooled = new Float64Array(n * d)
  pooled.set(a, 0)
  pooled.set(b, a.length)
  const { x, dims } = options.standardize === false ? { x: pooled, dims: d } : standardized(pooled, n, d)
  const permutations = options.permutations ?? 500
  const seed = options.seed ?? 0
  const base = { test: 'sliced-wasserstein-1' as const, permutations, dims, nA, nB, seed }
  if (dims === 0) return { ...base, statistic: 0, pValue: 1, directions: 0 }
  const projs = projections(x, n, dims, options.directions ?? 64, seed)
  const inA = new Uint8Array(n).fill(1, 0, nA)
  const observed = slicedW1(projs, inA, nA, nB)
  const rng = createRng(seedOf('audit-two-sample-permutation', seed))
  let hits = 0
  for (let p = 0; p < permutations; p++) {
    if ((p & 15) === 0) throwIfAborted(options.signal)
    shuffleInPlace(inA, rng)
    if (slicedW1(projs, inA, nA, nB) >= observed * (1 - 1e-12)) hits++
  }
  return { ...base, statistic: observed, pValue: (1 + hits) / (1 + permutations), directions: projs.length }
}
