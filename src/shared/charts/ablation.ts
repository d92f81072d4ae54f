// The WSA ablation figure (docs/attacks.md "WSA ablation"): two panels, WSA AUC and WSA TPR@1% FPR against the guaranteed
// non-member pool size |D_no| on a log axis, one line per λ of the grid, CSA on the same targets as a dashed line.
import type { EChartsOption, LineSeriesOption } from 'echarts'
import { ablationRows, lambdaLabel, type AblationLambda, type WsaAblation } from '../contract/ablation'
import { axisOf, baseOption, legendOf, panelGrid, X_NAME_GAP_EM, type FigureSize } from './frame'
import { experimentStroke } from './palette'
import type { FigureStyle } from './style'

const PANELS = [
  { key: 'auc', title: 'WSA AUC', csa: 'auc' },
  { key: 'tpr1', title: 'WSA TPR@1% FPR', csa: 'tpr1' }
] as const

/** Legend name of a λ line: the rule's line says which λ it chose. */
export function ablationLineName(requested: AblationLambda, used: readonly number[]): string {
  return `λ ${lambdaLabel(requested, used)}`
}

/** The two-panel figure; `size` in chart units (the grid boxes are laid out in it). */
export function ablationOption(a: WsaAblation, style: FigureStyle, size: FigureSize): EChartsOption {
  const rows = ablationRows(a.cells)
  const lambdas = [...new Map(rows.map((r) => [String(r.requested), r.requested])).values()]
  const names = lambdas.map((l) => ablationLineName(l, [...new Set(rows.filter((r) => r.requested === l).flatMap((r) => r.lambdas))]))
  const padded = { ...style, padding: { ...style.padding, top: style.padding.top + style.fontSize.legend * 2.2 } }
  const boxes = panelGrid(PANELS.length, PANELS.length, padded, size)
  const sizes = rows.map((r) => r.size)
  const [lo, hi] = [Math.min(...sizes), Math.max(...sizes)]
  const series: LineSeriesOption[] = []
  PANELS.forEach((p, g) => {
    lambdas.forEach((l, k) => {
      const stroke = experimentStroke(style.palette, k)
      const points = rows.filter((r) => r.requested === l && r[p.key] !== null).map((r) => [r.size, r[p.key] as number])
      series.push({
        type: 'line',
        name: names[k],
        xAxisIndex: g,
        yAxisIndex: g,
        data: points,
        symbol: 'circle',
        symbolSize: style.lineWidth * 3,
        lineStyle: { width: style.lineWidth, color: stroke.color, type: stroke.type },
        itemStyle: { color: stroke.color }
      })
    })
    const csa = a.csa[p.csa]
    // CSA's value drawn as a dashed reference line across the panel (a marker series would add a legend colour).
    if (csa !== null && series.length)
      series[series.length - 1].markLine = {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed', color: style.textColor, width: style.thinLineWidth },
        label: { formatter: `CSA ${csa.toFixed(3)}`, position: 'insideEndTop', fontSize: style.fontSize.label },
        data: [{ yAxis: csa }]
      }
  })
  const xAxis = PANELS.map((_, g) => ({
    ...axisOf(style, '|D_no| (log)', 'log', { min: lo, max: hi === lo ? lo * 10 : hi }, g),
    nameGap: style.fontSize.tick * X_NAME_GAP_EM,
    axisLabel: { fontSize: style.fontSize.tick, color: style.textColor, formatter: (v: number) => String(Math.round(v)) }
  }))
  const yAxis = PANELS.map((p, g) => ({ ...axisOf(style, p.title, 'linear', p.key === 'auc' ? {} : { min: 0 }, g), scale: p.key === 'auc', nameGap: style.fontSize.tick * 3.2 }))
  return {
    ...baseOption(style),
    legend: legendOf(style, names, 'top'),
    grid: boxes.map((b) => ({ ...b, containLabel: false })),
    xAxis,
    yAxis,
    series,
    ...(style.interactive ? { tooltip: { trigger: 'item' } } : {})
  } as EChartsOption
}
