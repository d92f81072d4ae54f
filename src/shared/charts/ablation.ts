// The WSA ablation figure (docs/attacks.md "WSA ablation"): two panels, WSA AUC and WSA TPR@1% FPR against the guaranteed
// non-member pool size |D_no| (the grid's sizes, in order), one line per λ of the grid, CSA on the same targets as a dashed line.
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
  // Sizes as categories in grid order, each labelled (a log axis labels only its decades; the grid's sizes are the point).
  const sizes = [...new Set(rows.map((r) => r.size))].sort((x, y) => x - y)
  const labels = sizes.map((n) => (rows.some((r) => r.size === n && r.all) ? `${n} (all)` : String(n)))
  const series: LineSeriesOption[] = []
  PANELS.forEach((p, g) => {
    lambdas.forEach((l, k) => {
      const stroke = experimentStroke(style.palette, k)
      const points = rows.filter((r) => r.requested === l && r[p.key] !== null).map((r) => [sizes.indexOf(r.size), r[p.key] as number])
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
    ...axisOf(style, '|D_no| (guaranteed non-members)', 'linear', {}, g),
    type: 'category' as const,
    data: labels,
    boundaryGap: false,
    splitLine: { show: false },
    nameGap: style.fontSize.tick * X_NAME_GAP_EM
  }))
  const yAxis = PANELS.map((p, g) => ({
    ...axisOf(
      style,
      p.title,
      'linear',
      yRange(
        rows.map((r) => r[p.key]),
        a.csa[p.csa],
        p.key === 'tpr1'
      ),
      g
    ),
    nameGap: style.fontSize.tick * 3.2
  }))
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

/** A y range in steps of 0.05 that holds every value and CSA's line (an axis fitted to the lines alone could hide it). */
function yRange(values: Array<number | null>, csa: number | null, fromZero: boolean): { min: number; max: number } {
  const all = [...values, csa].filter((v): v is number => v !== null && Number.isFinite(v))
  if (!all.length) return { min: 0, max: 1 }
  const step = 0.05
  const lo = fromZero ? 0 : Math.max(0, Math.floor(Math.min(...all) / step - 0.2) * step)
  const hi = Math.min(1, Math.ceil(Math.max(...all) / step + 0.2) * step)
  return { min: Number(lo.toFixed(2)), max: Number(Math.max(hi, lo + step).toFixed(2)) }
}
