// The default WSA attack model (Ko et al. 2023 reference code): MLP in→512→256→128→2 with ReLU,
// softmax cross-entropy, Adam, batch 32, ≤ 15 epochs, early stopping (patience 3) on a seeded 90/10
// split; seeded, deterministic (bit-identical for one seed, whatever the thread count).
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace, type Rng } from '../rng'
import { MlpNetwork, type AdamSettings, type MlpModel } from './mlp-network'

/** Progress of MLP training: reported after every `progressEvery` batches and at each epoch end. */
export interface MlpProgress {
  epoch: number
  epochs: number
  batch: number
  batches: number
  /** Mean training loss of the current epoch so far. */
  loss: number
}

/** Training options; every default is the spec's (docs/attacks.md, WSA step 6). */
export interface MlpOptions {
  seed: number
  hidden?: number[]
  learningRate?: number
  beta1?: number
  beta2?: number
  eps?: number
  batchSize?: number
  maxEpochs?: number
  patience?: number
  validationFraction?: number
  /** false: train all epochs on all rows (no validation split). */
  earlyStopping?: boolean
  /** false: keep the last epoch's weights, not the best validation epoch's (reds-lab). Default true. */
  keepBest?: boolean
  /** false: a plain seeded 90/10 split, not stratified by class (reds-lab). Default true. */
  stratifiedSplit?: boolean
  /** 1 or 2 kernel threads; results do not depend on it. */
  threads?: number
  signal?: AbortSignal
  onProgress?: (p: MlpProgress) => void
  progressEvery?: number
}

/** What training did, for the experiment report. */
export interface MlpTrainingSummary {
  epochsRun: number
  /** Epoch (1-based) whose weights were kept; equals epochsRun without early stopping. */
  bestEpoch: number
  bestValidationLoss: number | null
  earlyStopped: boolean
  trainLoss: number[]
  validationLoss: number[]
  nTrain: number
  nValidation: number
  threads: number
}

/** Labelled training rows: x is n × dim row-major float32, labels 0/1. */
export interface TrainingData {
  x: Float32Array
  labels: Uint8Array
  n: number
  dim: number
}

/** Default hidden widths of the reference attack model. */
export const MLP_DEFAULT_HIDDEN: readonly number[] = [512, 256, 128]
const EVAL_BATCH = 256
const YIELD_MS = 25

/** PyTorch nn.Linear default init: kaiming_uniform(a=√5) ⇒ weight and bias ~ U(±1/√fan_in). */
export function initMlp(dims: number[], seed: number): MlpModel {
  const rng = createRng(seedOf('mlp-init', seed))
  const layers = []
  for (let l = 1; l < dims.length; l++) {
    const inputs = dims[l - 1]
    const outputs = dims[l]
    const bound = 1 / Math.sqrt(inputs)
    const weight = new Float32Array(outputs * inputs)
    for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-bound, bound)
    const bias = new Float32Array(outputs)
    for (let i = 0; i < outputs; i++) bias[i] = rng.uniform(-bound, bound)
    layers.push({ inputs, outputs, weight, bias })
  }
  return { layers }
}

function checkData(data: TrainingData): void {
  const { x, labels, n, dim } = data
  if (!(n > 0 && dim > 0) || x.length !== n * dim || labels.length !== n) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `Training data shape mismatch: ${x.length} feature values and ${labels.length} labels for n=${n}, dim=${dim}.`,
      hint: 'Pass x as n × dim row-major values and one 0/1 label per row.'
    })
  }
}

/** Seeded split: about `fraction` of each class (stratified) or of all rows goes to validation. */
function splitRows(labels: Uint8Array, fraction: number, seed: number, stratified = true): { train: Int32Array; validation: Int32Array } {
  const rng = createRng(seedOf('mlp-split', seed))
  const train: number[] = []
  const validation: number[] = []
  if (!stratified) {
    const rows = shuffleInPlace(
      Array.from({ length: labels.length }, (_, i) => i),
      rng
    )
    const nVal = Math.round(rows.length * fraction)
    return { train: Int32Array.from(rows.slice(nVal).sort((a, b) => a - b)), validation: Int32Array.from(rows.slice(0, nVal).sort((a, b) => a - b)) }
  }
  for (const cls of [0, 1]) {
    const rows: number[] = []
    labels.forEach((y, i) => y === cls && rows.push(i))
    shuffleInPlace(rows, rng)
    const nVal = Math.round(rows.length * fraction)
    validation.push(...rows.slice(0, nVal))
    train.push(...rows.slice(nVal))
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), validation: Int32Array.from(validation.sort((a, b) => a - b)) }
}

