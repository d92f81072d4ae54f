// Scores of one attack over the target items (attacks.md): CSA, AEA, WSA from cached embeddings; the blind baseline from raw files.
import { throwIfAborted } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ResolvedSpec } from '../../../shared/contract/experiments'
import { aeaCosineVectors, aeaScores, blindBaseline, csaScores, imageStats, runWsa, type EmbeddingRows, type ImageStats } from '../attacks'
import { readItemImage, type Item } from '../datasets'
import type { EmbeddedItems } from './embed'
import type { RunItems } from './plan'
import { PhaseProgress } from './progress'

/** Scores of the evaluated items, aligned with `targets`, and what the attack reports about itself. */
export interface AttackOutcome {
  targets: Item[]
  scores: Float64Array
  /** Scores of the reference non-members under the same attack (threshold calibration); null when not meaningful. */
  referenceScores: Float64Array | null
  /** Per-target AEA cosine vectors (c_0..c_K), stored with the scores so other aggregations can reuse them. */
  extra: Array<Float32Array | null> | null
  report: Record<string, unknown>
}

/** Items with every needed vector, as row-major matrices. */
interface Rows {
  items: Item[]
  image: Float32Array
  text: Float32Array
  /** views[k] = n × d image embeddings of view k (only when K views were asked for). */
  views: Float32Array[]
}

const truthOf = (it: Item): number => (it.membership === 'member' ? 1 : it.membership === 'nonmember' ? 0 : -1)

/** Gather the items whose caption and all `nViews` image views are embedded. */
function gather(items: Item[], emb: EmbeddedItems, nViews: number): Rows {
  const d = emb.dim
  const kept = items.filter((it) => emb.text(it.id) && Array.from({ length: nViews }, (_, k) => emb.image(it.id, k)).every(Boolean))
  const text = new Float32Array(kept.length * d)
  const views = Array.from({ length: nViews }, () => new Float32Array(kept.length * d))
  kept.forEach((it, i) => {
    text.set(emb.text(it.id)!, i * d)
    for (let k = 0; k < nViews; k++) views[k].set(emb.image(it.id, k)!, i * d)
  })
  return { items: kept, image: views[0], text, views }
}

function aeaOf(rows: Rows, d: number, aggregation: 'mean' | 'drop'): { vectors: Float64Array; scores: Float64Array } {
  const vectors = aeaCosineVectors(rows.views, rows.text, rows.items.length, d)
  return { vectors, scores: aeaScores(vectors, rows.items.length, rows.views.length, aggregation) }
}

function embeddingRows(rows: Rows, aea: Float64Array | undefined): EmbeddingRows {
  return { n: rows.items.length, image: rows.image, text: rows.text, aea, truth: Int8Array.from(rows.items, truthOf) }
}

/** Run CSA, AEA or WSA on embedded items. */
export async function scoreWithModel(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, signal: AbortSignal | undefined, emit: EventSink): Promise<AttackOutcome> {
  const d = emb.dim
  const wantViews = spec.attack === 'aea' || (spec.attack === 'wsa' && spec.params.wsa.appendAea) ? emb.views.length : 1
  const targets = gather(parts.targets, emb, wantViews)
  const reference = gather(parts.reference, emb, wantViews)
  if (spec.attack === 'csa') {
    return { targets: targets.items, scores: csaScores(targets.image, targets.text, targets.items.length, d), referenceScores: reference.items.length ? csaScores(reference.image, reference.text, reference.items.length, d) : null, extra: null, report: { views: 1 } }
  }
  if (spec.attack === 'aea') {
    const agg = spec.params.aea.aggregation
    const t = aeaOf(targets, d, agg)
    const r = reference.items.length ? aeaOf(reference, d, agg).scores : null
    const width = targets.views.length
    const extra = targets.items.map((_, i) => Float32Array.from(t.vectors.subarray(i * width, (i + 1) * width)))
    return { targets: targets.items, scores: t.scores, referenceScores: r, extra, report: { views: width, K: width - 1, aggregation: agg, bank: emb.views.slice(1) } }
  }
  return scoreWsa(spec, parts, emb, { targets, reference, wantViews }, signal, emit)
}

