// Embedded items gathered into row-major matrices, the input every embedding attack scores.
import { aeaCosineVectors, aeaScores } from '../attacks'
import type { Item } from '../datasets'
import type { EmbeddedItems } from './embed'

/** Scores of the evaluated items, aligned with `targets`, and what the attack reports about itself. */
export interface AttackOutcome {
  targets: Item[]
  scores: Float64Array
  /** Scores of the reference non-members under the same attack (threshold calibration); null when not meaningful. */
  referenceScores: Float64Array | null
  /** Per-target AEA cosine vectors (c_0..c_K), stored with the scores so other aggregations can reuse them. */
  extra: Array<Float32Array | null> | null
  report: Record<string, unknown>
  /**
   * The scores a threshold is fitted on with the reference pool, for the audit's pool check (attacks.md "Audit
   * verdict" (d)): the attack's own scores for CSA/AEA, the CSA scores behind WSA's μ + λσ. Absent: no check.
   */
  thresholdBasis?: { scores: string; reference: Float64Array; targets: Float64Array }
  /** Evaluated targets that also trained the attack model (transductive WSA); 0 or absent when none. */
  trainedOnEvaluated?: number
}

/** Items with every needed vector, as row-major matrices. */
export interface Rows {
  items: Item[]
  image: Float32Array
  text: Float32Array
  /** views[k] = n × d image embeddings of view k (only when K views were asked for). */
  views: Float32Array[]
}

/** 1 member, 0 non-member, −1 unknown. */
export const truthOf = (it: Item): number => (it.membership === 'member' ? 1 : it.membership === 'nonmember' ? 0 : -1)

/** Gather the items whose caption and all `nViews` image views are embedded. */
export function gather(items: Item[], emb: EmbeddedItems, nViews: number): Rows {
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

/** AEA cosine vectors and aggregated scores of gathered rows. */
export function aeaOf(rows: Rows, d: number, aggregation: 'mean' | 'drop'): { vectors: Float64Array; scores: Float64Array } {
  const vectors = aeaCosineVectors(rows.views, rows.text, rows.items.length, d)
  return { vectors, scores: aeaScores(vectors, rows.items.length, rows.views.length, aggregation) }
}
