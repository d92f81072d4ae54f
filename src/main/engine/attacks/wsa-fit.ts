// WSA steps 6–7 for one training set: fit the variant's attack model and score rows; and the fold plan of
// cross-fitting (docs/attacks.md "WSA" step 8), so no item is scored by a model trained on it.
import { WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { linearScores, trainLinearBce } from './linear-bce'
import { denseMatrix, fitLogreg, logregScores, type LogregOptions } from './logreg'
import { predictMlp, trainMlp, type MlpOptions, type MlpProgress } from './mlp'
import type { VariantSettings } from './wsa-variants'

/** What one fit reports (null where the model kind does not have it). */
export interface FitFacts {
  epochsRun: number | null
  bestValidationLoss: number | null
  earlyStopped: boolean | null
  iterations: number | null
  converged: boolean | null
  /** MLP: training and validation loss per epoch and the epoch kept, for the Results screen (issue 21). */
  lossCurve?: { train: number[]; validation: number[]; bestEpoch: number }
}

export interface FitRequest {
  model: 'mlp' | 'logreg' | 'linear-bce'
  settings: VariantSettings
  seed: number
  mlp?: Omit<MlpOptions, 'seed' | 'signal' | 'onProgress'>
  logreg?: Omit<LogregOptions, 'signal'>
  signal?: AbortSignal
  onProgress?: (p: MlpProgress) => void
}

/** Train on (x, labels) and score `targetX` (nTarget × dim). */
export async function fitAndScore(req: FitRequest, x: Float32Array, labels: Uint8Array, dim: number, targetX: Float32Array, nTarget: number): Promise<{ scores: Float64Array; facts: FitFacts }> {
  const n = labels.length
  const none: FitFacts = { epochsRun: null, bestValidationLoss: null, earlyStopped: null, iterations: null, converged: null }
  if (req.model === 'linear-bce') {
    // bench2026 pins its schedule (5 epochs, batch 1024, lr 1e-3, weight decay 0.01): the MLP options do not apply.
    const model = trainLinearBce(x, labels, n, dim, { seed: seedOf('wsa-train', req.seed), signal: req.signal })
    return { scores: linearScores(model, targetX, nTarget, dim), facts: { ...none, epochsRun: 5 } }
  }
  if (req.model === 'logreg') {
    const fit = fitLogreg(denseMatrix(x, n, dim), labels, { ...req.logreg, signal: req.signal })
    return { scores: logregScores(fit.model, denseMatrix(targetX, nTarget, dim)), facts: { ...none, iterations: fit.iterations, converged: fit.converged } }
  }
  const { model, summary } = await trainMlp(
    { x, labels, n, dim },
    {
      ...req.mlp,
      keepBest: req.settings.keepBest,
      stratifiedSplit: req.settings.stratifiedSplit,
      seed: seedOf('wsa-train', req.seed),
      signal: req.signal,
      onProgress: req.onProgress
    }
  )
  const scores = await predictMlp(model, targetX, nTarget, dim, { threads: req.mlp?.threads, signal: req.signal, score: req.settings.score })
  return {
    scores,
    facts: {
      ...none,
      epochsRun: summary.epochsRun,
      bestValidationLoss: summary.bestValidationLoss,
      earlyStopped: summary.earlyStopped,
      lossCurve: { train: [...summary.trainLoss], validation: [...summary.validationLoss], bestEpoch: summary.bestEpoch }
    }
  }
}

/**
 * Fold of each of n rows: groups (e.g. one caption's renders) stay in one fold, groups are dealt to folds in a
 * seeded order. Without groups every row is its own group.
 */
export function crossFitFolds(n: number, k: number, seed: number, groups?: readonly string[]): Int32Array {
  if (!Number.isInteger(k) || k < 2) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Cross-fitting needs at least 2 folds (got ${k}).`, hint: 'Use --wsa-folds 2 or more, or --wsa-transductive.' })
  }
  const keys = groups ?? Array.from({ length: n }, (_, i) => String(i))
  const distinct = [...new Set(keys)]
  shuffleInPlace(distinct, createRng(seedOf('wsa-cross-fit', seed)))
  const foldOf = new Map(distinct.map((g, i) => [g, i % k]))
  return Int32Array.from(keys, (g) => foldOf.get(g)!)
}