async function scoreWsa(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, r: { targets: Rows; reference: Rows; wantViews: number }, signal: AbortSignal | undefined, emit: EventSink): Promise<AttackOutcome> {
  const d = emb.dim
  const w = spec.params.wsa
  const aea = (rows: Rows): Float64Array | undefined => (w.appendAea ? aeaOf(rows, d, 'mean').vectors : undefined)
  const usePool = w.pool === 'separate' || (w.pool === 'auto' && parts.pool.length > 0)
  const pool = usePool ? gather(parts.pool, emb, r.wantViews) : null
  const progress = new PhaseProgress(emit, 'training', w.maxEpochs, 'epochs')
  let lastEpoch = 0
  const { scores, report } = await runWsa({
    d,
    reference: embeddingRows(r.reference, aea(r.reference)),
    target: embeddingRows(r.targets, aea(r.targets)),
    pool: pool ? embeddingRows(pool, aea(pool)) : undefined,
    lambda: w.lambda,
    seed: spec.params.seed,
    model: w.model,
    features: { csa: w.appendCsa, aea: w.appendAea },
    mlp: { maxEpochs: w.maxEpochs, patience: w.patience, learningRate: w.learningRate, batchSize: w.batchSize },
    signal,
    onProgress: (p) => {
      if (p.epoch + 1 > lastEpoch && p.batch === p.batches) {
        progress.advance(p.epoch + 1 - lastEpoch, `epoch ${p.epoch + 1}, loss ${p.loss.toFixed(4)}`)
        lastEpoch = p.epoch + 1
      }
    }
  })
  progress.finish()
  // WSA's reference items trained the attack model (as label 0), so their scores would understate the FPR: no calibration.
  return { targets: r.targets.items, scores, referenceScores: null, extra: null, report: { ...report } }
}

/** Model-free image statistics of every item (unreadable files give null and are skipped). */
async function statsOf(items: Item[], signal: AbortSignal | undefined, progress: PhaseProgress | null): Promise<Array<ImageStats | null>> {
  const out: Array<ImageStats | null> = []
  for (const it of items) {
    throwIfAborted(signal)
    progress?.advance(1, 'blind baseline: image statistics')
    // Unreadable or undecodable files were reported by the embedding phase; here they just drop out.
    out.push(await readItemImage(it).then((b) => imageStats(b, it.id)).catch(() => null))
  }
  return out
}

/** Out-of-fold blind-baseline scores of the labelled targets (never queries the model). */
/**
 * Out-of-fold blind-baseline scores. `emit` says what it is doing (issue 21: the baseline's 22 s were silent): as
 * `scoring` progress when it is the experiment's attack, as log lines when it runs beside another attack's metrics.
 */
export async function scoreBlind(items: Item[], spec: ResolvedSpec, signal: AbortSignal | undefined, emit?: EventSink, asPhase = false): Promise<AttackOutcome> {
  const labelled = items.filter((it) => it.membership !== 'unknown')
  // Embedding-only datasets have no images: the baseline is then caption-only.
  const imageless = labelled.every((it) => !it.imagePath)
  if (!imageless) emit?.({ type: 'log', level: 'info', message: `Blind baseline: reading image statistics of ${labelled.length} items…` })
  const progress = emit && asPhase && !imageless ? new PhaseProgress(emit, 'scoring', labelled.length, 'images') : null
  const stats = imageless ? labelled.map(() => null) : await statsOf(labelled, signal, progress)
  const kept = imageless ? labelled : labelled.filter((_, i) => stats[i] !== null)
  const result = await blindBaseline({
    captions: kept.map((it) => it.caption),
    images: imageless ? undefined : stats.filter((s): s is ImageStats => s !== null),
    labels: Uint8Array.from(kept, (it) => (it.membership === 'member' ? 1 : 0)),
    // Identical captions share a fold: otherwise the baseline just looks up a near-copy's label (e.g. two vendors' renders of one emoji).
    groups: kept.map((it) => it.caption.trim().toLowerCase()),
    seed: spec.params.seed,
    k: spec.params.blind.folds,
    signal,
    onFold: (f, k) => emit?.({ type: 'log', level: 'info', message: `Blind baseline: fitting fold ${f + 1} of ${k} (logistic regression on captions and image statistics)…` })
  })
  const { scores, folds: _folds, ...facts } = result
  return { targets: kept, scores, referenceScores: null, extra: null, report: facts }
}
