// Scores of one attack over the target items (attacks.md): CSA, AEA, WSA from cached embeddings; the blind baseline from raw files.
import { throwIfAborted } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ResolvedSpec } from '../../../shared/contract/experiments'
import { usesAugmentedViews } from '../../../shared/contract/experiments'
import { csaScores, IMAGE_FEATURE_DIM, pairwiseScores, imageFeatureVector, imageStats, runWsa, type EmbeddingRows, type ImageStats } from '../attacks'
import { crashPoint } from '../crash-point'
import { readItemImage, type Item } from '../datasets'
import { scoreLossGrad, scoreQmia, scoreRank } from './attack-scores'
import type { EmbeddedItems } from './embed'
import { blindBaselineOffThread } from './blind-thread'
import { aeaOf, gather, truthOf, type AttackOutcome, type Rows } from './rows'
import type { RunItems } from './plan'
import { PhaseProgress } from './progress'

export type { AttackOutcome } from './rows'

function embeddingRows(rows: Rows, aea: Float64Array | undefined): EmbeddingRows {
  return { n: rows.items.length, image: rows.image, text: rows.text, aea, truth: Int8Array.from(rows.items, truthOf) }
}

/** The audit's pool-check input, when there is a reference pool. */
export function basis(scores: string, reference: Float64Array | null, targets: Float64Array): Pick<AttackOutcome, 'thresholdBasis'> {
  return reference && reference.length ? { thresholdBasis: { scores, reference, targets } } : {}
}

/** Run CSA, AEA, WSA, QMIA, loss-grad or rank on embedded items. */
export async function scoreWithModel(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, signal: AbortSignal | undefined, emit: EventSink): Promise<AttackOutcome> {
  const d = emb.dim
  if (spec.attack === 'qmia') return scoreQmia(spec, parts, emb, signal)
  if (spec.attack === 'loss-grad') return scoreLossGrad(spec, parts, emb, signal, emit)
  if (spec.attack === 'rank') return scoreRank(spec, parts, emb, signal, emit)
  const wantViews = usesAugmentedViews(spec.attack, spec.params) ? emb.views.length : 1
  const targets = gather(parts.targets, emb, wantViews)
  const reference = gather(parts.reference, emb, wantViews)
  if (spec.attack === 'csa') {
    // SigLIP's CSA is its match probability (attacks.md "CSA"): same ranking as the cosine, other thresholds.
    const rule = emb.scoreRule?.kind === 'sigmoid' ? emb.scoreRule : null
    const scores = pairwiseScores(csaScores(targets.image, targets.text, targets.items.length, d), rule)
    const referenceScores = reference.items.length ? pairwiseScores(csaScores(reference.image, reference.text, reference.items.length, d), rule) : null
    const report = rule ? { views: 1, score: 'sigmoid(exp(logitScale)·cos + logitBias)', logitScale: rule.logitScale, logitBias: rule.logitBias } : { views: 1 }
    return { targets: targets.items, scores, referenceScores, extra: null, report, ...basis('csa', referenceScores, scores) }
  }
  if (spec.attack === 'aea') {
    const agg = spec.params.aea.aggregation
    const t = aeaOf(targets, d, agg)
    const r = reference.items.length ? aeaOf(reference, d, agg).scores : null
    const width = targets.views.length
    const extra = targets.items.map((_, i) => Float32Array.from(t.vectors.subarray(i * width, (i + 1) * width)))
    return {
      targets: targets.items,
      scores: t.scores,
      referenceScores: r,
      extra,
      report: { views: width, K: width - 1, aggregation: agg, bank: emb.views.slice(1) },
      ...basis(`aea-${agg}`, r, t.scores)
    }
  }
  return scoreWsa(spec, parts, emb, { targets, reference, wantViews }, signal, emit)
}

