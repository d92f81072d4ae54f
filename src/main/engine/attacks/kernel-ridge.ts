// Linear ridge regression in its dual (kernel) form with the ridge chosen by exact leave-one-out error;
// QMIA (attacks/qmia.ts) fits its per-item mean and scale of non-member scores with it.
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'

/** A fitted dual ridge: prediction(x) = Σ_i coef_i ⟨x − mean, x_i − mean⟩ + intercept. */
export interface RidgeFit {
  lambda: number
  coef: Float64Array
  intercept: number
  /** Exact leave-one-out residuals y_i − ŷ_{−i} of the training rows at the chosen λ. */
  looResiduals: Float64Array
  looMse: number
}

/** The ridge grid, as multiples of the mean kernel diagonal (so it does not depend on the feature scale). */
export const RIDGE_GRID: readonly number[] = [1e-3, 1e-2, 1e-1, 1, 10]

/** In-place Cholesky of an n × n SPD matrix (lower triangle); false if not positive definite. */
function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let sum = a[j * n + j]
    for (let k = 0; k < j; k++) sum -= a[j * n + k] * a[j * n + k]
    if (!(sum > 0)) return false
    const diag = Math.sqrt(sum)
    a[j * n + j] = diag
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k]
      a[i * n + j] = s / diag
    }
  }
  return true
}

/** (LLᵀ)⁻¹ y and diag((LLᵀ)⁻¹) from the lower factor L. */
function solveWithDiagonal(l: Float64Array, n: number, y: Float64Array): { x: Float64Array; invDiag: Float64Array } {
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = y[i]
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k]
    z[i] = s / l[i * n + i]
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k]
    x[i] = s / l[i * n + i]
  }
  // diag(A⁻¹)_i = Σ_k (L⁻¹)_{ki}²: column i of L⁻¹ by forward substitution on e_i.
  const invDiag = new Float64Array(n)
  const col = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    col.fill(0)
    col[i] = 1 / l[i * n + i]
    let acc = col[i] * col[i]
    for (let r = i + 1; r < n; r++) {
      let s = 0
      for (let k = i; k < r; k++) s -= l[r * n + k] * col[k]
      col[r] = s / l[r * n + r]
      acc += col[r] * col[r]
    }
    invDiag[i] = acc
  }
  return { x, invDiag }
}

/** The centred Gram matrix K_ij = ⟨x_i − x̄, x_j − x̄⟩ of n rows of width p, and the column means x̄. */
export function centredGram(x: Float64Array, n: number, p: number): { gram: Float64Array; mean: Float64Array } {
  const mean = new Float64Array(p)
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += x[i * p + j] / n
  const c = new Float64Array(n * p)
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) c[i * p + j] = x[i * p + j] - mean[j]
  const gram = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      let s = 0
      for (let j = 0; j < p; j++) s += c[i * p + j] * c[k * p + j]
      gram[i * n + k] = s
      gram[k * n + i] = s
    }
  }
  return { gram, mean }
}

/**
 * Fit y on the rows behind `gram` for every λ of the grid (× mean diagonal), keep the λ with the least
 * exact leave-one-out error: for kernel ridge, y_i − ŷ_{−i} = λ [(K + λI)⁻¹ (y − ȳ)]_i / [(K + λI)⁻¹]_ii.
 */
export function fitDualRidge(gram: Float64Array, n: number, y: Float64Array, grid: readonly number[] = RIDGE_GRID, signal?: AbortSignal): RidgeFit {
  if (n < 3) throw new WorkbenchError({ code: 'invalid-input', message: `A ridge fit needs at least 3 rows; got ${n}.`, hint: 'Add reference non-members (role "reference").' })
  let scale = 0
  for (let i = 0; i < n; i++) scale += gram[i * n + i] / n
  if (!(scale > 0)) scale = 1
  let intercept = 0
  for (let i = 0; i < n; i++) intercept += y[i] / n
  const yc = y.map((v) => v - intercept)
  let best: RidgeFit | null = null
  for (const g of grid) {
    throwIfAborted(signal)
    const lambda = g * scale
    const a = Float64Array.from(gram)
    for (let i = 0; i < n; i++) a[i * n + i] += lambda
    if (!cholesky(a, n)) continue
    const { x, invDiag } = solveWithDiagonal(a, n, yc)
    // The LOO residual is exact up to the intercept, which is refit on n − 1 rows only through ȳ (a 1/n effect).
    const loo = x.map((v, i) => v / invDiag[i])
    const looMse = loo.reduce((s, r) => s + r * r, 0) / n
    if (!best || looMse < best.looMse) best = { lambda, coef: x, intercept, looResiduals: loo, looMse }
  }
  if (!best) throw new WorkbenchError({ code: 'invalid-input', message: 'The ridge system was not positive definite for any λ.', hint: 'Check the reference embeddings for NaN or repeated rows.' })
  return best
}

/** Predictions for m new rows (width p) against the n training rows (centred by `mean`). */
export function predictDualRidge(fit: RidgeFit, train: Float64Array, n: number, mean: Float64Array, rows: Float64Array, m: number, p: number): Float64Array {
  const w = new Float64Array(p)
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) w[j] += fit.coef[i] * (train[i * p + j] - mean[j])
  const out = new Float64Array(m)
  for (let r = 0; r < m; r++) {
    let s = fit.intercept
    for (let j = 0; j < p; j++) s += w[j] * (rows[r * p + j] - mean[j])
    out[r] = s
  }
  return out
}
