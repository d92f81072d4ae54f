// UpSet figure of per-record agreement (issue 20): intersection sizes as bars over a dot matrix of which experiments flag.
import type { BarSeriesOption, EChartsOption, LineSeriesOption, ScatterSeriesOption } from 'echarts'
import type { Agreement } from '../contract/evidence'
import { baseOption, figureUnits, type FigureSize } from './frame'
import type { FigureStyle } from './style'

/** Intersections drawn at most (the largest ones); the rest are summed in the caption, not dropped silently. */
export const UPSET_MAX_COLUMNS = 16

/**
 * Bars: items flagged by exactly that combination of experiments (members shaded apart from non-members); below,
 * one row per experiment with a filled dot where it is part of the combination, joined by a line.
 */
export function upsetOption(a: Agreement, style: FigureStyle, screen?: FigureSize): EChartsOption {
  const cols = a.intersections.slice(0, UPSET_MAX_COLUMNS)
  const size = figureUnits(style, screen)
  const fs = style.fontSize
  // Shared code has no font metrics: ~0.55 em a character, names cut so the labels take at most 40 % of the width.
  const maxChars = Math.max(8, Math.floor((0.4 * size.width) / (fs.tick * 0.55)))
  const names = a.experiments.map((e, i) => {
    const tail = ` (${e.flagged})`
    const head = e.name || `#${i}`
    return (head.length + tail.length > maxChars ? `${head.slice(0, Math.max(3, maxChars - tail.length - 1))}…` : head) + tail
  })
  const x = cols.map((_, i) => String(i))
  const left = Math.min(0.42 * size.width, Math.max(...names.map((n) => n.length)) * fs.tick * 0.55 + fs.tick)
  const right = style.padding.right
  const rowH = fs.tick * 1.7
  const rowsBottom = fs.tick
  const rowsHeight = rowH * names.length
  const colWidth = (size.width - left - right) / Math.max(1, cols.length)
  const dot = Math.max(2, Math.min(fs.tick * 0.8, colWidth * 0.55, rowH * 0.7))
  const category = (gridIndex: number, show: boolean) => ({
    type: 'category' as const,
    data: x,
    gridIndex,
    axisLabel: { show: false },
    axisTick: { show: false },
    axisLine: { show },
    splitLine: { show: false }
  })
  const text = { fontSize: fs.tick, fontFamily: style.fontFamily, color: style.textColor }
  const dots: ScatterSeriesOption[] = [true, false].map((on) => ({
    type: 'scatter',
    xAxisIndex: 1,
    yAxisIndex: 1,
    symbolSize: dot,
    itemStyle: { color: on ? style.textColor : style.gridLineColor },
    data: cols.flatMap((c, ci) => names.map((_, e) => (c.sets.includes(e) === on ? [ci, e] : null)).filter((p): p is number[] => p !== null))
  }))
  const joins: LineSeriesOption[] = cols.map((c, ci) => ({
    type: 'line',
    xAxisIndex: 1,
    yAxisIndex: 1,
    symbol: 'none',
    lineStyle: { color: style.textColor, width: Math.min(style.lineWidth, dot / 3) },
    data: c.sets.map((e) => [ci, e])
  }))
  const bars: BarSeriesOption[] = [
    { type: 'bar', name: 'members', stack: 'n', xAxisIndex: 0, yAxisIndex: 0, itemStyle: { color: style.classColors.members }, data: cols.map((c) => c.members) },
    {
      type: 'bar',
      name: 'non-members / unknown',
      stack: 'n',
      xAxisIndex: 0,
      yAxisIndex: 0,
      itemStyle: { color: style.classColors.nonmembers },
      data: cols.map((c) => c.count - c.members),
      label: { show: true, position: 'top', ...text, fontSize: fs.tick * 0.8, formatter: (p) => String(cols[p.dataIndex as number].count) }
    }
  ]
  return {
    ...baseOption(style),
    legend: {
      data: ['members', 'non-members / unknown'],
      top: 2,
      left: 'center',
      textStyle: { ...text, fontSize: fs.legend },
      itemWidth: fs.legend * 1.2,
      itemHeight: fs.legend * 0.7,
      selectedMode: style.interactive
    },
    grid: [
      { left, right, top: fs.legend * 2 + fs.axisName * 2, bottom: rowsBottom + rowsHeight + fs.tick * 0.6 },
      { left, right, height: rowsHeight, bottom: rowsBottom }
    ],
    xAxis: [category(0, true), category(1, false)],
    yAxis: [
      {
        type: 'value',
        gridIndex: 0,
        name: `Records flagged at FPR ${a.fpr}`,
        nameLocation: 'end',
        nameGap: fs.tick * 0.6,
        nameTextStyle: { ...text, fontSize: fs.axisName, align: 'left' },
        axisLabel: text,
        splitLine: { lineStyle: { color: style.gridLineColor, width: style.thinLineWidth } }
      },
      { type: 'category', gridIndex: 1, data: names, inverse: true, axisLabel: text, axisTick: { show: false }, axisLine: { show: false } }
    ],
    series: [...bars, ...joins, ...dots]
  }
}
