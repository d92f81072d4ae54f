// Scores of QMIA, loss + gradient norm and zero-shot rank on embedded items (docs/attacks.md; issue 20).
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ResolvedSpec } from '../../../shared/contract/experiments'
import { csaScores, DEFAULT_LOGIT_SCALE, runLossGrad, runQmia, runRank, type QmiaRows } from '../attacks'
import type { Item } from '../datasets'
import { aeaOf, gather, type AttackOutcome, type Rows } from './rows'
import type { EmbeddedItems } from './embed'
import type { RunItems } from './plan'
import { PhaseProgress } from './progress'

/** Views each new attack needs: QMIA over AEA needs every view, the others the original only. */
export function viewsFor(spec: ResolvedSpec, emb: EmbeddedItems): number {
  return spec.attack === 'qmia' && spec.params.qmia.base === 'aea' ? emb.views.length : 1
}

function qmiaRows(rows: Rows, d: number, spec: ResolvedSpec): QmiaRows {
  const n = rows.items.length
  const score = spec.params.qmia.base === 'aea' ? aeaOf(rows, d, spec.params.aea.aggregation).scores : csaScores(rows.image, rows.text, n, d)
  // The features the regression conditions each item's threshold on: [ê_I ; ê_T] by default (attacks.md "QMIA").
  const blocks = { both: [rows.image, rows.text], image: [rows.image], text: [rows.text] }[spec.params.qmia.features]
  const p = blocks.length * d
  const features = new Float64Array(n * p)
  for (let i = 0; i < n; i++) blocks.forEach((m, b) => features.set(m.subarray(i * d, (i + 1) * d), i * p + b * d))
  return { n, features, score }
}

/** QMIA: the regression sees only the reference non-members; targets are scored by (s − μ̂)/σ̂. */
export function scoreQmia(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, signal: AbortSignal | undefined): AttackOutcome {
  const d = emb.dim
  const views = viewsFor(spec, emb)
  const targets = gather(parts.targets, emb, views)
  const reference = gather(parts.reference, emb, views)
  const q = spec.params.qmia
  const p = (q.features === 'both' ? 2 : 1) * d
  const r = runQmia({ p, reference: qmiaRows(reference, d, spec), target: qmiaRows(targets, d, spec), alpha: q.alpha, seed: spec.params.seed, signal })
  return {
    targets: targets.items,
    scores: r.scores,
    referenceScores: r.referenceScores,
    extra: null,
    report: { base: q.base, features: q.features, ...(q.base === 'aea' ? { aggregation: spec.params.aea.aggregation, K: views - 1 } : {}), ...r.report }
  }
}

/** Loss + gradient norm: targets and reference share seeded InfoNCE batches; the loss and norm of each target ride along as `extra`. */
export function scoreLossGrad(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, signal: AbortSignal | undefined, emit: EventSink): AttackOutcome {
  const d = emb.dim
  const targets = gather(parts.targets, emb, 1)
  const reference = gather(parts.reference, emb, 1)
  const p = spec.params.lossGrad
  const scale = p.logitScale ?? DEFAULT_LOGIT_SCALE
  if (p.logitScale === null)
    emit({
      type: 'log',
      level: 'warn',
      message: `The model states no logit scale (no logit_scale initializer in a combined graph, no model-card "logit_scale"); the loss uses CLIP's saturated value ${DEFAULT_LOGIT_SCALE}. Set it with --logit-scale if the model was trained otherwise.`
    })
  const nT = targets.items.length
  const image = new Float32Array((nT + reference.items.length) * d)
  image.set(targets.image)
  image.set(reference.image, nT * d)
  const text = new Float32Array(image.length)
  text.set(targets.text)
  text.set(reference.text, nT * d)
  let progress: PhaseProgress | null = null
  let done = 0
  const onBatch = (k: number, total: number): void => {
    progress ??= new PhaseProgress(emit, 'scoring', total, 'batches')
    progress.advance(k - done)
    done = k
  }
  const r = runLossGrad({ d, image, text, nTargets: nT, nReference: reference.items.length, batchSize: p.batchSize, logitScale: scale, seed: spec.params.seed, signal, onBatch })
  const extra = targets.items.map((_, i) => Float32Array.of(r.loss[i], r.gradNorm[i]))
  return {
    targets: targets.items,
    scores: r.scores,
    referenceScores: r.referenceScores,
    extra,
    report: { ...r.report, logitScaleSource: p.logitScale === null ? 'default' : (spec.logitScaleSource ?? 'the spec (--logit-scale)'), extra: ['loss', 'gradNorm'] }
  }
}

