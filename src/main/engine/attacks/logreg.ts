// L2-regularised logistic regression fitted by full-batch L-BFGS to convergence: the WSA option
// (the CLIP-MIA-Bench re-implementation) and the blind baseline's classifier. Objective as
// scikit-learn's LogisticRegression(C): C·Σ log-loss + ½‖w‖², intercept not penalised.
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'

/** A design matrix seen only through products, so dense and sparse features share one solver. */
export interface DesignMatrix {
  rows: number
  cols: number
  /** out[i] = Σ_j X[i,j]·w[j] */
  multiply(w: Float64Array, out: Float64Array): void
  /** out[j] = Σ_i X[i,j]·r[i] */
  multiplyTransposed(r: Float64Array, out: Float64Array): void
}

/** Rows of x (rows × cols, row-major) as a DesignMatrix. */
export function denseMatrix(x: Float32Array | Float64Array, rows: number, cols: number): DesignMatrix {
  if (x.length !== rows * cols) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Feature matrix has ${x.length} values, not ${rows} × ${cols}.` })
  }
  return {
    rows,
    cols,
    multiply(w, out) {
      for (let i = 0; i < rows; i++) {
        let s = 0
        const base = i * cols
        for (let j = 0; j < cols; j++) s += x[base + j] * w[j]
        out[i] = s
      }
    },
    multiplyTransposed(r, out) {
      out.fill(0)
      for (let i = 0; i < rows; i++) {
        const ri = r[i]
        if (ri === 0) continue
        const base = i * cols
        for (let j = 0; j < cols; j++) out[j] += x[base + j] * ri
      }
    }
  }
}

/** Fitting options; C as in scikit-learn (larger = weaker regularisation). */
export interface LogregOptions {
  c?: number
  /** Stop when ‖∇F‖∞ ≤ tolerance·max(1, ‖∇F₀‖∞) for the mean-scaled objective F. */
  tolerance?: number
  maxIterations?: number
  /** L-BFGS history length. */
  memory?: number
  signal?: AbortSignal
}

/** A fitted model: P(member | x) = σ(x·w + intercept). */
export interface LogregModel {
  weights: Float64Array
  intercept: number
}

/** The model and how the solver ended. */
export interface LogregFit {
  model: LogregModel
  iterations: number
  converged: boolean
  /** Final value of the scikit-learn objective C·Σ log-loss + ½‖w‖². */
  objective: number
  gradientNorm: number
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))

/** F(θ) = mean log-loss + ‖w‖²/(2Cn), θ = [w; b]: scikit-learn's objective divided by C·n. */
function objective(X: DesignMatrix, y: Uint8Array, c: number, theta: Float64Array, grad: Float64Array, z: Float64Array): number {
  const n = X.rows
  const d = X.cols
  const w = theta.subarray(0, d)
  const b = theta[d]
  X.multiply(w, z)
  let loss = 0
  let gb = 0
  for (let i = 0; i < n; i++) {
    const zi = z[i] + b
    // log(1 + e^{-s z}) computed stably; s = ±1.
    const m = y[i] === 1 ? -zi : zi
    loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))
    const r = (sigmoid(zi) - y[i]) / n
    z[i] = r
    gb += r
  }
  X.multiplyTransposed(z, grad)
  let wsq = 0
  const lambda = 1 / (c * n)
  for (let j = 0; j < d; j++) {
    wsq += w[j] * w[j]
    grad[j] += lambda * w[j]
  }
  grad[d] = gb
  return loss / n + 0.5 * lambda * wsq
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
const normInf = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)

/** L-BFGS two-loop recursion: direction = −H·g from the stored (s, y) pairs. */
function direction(g: Float64Array, pairs: Array<{ s: Float64Array; y: Float64Array; rho: number }>): Float64Array {
  const q = Float64Array.from(g)
  const alpha = new Float64Array(pairs.length)
  for (let i = pairs.length - 1; i >= 0; i--) {
    alpha[i] = pairs[i].rho * dot(pairs[i].s, q)
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * pairs[i].y[j]
  }
  const last = pairs[pairs.length - 1]
  const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.max(1, normInf(g))
  for (let j = 0; j < q.length; j++) q[j] *= gamma
  for (let i = 0; i < pairs.length; i++) {
    const beta = pairs[i].rho * dot(pairs[i].y, q)
    for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - beta) * pairs[i].s[j]
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j]
  return q
}

/** Armijo backtracking from step 1 along d (halving up to 60 times). */
function lineSearch(
  X: DesignMatrix,
  labels: Uint8Array,
  c: number,
  theta: Float64Array,
  d: Float64Array,
  f: number,
  slope: number,
  z: Float64Array
): { next: Float64Array; nextGrad: Float64Array; fNext: number } {
  const next = new Float64Array(theta.length)
  const nextGrad = new Float64Array(theta.length)
  let step = 1
  let fNext = Infinity
  for (let tries = 0; tries < 60; tries++) {
    for (let j = 0; j < theta.length; j++) next[j] = theta[j] + step * d[j]
    fNext = objective(X, labels, c, next, nextGrad, z)
    if (fNext <= f + 1e-4 * step * slope) break
    step *= 0.5
  }
  return { next, nextGrad, fNext }
}

/** Fit by L-BFGS with Armijo backtracking; deterministic (float64, fixed operation order). */
export function fitLogreg(X: DesignMatrix, labels: Uint8Array, options: LogregOptions = {}): LogregFit {
  const c = options.c ?? 1
  const tolerance = options.tolerance ?? 1e-8
  const maxIterations = options.maxIterations ?? 1000
  const memory = options.memory ?? 10
  if (labels.length !== X.rows || !(c > 0)) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Logistic regression got ${labels.length} labels for ${X.rows} rows (C = ${c}).`, hint: 'Pass one 0/1 label per row and C > 0.' })
  }
  const dim = X.cols + 1
  let theta: Float64Array = new Float64Array(dim)
  let grad: Float64Array = new Float64Array(dim)
  const z = new Float64Array(X.rows)
  let f = objective(X, labels, c, theta, grad, z)
  const stop = tolerance * Math.max(1, normInf(grad))
  const pairs: Array<{ s: Float64Array; y: Float64Array; rho: number }> = []
  let iterations = 0
  let converged = normInf(grad) <= stop
  while (!converged && iterations < maxIterations) {
    throwIfAborted(options.signal)
    iterations++
    let d = direction(grad, pairs)
    let slope = dot(grad, d)
    if (!(slope < 0)) {
      pairs.length = 0
      d = direction(grad, pairs)
      slope = dot(grad, d)
    }
    const { next, nextGrad, fNext } = lineSearch(X, labels, c, theta, d, f, slope, z)
    if (!(fNext < f)) {
      // Why: no decrease is representable in float64 any more, so this is the optimum to machine precision.
      converged = true
      break
    }
    const s = new Float64Array(dim)
    const y = new Float64Array(dim)
    for (let j = 0; j < dim; j++) {
      s[j] = next[j] - theta[j]
      y[j] = nextGrad[j] - grad[j]
    }
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      pairs.push({ s, y, rho: 1 / sy })
      if (pairs.length > memory) pairs.shift()
    }
    theta = next
    grad = nextGrad
    f = fNext
    converged = normInf(grad) <= stop
  }
  const n = X.rows
  return {
    model: { weights: theta.slice(0, X.cols), intercept: theta[X.cols] },
    iterations,
    converged,
    objective: f * c * n,
    gradientNorm: normInf(grad)
  }
}

/** P(member) = σ(x·w + b) for every row of X. */
export function logregScores(model: LogregModel, X: DesignMatrix): Float64Array {
  const out = new Float64Array(X.rows)
  X.multiply(model.weights, out)
  for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i] + model.intercept)
  return out
}
