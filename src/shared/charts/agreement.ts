// UpSet figure of per-record agreement (issue 20): intersection sizes as bars over a dot matrix of which experiments flag.
import type { BarSeriesOption, EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts'
import type { Agreement } from '../contract/evidence'
import { baseOption } from './frame'
import type { FigureStyle } from './style'

/** Intersections drawn at most (the largest ones); the rest are summed in the caption, not dropped silently. */
export const UPSET_MAX_COLUMNS = 16

/**
 * Bars: items flagged by exactly that combination of experiments (members shaded apart from non-members); below,
 * one row per experiment with a filled dot where it is part of the combination, joined by a line.
 */
export function upsetOption(a: Agreement, style: FigureStyle): EChartsOption {
  const cols = a.intersections.slice(0, UPSET_MAX_COLUMNS)
  const names = a.experiments.map((e, i) => `${e.name} (${e.flagged})`.slice(0, 48) || `#${i}`)
  const x = cols.map((_, i) => String(i))
  const fs = style.fontSize
  const left = Math.max(...names.map((n) => n.length)) * fs.tick * 0.55 + style.padding.left * 0.3
  const rowsHeight = `${Math.min(45, 8 + names.length * 7)}%`
  const category = (gridIndex: number, show: boolean) => ({ type: 'category' as const, data: x, gridIndex, axisLabel: { show: false }, axisTick: { show: false }, axisLine: { show }, splitLine: { show: false } })
  const text = { fontSize: fs.tick, fontFamily: style.fontFamily, color: style.textColor }
  const dots: ScatterSeriesOption[] = [true, false].map((on) => ({
    type: 'scatter',
    xAxisIndex: 1,
    yAxisIndex: 1,
    symbolSize: fs.tick * 0.8,
    itemStyle: { color: on ? style.textColor : style.gridLineColor },
    data: cols.flatMap((c, ci) => names.map((_, e) => (c.sets.includes(e) === on ? [ci, e] : null)).filter((p): p is number[] => p !== null))
  }))
  const joins: LineSeriesOption[] = cols.map((c, ci) => ({ type: 'line', xAxisIndex: 1, yAxisIndex: 1, symbol: 'none', lineStyle: { color: style.textColor, width: style.lineWidth }, data: c.sets.map((e) => [ci, e]) }))
  const bars: BarSeriesOption[] = [
    { type: 'bar', name: 'members', stack: 'n', xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: style.classColors.members }, data: cols.map((c) => c.members) },
    { type: 'bar', name: 'non-members / unknown', stack: 'n', xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: style.classColors.nonmembers }, data: cols.map((c) => c.count - c.members), label: { show: true, position: 'top', ...text, formatter: (p) => String(cols[p.dataIndex as number].count) } }
  ]
  return {
    ...baseOption(style),
    legend: { data: ['members', 'non-members / unknown'], top: 2, left: 'center', textStyle: { ...text, fontSize: fs.legend }, itemWidth: fs.legend * 1.2, itemHeight: fs.legend * 0.7, selectedMode: style.interactive },
    grid: [
      { left, right: style.padding.right, top: style.padding.top + fs.legend * 1.5, bottom: `${parseFloat(rowsHeight) + 4}%` },
      { left, right: style.padding.right, height: rowsHeight, bottom: style.padding.bottom * 0.5 }
    ],
    xAxis: [category(0, true), category(1, false)],
    yAxis: [
      { type: 'value', gridIndex: 0, name: `Records flagged at FPR ${a.fpr}`, nameLocation: 'middle', nameGap: fs.tick * 3, nameTextStyle: { ...text, fontSize: fs.axisName }, axisLabel: text, splitLine: { lineStyle: { color: style.gridLineColor, width: style.thinLineWidth } } },
      { type: 'category', gridIndex: 1, data: names, inverse: true, axisLabel: text, axisTick: { show: false }, axisLine: { show: false } }
    ],
    series: [...bars, ...joins, ...dots]
  }
}