const fill = (template: string, text: string): string => template.split('{}').join(text)

/** Zero-shot rank over other items' distinct captions or a candidate list, under each prompt template. */
export async function scoreRank(spec: ResolvedSpec, parts: RunItems, emb: EmbeddedItems, signal: AbortSignal | undefined, emit: EventSink): Promise<AttackOutcome> {
  const d = emb.dim
  const r = spec.params.rank
  const targets = gather(parts.targets, emb, 1)
  const plain = r.templates.length === 1 && r.templates[0] === '{}'
  if ((!plain || r.candidates === 'list') && !emb.embedTexts) {
    throw new WorkbenchError({
      code: 'unsupported',
      item: 'rank',
      message: 'Prompt templates and candidate lists need the text tower, and this dataset holds precomputed embeddings only.',
      hint: 'Use the default template "{}" with candidates from the captions, or import the dataset with a model.'
    })
  }
  const refRows = gather(parts.reference, emb, 1)
  // Caption → its cached text embedding; distinct captions only, so a second render of one caption is never its own distractor.
  const vecOf = new Map<string, Float32Array>()
  for (const rows of [refRows, targets]) rows.items.forEach((it: Item, i) => vecOf.set(it.caption, rows.text.subarray(i * d, (i + 1) * d)))
  const pool: string[] = r.candidates === 'list' ? [...new Set(r.candidateList)] : [...vecOf.keys()]
  if (r.candidates === 'list' && pool.length === 0)
    throw new WorkbenchError({ code: 'invalid-input', item: 'rank.candidateList', message: 'The candidate list is empty.', hint: 'Give candidate texts (one per line with --candidates FILE).' })
  const at = new Map(pool.map((c, i) => [c, i]))
  // Reference non-members are ranked after the targets (per-item seeds follow the row, so target ranks do not move).
  const scored = [...targets.items, ...refRows.items]
  const ownIndex = Int32Array.from(scored, (it) => at.get(it.caption) ?? -1)
  const image = new Float32Array(scored.length * d)
  image.set(targets.image)
  image.set(refRows.image, targets.image.length)
  let ownText: Float32Array[]
  let candidates: Float32Array[]
  if (plain && r.candidates === 'captions') {
    const cand = new Float32Array(pool.length * d)
    pool.forEach((c, i) => cand.set(vecOf.get(c)!, i * d))
    const text = new Float32Array(image.length)
    text.set(targets.text)
    text.set(refRows.text, targets.text.length)
    ownText = [text]
    candidates = [cand]
  } else {
    ownText = []
    candidates = []
    for (const t of r.templates) {
      ownText.push(await emb.embedTexts!(scored.map((it) => fill(t, it.caption))))
      candidates.push(await emb.embedTexts!(pool.map((c) => fill(t, c))))
    }
  }
  const progress = new PhaseProgress(emit, 'scoring', scored.length, 'images')
  let done = 0
  const onProgress = (k: number): void => {
    progress.advance(k - done)
    done = k
  }
  const out = runRank({ d, image, ownText, candidates, m: pool.length, ownIndex, k: r.k, seed: spec.params.seed, signal, onProgress })
  const nT = targets.items.length
  const referenceScores = refRows.items.length ? out.scores.slice(nT) : null
  return {
    targets: targets.items,
    scores: out.scores.slice(0, nT),
    referenceScores,
    extra: targets.items.map((_, i) => Float32Array.of(out.ranks[i])),
    report: { ...out.report, top1: out.ranks.subarray(0, nT).filter((x) => x === 1).length / nT, candidates: r.candidates, templateList: r.templates, extra: ['rank'] }
  }
}
