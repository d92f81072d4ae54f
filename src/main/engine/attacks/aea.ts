// AEA, the augmentation-enhanced attack (Ko et al. 2023, docs/attacks.md "AEA"): per-item cosine
// vectors c_0..c_K over the original view and K augmented views, and their aggregations.
import { WorkbenchError } from '../../../shared/contract/errors'
import { csaScores } from './csa'

/** How the cosine vector becomes one score; `mean` is the spec's default. */
export type AeaAggregation = 'mean' | 'drop'

/** Every aggregation the spec defines. */
export const AEA_AGGREGATIONS: readonly AeaAggregation[] = ['mean', 'drop']

/**
 * The n × (K+1) cosine vectors, row-major: views[k] holds the L2-normalised image embeddings of view
 * k (k = 0 is the original image) for all n items, textEmb the normalised caption embeddings.
 */
export function aeaCosineVectors(views: Float32Array[], textEmb: Float32Array, n: number, d: number): Float64Array {
  if (views.length === 0) {
    throw new WorkbenchError({ code: 'invalid-input', message: 'AEA needs at least the original view.', hint: 'Pass views[0] = the original image embeddings.' })
  }
  const width = views.length
  const out = new Float64Array(n * width)
  views.forEach((view, k) => {
    const c = csaScores(view, textEmb, n, d)
    for (let i = 0; i < n; i++) out[i * width + k] = c[i]
  })
  return out
}

/**
 * Aggregate cosine vectors (n rows of K+1 values, c_0 first):
 * mean = (1/(K+1)) Σ_{k=0..K} c_k;  drop = c_0 − (1/K) Σ_{k≥1} c_k (members lose more under transformation).
 */
export function aeaScores(vectors: Float64Array, n: number, width: number, aggregation: AeaAggregation = 'mean'): Float64Array {
  if (vectors.length !== n * width || width < 1) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `AEA vectors have ${vectors.length} values, not ${n} items × ${width} views.`,
      hint: 'Pass the n × (K+1) matrix from aeaCosineVectors.'
    })
  }
  if (aggregation === 'drop' && width < 2) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: 'The AEA "drop" aggregation needs at least one augmented view (K ≥ 1).',
      hint: 'Choose K ≥ 1 augmentations, or use the "mean" aggregation.'
    })
  }
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const row = i * width
    let augmented = 0
    for (let k = 1; k < width; k++) augmented += vectors[row + k]
    out[i] = aggregation === 'mean' ? (vectors[row] + augmented) / width : vectors[row] - augmented / (width - 1)
  }
  return out
}