/** Mean cross-entropy over `rows` at the current weights. */
function validationLoss(net: MlpNetwork, data: TrainingData, rows: Int32Array): number {
  let total = 0
  for (let start = 0; start < rows.length; start += EVAL_BATCH) {
    const count = Math.min(EVAL_BATCH, rows.length - start)
    net.loadRows(data.x, data.dim, rows, start, count)
    net.forward(count)
    for (let r = 0; r < count; r++) {
      const z0 = net.logit(r, 0)
      const z1 = net.logit(r, 1)
      const max = Math.max(z0, z1)
      const lse = max + Math.log(Math.exp(z0 - max) + Math.exp(z1 - max))
      total += lse - (data.labels[rows[start + r]] === 1 ? z1 : z0)
    }
  }
  return total / rows.length
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Train the attack MLP; returns the kept weights (best validation epoch) and a summary. */
export async function trainMlp(data: TrainingData, options: MlpOptions): Promise<{ model: MlpModel; summary: MlpTrainingSummary }> {
  checkData(data)
  throwIfAborted(options.signal)
  const batchSize = options.batchSize ?? 32
  const maxEpochs = options.maxEpochs ?? 15
  const patience = options.patience ?? 3
  const adam: AdamSettings = {
    learningRate: options.learningRate ?? 1e-3,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8
  }
  const split =
    options.earlyStopping === false
      ? { train: Int32Array.from({ length: data.n }, (_, i) => i), validation: new Int32Array(0) }
      : splitRows(data.labels, options.validationFraction ?? 0.1, options.seed, options.stratifiedSplit ?? true)
  const { train, validation } = split
  const dims = [data.dim, ...(options.hidden ?? MLP_DEFAULT_HIDDEN), 2]
  const net = await MlpNetwork.create(initMlp(dims, options.seed), Math.max(batchSize, EVAL_BATCH), options.threads)
  try {
    return await runEpochs(net, data, train, validation, { ...options, batchSize, maxEpochs, patience, adam })
  } finally {
    await net.close()
  }
}

interface EpochSettings extends MlpOptions {
  batchSize: number
  maxEpochs: number
  patience: number
  adam: AdamSettings
}

/** Mutable training state carried across epochs. */
interface LoopState {
  order: Int32Array
  step: number
  lastYield: number
}

/** One pass over the shuffled training rows; returns the epoch's mean training loss. */
async function trainEpoch(net: MlpNetwork, data: TrainingData, o: EpochSettings, state: LoopState, epoch: number, shuffleRng: Rng, batchLabels: Uint8Array): Promise<number> {
  const { order } = state
  shuffleInPlace(order, shuffleRng)
  const batches = Math.ceil(order.length / o.batchSize)
  const progressEvery = Math.max(1, o.progressEvery ?? 50)
  let epochLoss = 0
  for (let b = 0; b < batches; b++) {
    const start = b * o.batchSize
    const count = Math.min(o.batchSize, order.length - start)
    for (let r = 0; r < count; r++) batchLabels[r] = data.labels[order[start + r]]
    net.loadRows(data.x, data.dim, order, start, count)
    net.forward(count)
    epochLoss += net.backward(batchLabels, count) * count
    net.adamStep(++state.step, o.adam)
    if (o.onProgress && ((b + 1) % progressEvery === 0 || b === batches - 1)) {
      o.onProgress({ epoch, epochs: o.maxEpochs, batch: b + 1, batches, loss: epochLoss / (start + count) })
    }
    if (performance.now() - state.lastYield > YIELD_MS) {
      // Why: training is synchronous compute; yielding lets an AbortSignal fire and the host stay responsive.
      await nextTurn()
      state.lastYield = performance.now()
    }
    throwIfAborted(o.signal)
  }
  return epochLoss / order.length
}

async function runEpochs(net: MlpNetwork, data: TrainingData, train: Int32Array, validation: Int32Array, o: EpochSettings): Promise<{ model: MlpModel; summary: MlpTrainingSummary }> {
  const shuffleRng = createRng(seedOf('mlp-shuffle', o.seed))
  const state: LoopState = { order: Int32Array.from(train), step: 0, lastYield: performance.now() }
  const batchLabels = new Uint8Array(o.batchSize)
  const summary: MlpTrainingSummary = {
    epochsRun: 0,
    bestEpoch: 0,
    bestValidationLoss: null,
    earlyStopped: false,
    trainLoss: [],
    validationLoss: [],
    nTrain: train.length,
    nValidation: validation.length,
    threads: net.threads
  }
  let best: Float32Array | undefined
  let sinceBest = 0
  for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
    summary.trainLoss.push(await trainEpoch(net, data, o, state, epoch, shuffleRng, batchLabels))
    summary.epochsRun = epoch
    if (validation.length === 0) {
      summary.bestEpoch = epoch
      continue
    }
    const loss = validationLoss(net, data, validation)
    summary.validationLoss.push(loss)
    if (summary.bestValidationLoss === null || loss < summary.bestValidationLoss) {
      summary.bestValidationLoss = loss
      summary.bestEpoch = epoch
      best = net.snapshot()
      sinceBest = 0
    } else if (++sinceBest >= o.patience) {
      summary.earlyStopped = epoch < o.maxEpochs
      break
    }
  }
  if (best && o.keepBest !== false) net.restore(best)
  return { model: net.toModel(), summary }
}

