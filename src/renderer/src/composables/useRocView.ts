// The Results screen's ROC: log or linear axes, zoom, and the threshold's operating point with its numbers.
import { computed, type Ref } from 'vue'
import type { EChartsOption, ScatterSeriesOption } from 'echarts'
import type { ExperimentView } from '../../../shared/contract/experiments'
import { figureOption, SCREEN_STYLE } from '../../../shared/charts'
import { logAxisFloor } from '../../../shared/charts/roc'
import { formatCount, formatNumber } from '../../../shared/format'
import type { ThresholdRates } from './useThreshold'

/** The ROC option of `view` on `scale`, with the point of the current threshold marked and inside zoom. */
export function useRocView(view: Ref<ExperimentView | null>, scale: Ref<'log' | 'linear'>, rates: Ref<ThresholdRates | null>, nonmembers: Ref<number>) {
  return computed<EChartsOption | null>(() => {
    const v = view.value
    if (!v || !(v.roc || v.record.results?.metrics?.roc)) return null
    const base = figureOption('roc', [v], SCREEN_STYLE, { markTargets: true, scale: scale.value })
    const r = rates.value
    const series = Array.isArray(base.series) ? [...base.series] : base.series ? [base.series] : []
    if (r) {
      const floor = scale.value === 'log' ? logAxisFloor([{ name: '', roc: { fpr: [], tpr: [], thresholds: [] }, nNonmembers: nonmembers.value }]) : 0
      const point: ScatterSeriesOption = {
        type: 'scatter',
        name: 'threshold',
        data: [[Math.max(r.fpr, floor), Math.max(r.tpr, floor)]],
        symbolSize: 11,
        itemStyle: { color: '#111', borderColor: '#fff', borderWidth: 2 },
        z: 10,
        tooltip: {
          formatter: () =>
            `τ = ${Number.isFinite(r.threshold) ? formatNumber(r.threshold, 4) : '+∞'}<br/>FPR ${formatNumber(r.fpr, 4)} · TPR ${formatNumber(r.tpr, 4)}<br/>${formatCount(r.truePositives)} members, ${formatCount(r.falsePositives)} non-members flagged`
        }
      }
      series.push(point)
    }
    return {
      ...base,
      series,
      tooltip: { trigger: 'item' },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none' }
      ]
    } as EChartsOption
  })
}
