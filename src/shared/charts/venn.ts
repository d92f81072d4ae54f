// Venn figure of per-record agreement (issue 20 item 7) for two or three experiments: one circle per experiment in its
// experiment colour, each region labelled with the items flagged by exactly that combination and the members among them.
// Areas are not to scale (the counts are the data); four or more experiments use the UpSet figure (agreement.ts).
import type { EChartsOption } from 'echarts'
import type { Agreement } from '../contract/evidence'
import { baseOption, figureUnits, type FigureSize } from './frame'
import { experimentStroke } from './palette'
import type { FigureStyle } from './style'

/** The most experiments a Venn figure draws. */
export const VENN_MAX_SETS = 3

/** One region of the Venn: exactly the experiments in `sets` flag these items. */
export interface VennRegion {
  sets: number[]
  count: number
  members: number
}

/** Every non-empty combination of `n` experiments with its exact count (zero where no item falls), largest set first. */
export function vennRegions(a: Agreement): VennRegion[] {
  const n = a.experiments.length
  const byKey = new Map(a.intersections.map((r) => [[...r.sets].sort((x, y) => x - y).join(','), r]))
  const out: VennRegion[] = []
  for (let mask = 1; mask < 1 << n; mask++) {
    const sets = Array.from({ length: n }, (_, i) => i).filter((i) => mask & (1 << i))
    const hit = byKey.get(sets.join(','))
    out.push({ sets, count: hit?.count ?? 0, members: hit?.members ?? 0 })
  }
  return out
}

type Point = [number, number]

/** Circle centres (unit radius) of 2 or 3 overlapping sets, with the point to label each region at. */
function layout(n: number): { centres: Point[]; labelAt: (sets: number[]) => Point } {
  if (n === 2) {
    const centres: Point[] = [
      [-0.55, 0],
      [0.55, 0]
    ]
    return { centres, labelAt: (sets) => (sets.length === 2 ? [0, 0] : [centres[sets[0]][0] * 1.75, 0]) }
  }
  // Equilateral triangle of side 1 (radius 1): every pair and the triple overlap, each region has room for a label.
  const h = Math.sqrt(3) / 2
  const centres: Point[] = [
    [-0.5, -h / 3],
    [0.5, -h / 3],
    [0, (2 * h) / 3]
  ]
  const push = (p: Point, by: number): Point => {
    const len = Math.hypot(p[0], p[1])
    return len === 0 ? p : [p[0] + (p[0] / len) * by, p[1] + (p[1] / len) * by]
  }
  const mid = (sets: number[]): Point => [sets.reduce((s, i) => s + centres[i][0], 0) / sets.length, sets.reduce((s, i) => s + centres[i][1], 0) / sets.length]
  // Singles beyond their centre, pairs beyond the middle of their edge (outside the third circle), the triple at the centre.
  return { centres, labelAt: (sets) => (sets.length === 3 ? [0, 0] : push(mid(sets), sets.length === 1 ? 0.45 : 0.27)) }
}

/** Venn diagram of 2–3 experiments' flag sets at the agreement's FPR; `screen` is the box on screen (px). */
export function vennOption(a: Agreement, style: FigureStyle, screen?: FigureSize): EChartsOption {
  const n = a.experiments.length
  if (n < 2 || n > VENN_MAX_SETS) throw new RangeError(`A Venn figure draws 2 or 3 experiments; got ${n} (use the UpSet figure).`)
  const size = figureUnits(style, screen)
  const fs = style.fontSize
  const top = fs.legend * 2.2
  const bottom = fs.tick * 2.4
  const span = n === 2 ? { w: 3.1, h: 2 } : { w: 3, h: 2 + Math.sqrt(3) / 2 }
  // Names sit above (or below) the circles: leave a text line for them on each side.
  const r = Math.min((size.width * 0.92) / span.w, (size.height - top - bottom - fs.legend * 3) / span.h)
  const { centres, labelAt } = layout(n)
  const cx = size.width / 2
  // The circles' top edge sits one name line below the top: (2 sets) r, (3 sets) r + h/3 above the centre.
  const cy = top + fs.legend * 1.5 + r * (n === 3 ? 1 + Math.sqrt(3) / 6 : 1)
  const at = (p: Point): Point => [cx + p[0] * r, cy + p[1] * r]
  const text = (x: number, y: number, t: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'text',
    x,
    y,
    silent: true,
    style: { text: t, fontSize: fs.label, fontFamily: style.fontFamily, fill: style.textColor, align: 'center', verticalAlign: 'middle', ...extra }
  })
  const circles = a.experiments.map((e, i) => {
    const [x, y] = at(centres[i])
    const color = experimentStroke(style.palette, i).color
    return { type: 'circle', name: e.name, shape: { cx: x, cy: y, r }, silent: true, style: { fill: color, opacity: 0.85, stroke: color, lineWidth: style.lineWidth, fillOpacity: 0.14 } }
  })
  const names = a.experiments.map((e, i) => {
    const [x, y] = at(centres[i])
    const below = n === 3 && i === 2
    const label = `${e.name} (${e.flagged})`
    const maxChars = Math.max(8, Math.floor((n === 2 ? size.width / 2 : size.width / 2.2) / (fs.legend * 0.55)))
    const cut = label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label
    const dx = n === 3 && !below ? (i === 0 ? -r * 0.35 : r * 0.35) : 0
    return text(x + dx, below ? y + r + fs.legend * 1.1 : y - r - fs.legend * 0.9, cut, { fontSize: fs.legend, fill: experimentStroke(style.palette, i).color, fontWeight: 'bold' })
  })
  const regions = vennRegions(a).flatMap((g) => {
    const [x, y] = at(labelAt(g.sets))
    return [
      text(x, y - fs.label * 0.6, String(g.count), { fontSize: fs.label * 1.15, fontWeight: 'bold' }),
      text(x, y + fs.label * 0.7, `${g.members} m.`, { fontSize: fs.label * 0.9, fill: style.axisColor })
    ]
  })
  const outside = a.nItems - a.records.length
  const foot = text(size.width / 2, size.height - bottom / 2, `Flagged at FPR ${a.fpr}; "m." = members among them; ${outside} of ${a.nItems} items flagged by none. Areas not to scale.`, {
    fontSize: fs.tick,
    fill: style.axisColor
  })
  return { ...baseOption(style), graphic: { elements: [...circles, ...names, ...regions, foot] } } as EChartsOption
}
