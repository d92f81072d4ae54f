// WSA, the weakly supervised attack (Ko et al. 2023; docs/attacks.md "WSA" steps 1–7): threshold
// CSA at μ + λσ of reference non-members, take pool items above it as pseudo-members, balance,
// train an attack model on [ê_I ; ê_T] (+ options) and score the targets with P(member).
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { csaScores } from './csa'
import { denseMatrix, fitLogreg, logregScores, type LogregOptions } from './logreg'
import { predictMlp, trainMlp, type MlpOptions, type MlpProgress } from './mlp'

/** The spec's default λ (the reference code's). */
export const WSA_DEFAULT_LAMBDA = 1.5
/** The λ grid the spec exposes: −2.5 … 2.5 in steps of 0.5. */
export const WSA_LAMBDA_GRID: readonly number[] = Array.from({ length: 11 }, (_, i) => -2.5 + 0.5 * i)

/** Embeddings of one role; image and text are n × d row-major, L2-normalised. */
export interface EmbeddingRows {
  n: number
  image: Float32Array
  text: Float32Array
  /** AEA cosine vectors (n × width), needed when the AEA feature option is on. */
  aea?: Float64Array
  /** Ground truth per row: 1 member, 0 non-member, −1 unknown. Never used for training. */
  truth?: Int8Array
}

/** Which extra features follow [ê_I ; ê_T]. */
export interface WsaFeatureOptions {
  csa?: boolean
  aea?: boolean
}

/** Everything one WSA run needs. */
export interface WsaInput {
  d: number
  reference: EmbeddingRows
  target: EmbeddingRows
  /** Separate unlabelled pool; omitted → the targets with labels hidden (transductive). */
  pool?: EmbeddingRows
  lambda?: number
  seed: number
  model?: 'mlp' | 'logreg'
  features?: WsaFeatureOptions
  mlp?: Omit<MlpOptions, 'seed' | 'signal' | 'onProgress'>
  logreg?: Omit<LogregOptions, 'signal'>
  signal?: AbortSignal
  onProgress?: (p: MlpProgress) => void
}

/** What WSA did, for the experiment record (spec step 4 and 6 reporting). */
export interface WsaReport {
  mu: number
  sigma: number
  tau: number
  lambda: number
  nReference: number
  nPool: number
  poolSource: 'separate' | 'transductive'
  nSelected: number
  nUsedPerClass: number
  /** Selected pseudo-members whose pool ground truth is known. */
  nSelectedWithTruth: number
  /** Selected pseudo-members that are in truth non-members; null without pool ground truth. */
  nSelectedWrong: number | null
  /** Members among selected with known truth; null without pool ground truth. */
  selectionPrecision: number | null
  model: 'mlp' | 'logreg'
  featureDim: number
  features: { csa: boolean; aea: boolean }
  /** MLP: epochs trained; null for logistic regression. */
  epochsRun: number | null
  bestValidationLoss: number | null
  earlyStopped: boolean | null
  /** Logistic regression: L-BFGS iterations and convergence; null for the MLP. */
  iterations: number | null
  converged: boolean | null
  /** MLP: training and validation loss per epoch and the epoch kept; absent for logistic regression. */
  lossCurve?: { train: number[]; validation: number[]; bestEpoch: number }
  seed: number
}

/** Steps 1–2: μ, σ (population, ddof 0) of reference CSA scores and τ = μ + λσ. */
export function wsaThreshold(referenceScores: Float64Array, lambda: number): { mu: number; sigma: number; tau: number } {
  const n = referenceScores.length
  if (n === 0) {
    throw new WorkbenchError({ code: 'invalid-input', message: 'WSA needs reference non-members (D_no), but none were given.', hint: 'Mark items created after the model\'s release with role "reference".' })
  }
  let mu = 0
  for (const s of referenceScores) mu += s
  mu /= n
  let ss = 0
  for (const s of referenceScores) ss += (s - mu) * (s - mu)
  const sigma = Math.sqrt(ss / n)
  return { mu, sigma, tau: mu + lambda * sigma }
}

