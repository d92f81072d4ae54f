// Threshold state of the Results screen over the operating points of src/shared/threshold.ts.
import { computed, ref, watch, type Ref } from 'vue'
import { indexForFpr, indexForThreshold, ratesAt, type OperatingPoints, type ThresholdRates } from '../../../shared/threshold'

export { pointsFromHistogram, pointsFromScores } from '../../../shared/threshold'
export type { ThresholdRates } from '../../../shared/threshold'

/** Threshold state: `index` moves over the operating points, `rates` follow; it starts at `initial` when given. */
export function useThreshold(points: Ref<OperatingPoints | null>, initial: Ref<number | null>) {
  const index = ref(0)
  const maxIndex = computed(() => (points.value ? points.value.thresholds.length - 1 : 0))
  const rates = computed<ThresholdRates | null>(() => (points.value ? ratesAt(points.value, index.value) : null))

  watch(
    [points, initial],
    ([p, start]) => {
      if (!p) return
      index.value = start === null ? Math.floor((p.thresholds.length - 1) / 2) : indexForThreshold(p, start)
    },
    { immediate: true }
  )

  return {
    index,
    maxIndex,
    rates,
    setThreshold: (tau: number) => points.value && (index.value = indexForThreshold(points.value, tau)),
    setTargetFpr: (target: number) => points.value && (index.value = indexForFpr(points.value, target))
  }
}
