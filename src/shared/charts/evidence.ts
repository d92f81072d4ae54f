// Figures of evidence beyond one experiment (issue 20): per-record stability over seeds, and the items-needed curve of
// set-level dataset inference (docs/attacks.md "Multi-seed runs", "Set-level dataset inference").
import type { BarSeriesOption, EChartsOption, LineSeriesOption, XAXisComponentOption } from 'echarts'
import type { SeedSummary, SetInference } from '../contract/evidence'
import { axisOf, baseOption, X_NAME_GAP_EM } from './frame'
import type { FigureStyle } from './style'

/** The smallest p drawn on a log axis: a p that underflowed to 0 is drawn here (the table gives the exact value). */
export const P_FLOOR = 1e-16

/** The significance level the curve and `needed` use (SetInferenceSchema). */
const ALPHA = 0.01

const gridOf = (style: FigureStyle) => ({ left: style.padding.left, right: style.padding.right, top: style.padding.top, bottom: style.padding.bottom, containLabel: false })

/**
 * Items flagged by exactly k of the n seeds (k = 1…n), members stacked on non-members; an item flagged by every seed
 * is a stable finding, one flagged by a single seed is noise of the attack's randomness.
 */
export function stabilityOption(s: SeedSummary, style: FigureStyle): EChartsOption {
  const n = s.seeds.length
  const ks = Array.from({ length: n }, (_, i) => i + 1)
  const count = (k: number, membership: string): number => s.stability.records.filter((r) => r.flagged === k && r.membership === membership).length
  const bar = (name: string, membership: string, color: string): BarSeriesOption => ({ type: 'bar', name, stack: 'k', itemStyle: { color }, data: ks.map((k) => count(k, membership)) })
  const other = ks.map((k) => s.stability.histogram[k] - count(k, 'member') - count(k, 'nonmember'))
  const series: BarSeriesOption[] = [bar('members', 'member', style.classColors.members), bar('non-members', 'nonmember', style.classColors.nonmembers)]
  if (other.some((c) => c > 0)) series.push({ type: 'bar', name: 'unlabelled', stack: 'k', itemStyle: { color: style.gridLineColor }, data: other })
  // The shared axis styling on a category axis (its value-axis-only fields are unset for a linear axis).
  const x = { ...axisOf(style, `flagged by k of ${n} seeds`, 'linear', {}), type: 'category', data: ks.map(String), nameGap: style.fontSize.tick * X_NAME_GAP_EM } as XAXisComponentOption
  const y = { ...axisOf(style, 'items', 'linear', { min: 0 }), nameGap: style.fontSize.tick * 3 }
  return { ...baseOption(style), grid: gridOf(style), legend: { top: 0, textStyle: { fontSize: style.fontSize.legend } }, xAxis: x, yAxis: y, series }
}

/** Median one-sided p over seeded subsamples of the suspect set by size (log scale), with the p = 0.01 line. */
export function itemsNeededOption(r: SetInference, style: FigureStyle): EChartsOption {
  const line: LineSeriesOption = {
    type: 'line',
    name: 'median p',
    symbol: 'circle',
    symbolSize: style.lineWidth * 3,
    lineStyle: { width: style.lineWidth, color: style.palette[0] },
    itemStyle: { color: style.palette[0] },
    data: r.curve.map((c) => [c.size, Math.max(c.medianP, P_FLOOR)]),
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { type: 'dashed', color: style.textColor, width: style.thinLineWidth },
      label: { fontSize: style.fontSize.label },
      // Labels inside the plot, so the right margin need not fit them.
      data: [
        { yAxis: ALPHA, label: { formatter: `p = ${ALPHA}`, position: 'insideEndTop' } },
        ...(r.needed !== null ? [{ xAxis: r.needed, label: { formatter: `${r.needed} items`, position: 'insideEndTop' as const } }] : [])
      ]
    }
  }
  const lowest = Math.min(ALPHA, ...r.curve.map((c) => Math.max(c.medianP, P_FLOOR)))
  const x = { ...axisOf(style, 'suspect items tested', 'linear', { min: 0 }), nameGap: style.fontSize.tick * X_NAME_GAP_EM }
  const y = { ...axisOf(style, 'median p (one-sided)', 'log', { min: 10 ** Math.floor(Math.log10(lowest)), max: 1 }), nameGap: style.fontSize.tick * 3.2 }
  return { ...baseOption(style), grid: gridOf(style), xAxis: x, yAxis: y, series: [line] }
}
