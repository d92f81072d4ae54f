// WSA, the weakly supervised attack (Ko et al. 2023; docs/attacks.md "WSA" steps 1–7): threshold
// CSA at μ + λσ of reference non-members, take pool items above it as pseudo-members, balance,
// train an attack model on [ê_I ; ê_T] (+ options) and score the targets with P(member).
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { csaScores } from './csa'
import type { LogregOptions } from './logreg'
import type { MlpOptions, MlpProgress } from './mlp'
import { crossFitFolds, fitAndScore, type FitFacts, type FitRequest } from './wsa-fit'
import { chooseLambda, DEFAULT_TARGET_PRECISION, ko2023EvaluationRows, tprBelowFpr, VARIANT_SETTINGS, type VariantSettings, type WsaVariant } from './wsa-variants'

/** The reference code's λ (reds-lab/CLIP-MIA `params.py`); the ko2023 variant's default. */
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
  /** Published code to follow (docs/attacks.md "WSA"); default the workbench's own. */
  variant?: WsaVariant
  /** Fixed λ; omitted → the variant's (ko2023 1.5, bench2026 0.5) or, for the workbench, the precision rule. */
  lambda?: number
  /** The precision rule's target (default 0.9). */
  targetPrecision?: number
  /** Cross-fit a transductive pool (default: the variant's; the workbench's is on). */
  crossFit?: boolean
  /** Folds of cross-fitting (default 5). */
  folds?: number
  /** Per target row: items with one key share a fold (e.g. one caption's renders). */
  groups?: readonly string[]
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
  variant: WsaVariant
  mu: number
  sigma: number
  tau: number
  lambda: number
  /** 'fixed': given or the variant's; 'precision': chosen on D_no and the pool alone (no labels). */
  lambdaRule: 'fixed' | 'precision'
  targetPrecision: number | null
  /** The rule's label-free precision estimate at the chosen λ; null for a fixed λ. */
  estimatedPrecision: number | null
  /** The rule's label-free estimate of the pool's non-member share (π̂₀); null for a fixed λ. */
  estimatedNonmemberShare: number | null
  nReference: number
  nPool: number
  poolSource: 'separate' | 'transductive'
  /** Folds of cross-fitting; null when one model scored every target. */
  crossFitFolds: number | null
  nSelected: number
  /** Pseudo-members per class in training (the last fold's with cross-fitting: they differ by fold). */
  nUsedPerClass: number
  balanced: boolean
  /** Selected pseudo-members whose pool ground truth is known. */
  nSelectedWithTruth: number
  /** Selected pseudo-members that are in truth non-members; null without pool ground truth. */
  nSelectedWrong: number | null
  /** Members among selected with known truth; null without pool ground truth. */
  selectionPrecision: number | null
  model: 'mlp' | 'logreg' | 'linear-bce'
  scoreRule: 'softmax' | 'sigmoid-logit1'
  featureDim: number
  features: { csa: boolean; aea: boolean }
  /** MLP: epochs trained; null for logistic regression. */
  epochsRun: number | null
  bestValidationLoss: number | null
  earlyStopped: boolean | null
  /** Logistic regression: L-BFGS iterations and convergence; null for the MLP. */
  iterations: number | null
  converged: boolean | null
  seed: number
  /** Targets the attack model trained on and then scored (transductive pool without cross-fitting); 0 otherwise. */
  trainedOnEvaluated: number
  /** ko2023 only: the evaluation protocol's set size and TPR at FPR strictly below 1%. */
  ko2023: { evaluated: number; removedPseudoMembers: number; tprBelow1pct: number | null } | null
}

/** Steps 1–2: μ, σ (population, ddof 0) of reference CSA scores and τ = μ + λσ. */
export function wsaThreshold(referenceScores: Float64Array, lambda: number): { mu: number; sigma: number; tau: number } {
  const n = referenceScores.length
  if (n === 0) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: 'WSA needs reference non-members (D_no), but none were given.',
      hint: 'Mark items created after the model\'s release with role "reference".'
    })
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
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `The AEA feature option is on but the ${role} items have no AEA vectors.`,
      hint: 'Compute AEA views for every role first, or turn the AEA feature off.'
    })
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

