// CLIP-MIA-Bench's WSA attack model (docs/attacks.md "WSA", variant bench2026): one linear layer, BCE with
// logits, AdamW (decoupled weight decay, PyTorch semantics), fixed epochs, no validation split.
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'

/** Training options; the defaults are bench2026's. */
export interface LinearBceOptions {
  seed: number
  epochs?: number
  batchSize?: number
  learningRate?: number
  weightDecay?: number
  beta1?: number
  beta2?: number
  eps?: number
  /** Initial [w_0..w_{d−1}, b]; default PyTorch nn.Linear's U(±1/√d) from the seed. */
  init?: Float64Array
  signal?: AbortSignal
}

/** A fitted linear scorer: logit = w·x + b. */
export interface LinearModel {
  weight: Float64Array
  bias: number
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))

/** PyTorch nn.Linear(d, 1) default initialisation: weight and bias ~ U(±1/√d). */
export function linearInit(dim: number, seed: number): Float64Array {
  const rng = createRng(seedOf('linear-init', seed))
  const bound = 1 / Math.sqrt(dim)
  return Float64Array.from({ length: dim + 1 }, () => rng.uniform(-bound, bound))
}

/** Train on n rows of x (n × dim, row-major) with 0/1 labels; mini-batches in a seeded order per epoch. */
export function trainLinearBce(x: Float32Array, labels: Uint8Array, n: number, dim: number, options: LinearBceOptions): LinearModel {
  if (x.length !== n * dim || labels.length !== n || n === 0) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `Linear attack model: ${x.length} values and ${labels.length} labels for n=${n}, dim=${dim}.`,
      hint: 'Pass x as n × dim row-major values and one 0/1 label per row.'
    })
  }
  const { epochs = 5, batchSize = 1024, learningRate: lr = 1e-3, weightDecay = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = options
  const p = Float64Array.from(options.init ?? linearInit(dim, options.seed))
  const m = new Float64Array(dim + 1)
  const v = new Float64Array(dim + 1)
  const g = new Float64Array(dim + 1)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  const rng = createRng(seedOf('linear-shuffle', options.seed))
  let step = 0
  for (let epoch = 0; epoch < epochs; epoch++) {
    throwIfAborted(options.signal)
    shuffleInPlace(order, rng)
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start)
      g.fill(0)
      for (let r = start; r < start + count; r++) {
        const i = order[r]
        let z = p[dim]
        for (let j = 0; j < dim; j++) z += p[j] * x[i * dim + j]
        // d/dz of mean BCE-with-logits = (σ(z) − y) / batch.
        const e = (sigmoid(z) - labels[i]) / count
        for (let j = 0; j < dim; j++) g[j] += e * x[i * dim + j]
        g[dim] += e
      }
      step++
      const c1 = 1 - beta1 ** step
      const c2 = 1 - beta2 ** step
      for (let j = 0; j <= dim; j++) {
        p[j] *= 1 - lr * weightDecay // AdamW: decay the weights before the Adam update (torch.optim.AdamW).
        m[j] = beta1 * m[j] + (1 - beta1) * g[j]
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j]
        p[j] -= (lr * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps)
      }
    }
  }
  return { weight: p.slice(0, dim), bias: p[dim] }
}

/** σ(w·x + b) for each of the n rows of x. */
export function linearScores(model: LinearModel, x: Float32Array, n: number, dim: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    let z = model.bias
    for (let j = 0; j < dim; j++) z += model.weight[j] * x[i * dim + j]
    return sigmoid(z)
  })
}