/** How a row's two logits become its score: softmax P(member), or the sigmoid of the class-1 logit alone (reds-lab). */
export type MlpScoreRule = 'softmax' | 'sigmoid-logit1'

/** Member score (default softmax of logit 1) for each of the n rows of x (n × dim). */
export async function predictMlp(model: MlpModel, x: Float32Array, n: number, dim: number, options: { threads?: number; signal?: AbortSignal; score?: MlpScoreRule } = {}): Promise<Float64Array> {
  if (model.layers[0].inputs !== dim || x.length !== n * dim) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `The attack model expects ${model.layers[0].inputs} features per item but got ${dim} (${x.length} values for ${n} items).`,
      hint: 'Score targets with the same feature options the model was trained with.'
    })
  }
  const out = new Float64Array(n)
  if (n === 0) return out
  const net = await MlpNetwork.create(model, EVAL_BATCH, options.threads)
  try {
    const rows = Int32Array.from({ length: n }, (_, i) => i)
    for (let start = 0; start < n; start += EVAL_BATCH) {
      throwIfAborted(options.signal)
      const count = Math.min(EVAL_BATCH, n - start)
      net.loadRows(x, dim, rows, start, count)
      net.forward(count)
      const logitOf = options.score === 'sigmoid-logit1' ? (r: number): number => -net.logit(r, 1) : (r: number): number => net.logit(r, 0) - net.logit(r, 1)
      for (let r = 0; r < count; r++) out[start + r] = 1 / (1 + Math.exp(logitOf(r)))
      if (start % (EVAL_BATCH * 16) === 0) await nextTurn()
    }
  } finally {
    await net.close()
  }
  return out
}

/** Mean cross-entropy and its gradients (PyTorch layout) over all n rows; for verification. */
export async function mlpLossAndGradients(model: MlpModel, data: TrainingData): Promise<{ loss: number; gradients: MlpModel }> {
  checkData(data)
  const net = await MlpNetwork.create(model, data.n, 1)
  try {
    const rows = Int32Array.from({ length: data.n }, (_, i) => i)
    net.loadRows(data.x, data.dim, rows, 0, data.n)
    net.forward(data.n)
    const loss = net.backward(data.labels, data.n)
    return { loss, gradients: net.toModel('gradient') }
  } finally {
    await net.close()
  }
}