/** Steps 4–5: training rows (reference = 0, pseudo-members = 1; balanced if asked) and their features. */
function trainingSet(
  input: WsaInput,
  pool: EmbeddingRows,
  positives: Int32Array,
  features: WsaFeatureOptions,
  balance: boolean,
  seed: number
): { x: Float32Array; labels: Uint8Array; used: number; dim: number } {
  const { d, reference, target } = input
  const widths = [reference, pool, target].map((rows, i) => aeaWidthOf(rows, features, ['reference', 'pool', 'target'][i]))
  if (features.aea && new Set(widths).size !== 1) {
    throw new WorkbenchError({ code: 'invalid-input', message: `AEA vectors differ in width across roles (${widths.join(', ')}).`, hint: 'Use the same augmentation bank for every role.' })
  }
  const allReference = Int32Array.from({ length: reference.n }, (_, i) => i)
  const rows = balance ? balanceClasses(positives, allReference, seed) : { positives, negatives: allReference }
  const dim = wsaFeatureDim(d, widths[0], features)
  const nNeg = rows.negatives.length
  const x = new Float32Array((nNeg + rows.positives.length) * dim)
  x.set(wsaFeatures(reference, d, features, rows.negatives), 0)
  x.set(wsaFeatures(pool, d, features, rows.positives), nNeg * dim)
  return { x, labels: new Uint8Array(nNeg + rows.positives.length).fill(1, nNeg), used: rows.positives.length, dim }
}

/** Steps 1–3 with the λ rule: μ, σ, λ, τ and the selected pool rows. */
function thresholdAndSelect(input: WsaInput, pool: EmbeddingRows, settings: VariantSettings) {
  const { d, reference } = input
  const refScores = csaScores(reference.image, reference.text, reference.n, d)
  const poolScores = csaScores(pool.image, pool.text, pool.n, d)
  const { mu, sigma } = wsaThreshold(refScores, 0)
  const fixed = input.lambda ?? settings.lambda
  const targetPrecision = input.targetPrecision ?? DEFAULT_TARGET_PRECISION
  const choice = fixed === null ? chooseLambda(refScores, poolScores, mu, sigma, targetPrecision) : null
  const lambda = fixed ?? choice!.lambda
  const sel = selectFromPool(input, pool, lambda)
  return {
    ...sel,
    lambda,
    lambdaRule: choice ? ('precision' as const) : ('fixed' as const),
    targetPrecision: choice ? targetPrecision : null,
    estimatedPrecision: choice?.estimatedPrecision ?? null,
    estimatedNonmemberShare: choice?.pi0 ?? null
  }
}