async function scoreWsa(
  spec: ResolvedSpec,
  parts: RunItems,
  emb: EmbeddedItems,
  r: { targets: Rows; reference: Rows; wantViews: number },
  signal: AbortSignal | undefined,
  emit: EventSink
): Promise<AttackOutcome> {
  const d = emb.dim
  const w = spec.params.wsa
  const aea = (rows: Rows): Float64Array | undefined => (w.appendAea ? aeaOf(rows, d, 'mean').vectors : undefined)
  const usePool = w.pool === 'separate' || (w.pool === 'auto' && parts.pool.length > 0)
  const pool = usePool ? gather(parts.pool, emb, r.wantViews) : null
  const progress = new PhaseProgress(emit, 'training', w.maxEpochs, 'epochs')
  let lastEpoch = 0
  const { scores, report, evaluationRows } = await runWsa({
    d,
    reference: embeddingRows(r.reference, aea(r.reference)),
    target: embeddingRows(r.targets, aea(r.targets)),
    pool: pool ? embeddingRows(pool, aea(pool)) : undefined,
    variant: w.variant,
    lambda: w.lambda,
    targetPrecision: w.targetPrecision,
    crossFit: w.crossFit,
    folds: w.folds,
    // One caption's renders (e.g. two vendors' drawings of one emoji) share a fold, as in the blind baseline.
    groups: r.targets.items.map((it) => it.caption.trim().toLowerCase()),
    seed: spec.params.seed,
    model: w.model,
    features: { csa: w.appendCsa, aea: w.appendAea },
    mlp: { maxEpochs: w.maxEpochs, patience: w.patience, learningRate: w.learningRate, batchSize: w.batchSize },
    signal,
    onProgress: (p) => {
      if (p.batch === p.batches) crashPoint('wsa-epoch')
      if (p.epoch + 1 > lastEpoch && p.batch === p.batches) {
        progress.advance(p.epoch + 1 - lastEpoch, `epoch ${p.epoch + 1}, loss ${p.loss.toFixed(4)}`)
        lastEpoch = p.epoch + 1
      }
    }
  })
  progress.finish()
  // WSA's reference items trained the attack model (as label 0), so their scores would understate the FPR: no calibration.
  const csa = (rows: Rows): Float64Array => csaScores(rows.image, rows.text, rows.items.length, d)
  // ko2023's protocol evaluates a class-balanced subset without the pseudo-members it trained on.
  const keep = evaluationRows ?? Int32Array.from(r.targets.items.keys())
  const pick = <T>(all: ArrayLike<T>): T[] => Array.from(keep, (i) => all[i])
  const targetCsa = csa(r.targets)
  return {
    targets: pick(r.targets.items),
    scores: Float64Array.from(pick(scores)),
    referenceScores: null,
    extra: null,
    report: { ...report },
    ...basis('csa', csa(r.reference), Float64Array.from(pick(targetCsa))),
    trainedOnEvaluated: report.trainedOnEvaluated
  }
}

/** Model-free image statistics of every item (unreadable files give null and are skipped). */
async function statsOf(items: Item[], signal: AbortSignal | undefined, progress: PhaseProgress | null): Promise<Array<ImageStats | null>> {
  const out: Array<ImageStats | null> = []
  for (const it of items) {
    throwIfAborted(signal)
    progress?.advance(1, 'blind baseline: image statistics')
    // Unreadable or undecodable files were reported by the embedding phase; here they just drop out.
    out.push(
      await readItemImage(it)
        .then((b) => imageStats(b, it.id))
        .catch(() => null)
    )
  }
  return out
}

/**
 * Out-of-fold blind-baseline scores of the labelled targets (never queries the model), with their model-free image
 * features. `emit` says what it is doing (issue 21: the baseline's 22 s were silent): as `scoring` progress when it is
 * the experiment's attack, as log lines when it runs beside another attack's metrics.
 */
export async function scoreBlind(
  items: Item[],
  spec: ResolvedSpec,
  signal: AbortSignal | undefined,
  emit?: EventSink,
  asPhase = false
): Promise<AttackOutcome & { imageFeatures: Float64Array | null }> {
  const labelled = items.filter((it) => it.membership !== 'unknown')
  // Embedding-only datasets have no images: the baseline is then caption-only.
  const imageless = labelled.every((it) => !it.imagePath)
  if (!imageless) emit?.({ type: 'log', level: 'info', message: `Blind baseline: reading image statistics of ${labelled.length} items…` })
  const progress = emit && asPhase && !imageless ? new PhaseProgress(emit, 'scoring', labelled.length, 'images') : null
  const stats = imageless ? labelled.map(() => null) : await statsOf(labelled, signal, progress)
  const kept = imageless ? labelled : labelled.filter((_, i) => stats[i] !== null)
  const result = await blindBaselineOffThread(
    {
      captions: kept.map((it) => it.caption),
      images: imageless ? undefined : stats.filter((s): s is ImageStats => s !== null),
      labels: Uint8Array.from(kept, (it) => (it.membership === 'member' ? 1 : 0)),
      // Identical captions share a fold: otherwise the baseline just looks up a near-copy's label (e.g. two vendors' renders of one emoji).
      groups: kept.map((it) => it.caption.trim().toLowerCase()),
      seed: spec.params.seed,
      k: spec.params.blind.folds,
      signal,
      onFold: (f, k) => emit?.({ type: 'log', level: 'info', message: `Blind baseline: fitting fold ${f + 1} of ${k} (logistic regression on captions and image statistics)…` })
    },
    (e) => e.reason && emit?.({ type: 'log', level: 'info', message: `Blind baseline: fitting on the engine thread, since ${e.reason}.` })
  )
  const { scores, folds: _folds, ...facts } = result
  const imageFeatures = imageless ? null : new Float64Array(kept.length * IMAGE_FEATURE_DIM)
  if (imageFeatures) stats.filter((s): s is ImageStats => s !== null).forEach((s, i) => imageFeatures.set(imageFeatureVector(s), i * IMAGE_FEATURE_DIM))
  return { targets: kept, scores, referenceScores: null, extra: null, report: facts, imageFeatures }
}