/** Step 3: indices of pool items whose CSA score is ≥ τ, ascending. */
export function selectPseudoMembers(poolScores: Float64Array, tau: number): Int32Array {
  const out: number[] = []
  poolScores.forEach((s, i) => s >= tau && out.push(i))
  return Int32Array.from(out)
}

/** Step 4: seeded subsample of the larger class to the smaller size; both results ascending. */
export function balanceClasses(positives: Int32Array, negatives: Int32Array, seed: number): { positives: Int32Array; negatives: Int32Array } {
  const size = Math.min(positives.length, negatives.length)
  const rng = createRng(seedOf('wsa-balance', seed))
  const take = (rows: Int32Array): Int32Array => {
    if (rows.length === size) return Int32Array.from(rows)
    return shuffleInPlace(Int32Array.from(rows), rng).slice(0, size).sort()
  }
  return { positives: take(positives), negatives: take(negatives) }
}

/** Width of one feature row: 2d, +1 with CSA, + the AEA vector width with AEA. */
export function wsaFeatureDim(d: number, aeaWidth: number, features: WsaFeatureOptions = {}): number {
  return 2 * d + (features.csa ? 1 : 0) + (features.aea ? aeaWidth : 0)
}

function aeaWidthOf(rows: EmbeddingRows, features: WsaFeatureOptions, role: string): number {
  if (!features.aea) return 0
  if (!rows.aea || rows.n === 0 || rows.aea.length % rows.n !== 0) {
    throw new WorkbenchError({ code: 'invalid-input', message: `The AEA feature option is on but the ${role} items have no AEA vectors.`, hint: 'Compute AEA views for every role first, or turn the AEA feature off.' })
  }
  return rows.aea.length / rows.n
}

/** Step 5: feature rows [ê_I ; ê_T (; CSA) (; c_0..c_K)] for the given row indices (all when omitted). */
export function wsaFeatures(rows: EmbeddingRows, d: number, features: WsaFeatureOptions = {}, indices?: ArrayLike<number>): Float32Array {
  const width = aeaWidthOf(rows, features, 'given')
  const dim = wsaFeatureDim(d, width, features)
  const pick = indices ?? Int32Array.from({ length: rows.n }, (_, i) => i)
  const csa = features.csa ? csaScores(rows.image, rows.text, rows.n, d) : undefined
  const out = new Float32Array(pick.length * dim)
  for (let r = 0; r < pick.length; r++) {
    const i = pick[r]
    const base = r * dim
    out.set(rows.image.subarray(i * d, i * d + d), base)
    out.set(rows.text.subarray(i * d, i * d + d), base + d)
    let at = base + 2 * d
    if (csa) out[at++] = csa[i]
    if (features.aea && rows.aea) for (let k = 0; k < width; k++) out[at++] = rows.aea[i * width + k]
  }
  return out
}

function selectionTruth(pool: EmbeddingRows, selected: Int32Array): Pick<WsaReport, 'nSelectedWithTruth' | 'nSelectedWrong' | 'selectionPrecision'> {
  if (!pool.truth) return { nSelectedWithTruth: 0, nSelectedWrong: null, selectionPrecision: null }
  let known = 0
  let wrong = 0
  for (const i of selected) {
    const t = pool.truth[i]
    if (t === 0 || t === 1) known++
    if (t === 0) wrong++
  }
  if (known === 0) return { nSelectedWithTruth: 0, nSelectedWrong: null, selectionPrecision: null }
  return { nSelectedWithTruth: known, nSelectedWrong: wrong, selectionPrecision: (known - wrong) / known }
}

