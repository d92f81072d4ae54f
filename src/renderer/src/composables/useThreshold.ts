// Threshold slider logic: TPR/FPR/accuracy of "member iff score ≥ τ" at each histogram edge, from suffix sums (O(1) a move).
import { computed, ref, watch, type Ref } from 'vue'

/** Binned scores per class on shared edges (edges.length = bins + 1). */
export interface BinnedScores {
  edges: readonly number[]
  members: readonly number[]
  nonmembers: readonly number[]
}

/** Rates of the rule at one threshold. */
export interface ThresholdRates {
  threshold: number
  tpr: number
  fpr: number
  accuracy: number
  balancedAccuracy: number
  truePositives: number
  falsePositives: number
}

/** Counts at or above each edge: suffix[k] = sum of counts[k..]; suffix[bins] = 0. */
export function suffixSums(counts: readonly number[]): number[] {
  const out = new Array<number>(counts.length + 1).fill(0)
  for (let i = counts.length - 1; i >= 0; i--) out[i] = out[i + 1] + counts[i]
  return out
}

/** Rates when every item in bins k.. is called a member (exact for the rule "score ≥ edges[k]"). */
export function ratesAt(h: BinnedScores, k: number, sums = { m: suffixSums(h.members), n: suffixSums(h.nonmembers) }): ThresholdRates {
  const i = Math.min(Math.max(0, Math.round(k)), h.edges.length - 1)
  const p = sums.m[0]
  const n = sums.n[0]
  const tp = sums.m[i]
  const fp = sums.n[i]
  const tpr = p > 0 ? tp / p : 0
  const fpr = n > 0 ? fp / n : 0
  return {
    threshold: h.edges[i],
    tpr,
    fpr,
    accuracy: p + n > 0 ? (tp + (n - fp)) / (p + n) : 0,
    balancedAccuracy: (tpr + 1 - fpr) / 2,
    truePositives: tp,
    falsePositives: fp
  }
}

/** Index of the edge closest to `value` (edges ascending). */
export function nearestEdge(edges: readonly number[], value: number): number {
  let best = 0
  for (let i = 1; i < edges.length; i++) if (Math.abs(edges[i] - value) < Math.abs(edges[best] - value)) best = i
  return best
}

/** Slider state over a histogram: `index` moves along the edges, `rates` follow; starts at `initial` when given. */
export function useThreshold(histogram: Ref<BinnedScores | null>, initial: Ref<number | null>) {
  const index = ref(0)
  const sums = computed(() => (histogram.value ? { m: suffixSums(histogram.value.members), n: suffixSums(histogram.value.nonmembers) } : null))
  const maxIndex = computed(() => (histogram.value ? histogram.value.edges.length - 1 : 0))
  const rates = computed<ThresholdRates | null>(() => (histogram.value && sums.value ? ratesAt(histogram.value, index.value, sums.value) : null))

  watch(
    [histogram, initial],
    ([h, start]) => {
      if (!h) return
      index.value = start === null ? Math.floor((h.edges.length - 1) / 2) : nearestEdge(h.edges, start)
    },
    { immediate: true }
  )

  return { index, maxIndex, rates }
}
