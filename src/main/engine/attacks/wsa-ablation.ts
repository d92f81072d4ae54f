// The WSA ablation (docs/attacks.md "WSA ablation"): WSA's AUC and TPR@1% FPR against the size of the guaranteed
// non-member pool D_no and λ, beside CSA on the same targets. One implementation for bench/wsa-ablation.ts and the
// `experiments.ablation` operation. Nothing here is tuned on the evaluation labels: λ is fixed in advance or set by the
// variant's label-free rule; the labels only score each fit.
import type { AblationCell, AblationLambda, AblationSize } from '../../../shared/contract/ablation'
import { throwIfAborted, toErrorData, WorkbenchError } from '../../../shared/contract/errors'
import { rocAuc, rocCurve, tprAtFpr } from '../metrics'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { csaScores } from './csa'
import { runWsa, type EmbeddingRows, type WsaInput } from './wsa'

/** The FPR budget of the ablation's TPR column. */
export const ABLATION_FPR = 0.01

/** Everything of one WSA fit but D_no, λ and the seed: held fixed across the grid. */
export type AblationWsaSettings = Omit<WsaInput, 'd' | 'reference' | 'target' | 'pool' | 'lambda' | 'seed' | 'groups' | 'signal' | 'onProgress'>

export interface AblationInput {
  d: number
  /** Targets with ground truth (`truth` 1/0; −1 rows are scored but not evaluated). */
  target: EmbeddingRows
  /** Every reference non-member; each cell draws D_no from these. */
  reference: EmbeddingRows
  pool?: EmbeddingRows
  groups?: readonly string[]
  sizes: readonly AblationSize[]
  lambdas: readonly AblationLambda[]
  seeds: readonly number[]
  wsa?: AblationWsaSettings
  signal?: AbortSignal
  /** After each fit: the cell, and how many of how many are done. */
  onCell?: (cell: AblationCell, done: number, total: number) => void
}

/** AUC and TPR@1% FPR of `scores` over the rows with truth 0/1 (optionally only `rows`). */
export function ablationMetrics(scores: ArrayLike<number>, truth: Int8Array, rows?: ArrayLike<number>): { auc: number; tpr1: number | null } {
  const keep = rows ? Array.from(rows) : Array.from(truth.keys())
  const labelled = keep.filter((i) => truth[i] === 0 || truth[i] === 1)
  const curve = rocCurve({ scores: labelled.map((i) => scores[i]), labels: labelled.map((i) => truth[i]) })
  return { auc: rocAuc(curve), tpr1: tprAtFpr(curve, ABLATION_FPR).tpr }
}

/** CSA on the targets: the ablation's reference line. */
export function ablationCsa(d: number, target: EmbeddingRows): { auc: number; tpr1: number | null } {
  return ablationMetrics(csaScores(target.image, target.text, target.n, d), target.truth!)
}

/** Rows `idx` of `rows`, in that order. */
function subsetRows(rows: EmbeddingRows, idx: readonly number[], d: number): EmbeddingRows {
  const image = new Float32Array(idx.length * d)
  const text = new Float32Array(idx.length * d)
  const width = rows.aea ? rows.aea.length / rows.n : 0
  const aea = rows.aea ? new Float64Array(idx.length * width) : undefined
  idx.forEach((r, i) => {
    image.set(rows.image.subarray(r * d, (r + 1) * d), i * d)
    text.set(rows.text.subarray(r * d, (r + 1) * d), i * d)
    aea?.set(rows.aea!.subarray(r * width, (r + 1) * width), i * width)
  })
  return { n: idx.length, image, text, aea, truth: rows.truth ? Int8Array.from(idx, (r) => rows.truth![r]) : undefined }
}

/**
 * D_no of one cell: the first `size` of a seeded shuffle of the reference rows (seedOf('ablation-pool', size, seed), as
 * bench/wsa-ablation.ts has drawn its subsets since issue 17). `all` (and sizes beyond the pool) takes every row in
 * its own order, so that the cell (all, the experiment's λ, its seed) is the experiment itself.
 */
export function ablationPool(reference: EmbeddingRows, size: AblationSize, seed: number, d: number): { rows: EmbeddingRows; size: number; all: boolean } {
  if (size === 'all' || size >= reference.n) return { rows: reference, size: reference.n, all: true }
  const order = shuffleInPlace(
    Array.from({ length: reference.n }, (_, i) => i),
    createRng(seedOf('ablation-pool', size, seed))
  )
  return { rows: subsetRows(reference, order.slice(0, size), d), size, all: false }
}

/** The distinct pool sizes of a grid over `n` reference items: `all` and sizes ≥ n are one size, n, fitted once. */
export function ablationSizes(sizes: readonly AblationSize[], n: number): AblationSize[] {
  const seen = new Set<number>()
  return sizes.filter((s) => {
    const v = s === 'all' || s >= n ? n : s
    if (seen.has(v)) return false
    seen.add(v)
    return true
  })
}

/** Run every size × seed × λ fit; a fit that fails (no pseudo-member above τ) is a cell with its reason. */
export async function runWsaAblation(input: AblationInput): Promise<AblationCell[]> {
  const { d } = input
  const cells: AblationCell[] = []
  const sizes = ablationSizes(input.sizes, input.reference.n)
  const total = sizes.length * input.seeds.length * input.lambdas.length
  for (const size of sizes) {
    for (const seed of input.seeds) {
      const pool = ablationPool(input.reference, size, seed, d)
      for (const requested of input.lambdas) {
        throwIfAborted(input.signal)
        const cell = await fitCell(input, pool, seed, requested)
        cells.push(cell)
        input.onCell?.(cell, cells.length, total)
      }
    }
  }
  return cells
}

async function fitCell(input: AblationInput, pool: { rows: EmbeddingRows; size: number; all: boolean }, seed: number, requested: AblationLambda): Promise<AblationCell> {
  const base = { size: pool.size, all: pool.all, seed, requested }
  try {
    const { scores, report, evaluationRows } = await runWsa({
      ...input.wsa,
      d: input.d,
      reference: pool.rows,
      target: input.target,
      pool: input.pool,
      groups: input.groups,
      seed,
      lambda: requested === 'rule' ? undefined : requested,
      signal: input.signal
    })
    return {
      ...base,
      lambda: report.lambda,
      lambdaRule: report.lambdaRule,
      nSelected: report.nSelected,
      usedPerClass: report.nUsedPerClass,
      precision: report.selectionPrecision,
      ...ablationMetrics(scores, input.target.truth!, evaluationRows),
      error: null
    }
  } catch (err) {
    // WSA refuses a fit it cannot make (no pseudo-member above τ, a fold without one) as invalid input: that is a
    // result of the grid. Anything else (cancellation, a bug) stops the ablation.
    const data = toErrorData(err)
    if (!(err instanceof WorkbenchError) || data.code !== 'invalid-input' || input.signal?.aborted) throw err
    return { ...base, lambda: null, lambdaRule: null, nSelected: null, usedPerClass: null, precision: null, auc: null, tpr1: null, error: data.message }
  }
}