/** Steps 1–8: run WSA and return its score for every target row plus the report. */
export async function runWsa(input: WsaInput): Promise<{ scores: Float64Array; report: WsaReport; evaluationRows?: Int32Array }> {
  const { d, target, seed } = input
  const variant = input.variant ?? 'workbench'
  const settings = VARIANT_SETTINGS[variant]
  const features = { csa: settings.csaFeature || (input.features?.csa ?? false), aea: input.features?.aea ?? false }
  const pool = input.pool ?? target
  const t = thresholdAndSelect(input, pool, settings)
  const crossFit = !input.pool && (input.crossFit ?? settings.crossFit)
  const model = settings.model ?? input.model ?? 'mlp'
  const req: FitRequest = { model, settings, seed, mlp: input.mlp, logreg: input.logreg, signal: input.signal, onProgress: input.onProgress }
  const targetX = wsaFeatures(target, d, features)
  throwIfAborted(input.signal)
  const fitted = crossFit ? await crossFitted(input, req, t.selected, features, settings.balance, targetX) : await fitOnce(input, req, pool, t.selected, features, settings.balance, targetX)
  const report: WsaReport = {
    variant,
    mu: t.mu,
    sigma: t.sigma,
    tau: t.tau,
    lambda: t.lambda,
    lambdaRule: t.lambdaRule,
    targetPrecision: t.targetPrecision,
    estimatedPrecision: t.estimatedPrecision,
    estimatedNonmemberShare: t.estimatedNonmemberShare,
    nReference: input.reference.n,
    nPool: pool.n,
    poolSource: input.pool ? 'separate' : 'transductive',
    crossFitFolds: crossFit ? (input.folds ?? 5) : null,
    nSelected: t.selected.length,
    nUsedPerClass: fitted.used,
    balanced: settings.balance,
    ...selectionTruth(pool, t.selected),
    model,
    scoreRule: model === 'mlp' ? settings.score : 'sigmoid-logit1',
    featureDim: fitted.dim,
    features,
    ...fitted.facts,
    seed,
    trainedOnEvaluated: input.pool || crossFit ? 0 : fitted.used,
    ko2023: null
  }
  if (!settings.ko2023Evaluation || !target.truth) return { scores: fitted.scores, report }
  // ko2023 removes the pseudo-members it trained on (transductive pool only) and balances the classes.
  const evaluationRows = ko2023EvaluationRows(target.truth, input.pool ? new Int32Array(0) : t.selected, seed)
  const pick = (i: number): number => fitted.scores[i]
  const tpr = tprBelowFpr(
    Array.from(evaluationRows, pick),
    Array.from(evaluationRows, (i) => target.truth![i]),
    0.01
  )
  report.ko2023 = { evaluated: evaluationRows.length, removedPseudoMembers: input.pool ? 0 : t.selected.length, tprBelow1pct: tpr }
  report.trainedOnEvaluated = 0
  return { scores: fitted.scores, report, evaluationRows }
}

type Fitted = { scores: Float64Array; used: number; dim: number; facts: FitFacts }

async function fitOnce(input: WsaInput, req: FitRequest, pool: EmbeddingRows, selected: Int32Array, features: WsaFeatureOptions, balance: boolean, targetX: Float32Array): Promise<Fitted> {
  const { x, labels, used, dim } = trainingSet(input, pool, selected, features, balance, input.seed)
  const { scores, facts } = await fitAndScore(req, x, labels, dim, targetX, input.target.n)
  return { scores, used, dim, facts }
}

/** Step 8: fold k's targets are scored by a model trained on the pseudo-members of the other folds. */
async function crossFitted(input: WsaInput, req: FitRequest, selected: Int32Array, features: WsaFeatureOptions, balance: boolean, targetX: Float32Array): Promise<Fitted> {
  const { target, seed } = input
  const k = input.folds ?? 5
  const folds = crossFitFolds(target.n, k, seed, input.groups)
  const scores = new Float64Array(target.n)
  let last: Fitted | null = null
  for (let fold = 0; fold < k; fold++) {
    const positives = selected.filter((i) => folds[i] !== fold)
    const rows = Int32Array.from({ length: target.n }, (_, i) => i).filter((i) => folds[i] === fold)
    if (rows.length === 0) continue
    if (positives.length === 0) {
      throw new WorkbenchError({
        code: 'invalid-input',
        message: `Cross-fitting fold ${fold + 1} of ${k} has no pseudo-members to train on (${selected.length} selected in all).`,
        hint: 'Lower λ, use fewer folds, or give a larger pool.'
      })
    }
    const { x, labels, used, dim } = trainingSet(input, target, positives, features, balance, seedOf(seed, 'fold', fold))
    const foldX = new Float32Array(rows.length * dim)
    rows.forEach((i, r) => foldX.set(targetX.subarray(i * dim, (i + 1) * dim), r * dim))
    const fit = await fitAndScore({ ...req, seed: seedOf(req.seed, 'fold', fold) }, x, labels, dim, foldX, rows.length)
    rows.forEach((i, r) => (scores[i] = fit.scores[r]))
    last = { scores, used, dim, facts: fit.facts }
  }
  return last!
}