/** Steps 1–3: threshold the reference CSA scores and select pseudo-members from the pool. */
function selectFromPool(input: WsaInput, pool: EmbeddingRows, lambda: number): { mu: number; sigma: number; tau: number; selected: Int32Array } {
  const { d, reference } = input
  const { mu, sigma, tau } = wsaThreshold(csaScores(reference.image, reference.text, reference.n, d), lambda)
  const selected = selectPseudoMembers(csaScores(pool.image, pool.text, pool.n, d), tau)
  if (selected.length === 0) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `WSA selected no pseudo-members: no ${input.pool ? 'pool' : 'target'} item has CSA ≥ τ = μ + λσ = ${tau.toFixed(4)} (μ = ${mu.toFixed(4)}, σ = ${sigma.toFixed(4)}, λ = ${lambda}).`,
      hint: 'Lower λ (the grid runs from −2.5 to 2.5), or give a larger pool.'
    })
  }
  return { mu, sigma, tau, selected }
}

/** Steps 4–5: balanced training rows (reference = 0, pseudo-members = 1) and their features. */
function trainingSet(input: WsaInput, pool: EmbeddingRows, selected: Int32Array, features: WsaFeatureOptions): { x: Float32Array; labels: Uint8Array; used: number; dim: number } {
  const { d, reference, target } = input
  const widths = [reference, pool, target].map((rows, i) => aeaWidthOf(rows, features, ['reference', 'pool', 'target'][i]))
  if (features.aea && new Set(widths).size !== 1) {
    throw new WorkbenchError({ code: 'invalid-input', message: `AEA vectors differ in width across roles (${widths.join(', ')}).`, hint: 'Use the same augmentation bank for every role.' })
  }
  const allReference = Int32Array.from({ length: reference.n }, (_, i) => i)
  const balanced = balanceClasses(selected, allReference, input.seed)
  const used = balanced.positives.length
  const dim = wsaFeatureDim(d, widths[0], features)
  const x = new Float32Array(2 * used * dim)
  x.set(wsaFeatures(reference, d, features, balanced.negatives), 0)
  x.set(wsaFeatures(pool, d, features, balanced.positives), used * dim)
  return { x, labels: new Uint8Array(2 * used).fill(1, used), used, dim }
}

/** Steps 1–7: run WSA and return P(member) for every target row plus the report. */
export async function runWsa(input: WsaInput): Promise<{ scores: Float64Array; report: WsaReport }> {
  const { d, target, seed } = input
  const lambda = input.lambda ?? WSA_DEFAULT_LAMBDA
  const features = { csa: input.features?.csa ?? false, aea: input.features?.aea ?? false }
  const pool = input.pool ?? target
  const { mu, sigma, tau, selected } = selectFromPool(input, pool, lambda)
  const { x, labels, used, dim } = trainingSet(input, pool, selected, features)
  const targetX = wsaFeatures(target, d, features)
  throwIfAborted(input.signal)
  const report: WsaReport = {
    mu, sigma, tau, lambda, nReference: input.reference.n, nPool: pool.n, poolSource: input.pool ? 'separate' : 'transductive',
    nSelected: selected.length, nUsedPerClass: used, ...selectionTruth(pool, selected), model: input.model ?? 'mlp',
    featureDim: dim, features, epochsRun: null, bestValidationLoss: null, earlyStopped: null, iterations: null, converged: null, seed
  }
  if (report.model === 'logreg') {
    const fit = fitLogreg(denseMatrix(x, 2 * used, dim), labels, { ...input.logreg, signal: input.signal })
    Object.assign(report, { iterations: fit.iterations, converged: fit.converged })
    return { scores: logregScores(fit.model, denseMatrix(targetX, target.n, dim)), report }
  }
  const { model, summary } = await trainMlp({ x, labels, n: 2 * used, dim }, {
    ...input.mlp, seed: seedOf('wsa-train', seed), signal: input.signal, onProgress: input.onProgress
  })
  Object.assign(report, { epochsRun: summary.epochsRun, bestValidationLoss: summary.bestValidationLoss, earlyStopped: summary.earlyStopped })
  // The attack model's learning curve, for the Results screen (issue 21): one loss per epoch.
  report.lossCurve = { train: [...summary.trainLoss], validation: [...summary.validationLoss], bestEpoch: summary.bestEpoch }
  const scores = await predictMlp(model, targetX, target.n, dim, { threads: input.mlp?.threads, signal: input.signal })
  return { scores, report }
}
