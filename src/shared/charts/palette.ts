// The one palette of every figure (issue 21): experiment colours and class colours are disjoint sets, so a colour means
// one thing in a figure and across the screens (blue is never "non-members" in one chart and "experiment A" in the next).
import type { EChartsOption } from 'echarts'

/** Okabe–Ito colours (Okabe & Ito 2008), ordered for lines on white; yellow last as it is faint on paper. */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const

/** Members / non-members: vermillion and blue, used for nothing else. */
export const CLASS_COLORS = { members: OKABE_ITO[1], nonmembers: OKABE_ITO[0] } as const

/** Experiments, in order: the Okabe–Ito colours the classes leave (five strong ones first, yellow last). */
export const EXPERIMENT_COLORS: readonly string[] = ['#009E73', '#CC79A7', '#E69F00', '#000000', '#56B4E9', '#F0E442']

/** Line dashes that keep experiments apart once the colours run out (the 7th experiment is green and dashed). */
export const EXPERIMENT_DASHES = ['solid', 'dashed', 'dotted'] as const

/** How experiment `index` is drawn: colour, and a dash once every colour is taken, so no two experiments look alike. */
export function experimentStroke(palette: readonly string[], index: number): { color: string; type: (typeof EXPERIMENT_DASHES)[number] } {
  const round = Math.floor(index / palette.length)
  return { color: palette[index % palette.length], type: EXPERIMENT_DASHES[round % EXPERIMENT_DASHES.length] }
}

/** Throw when a style would give an experiment a class colour (a custom style must keep the sets apart too). */
export function checkPalette(palette: readonly string[], classColors: { members: string; nonmembers: string }): void {
  const classes = new Set([classColors.members, classColors.nonmembers].map((c) => c.toLowerCase()))
  const clash = palette.find((c) => classes.has(c.toLowerCase()))
  if (clash) throw new RangeError(`Colour ${clash} is both an experiment colour and a class colour; a colour must mean one thing in a figure.`)
  if (classes.size !== 2) throw new RangeError('Members and non-members need two different colours.')
}

/**
 * Which series names each colour stands for in an option: colour (lower case) → names. A figure keeps the rule when
 * every colour maps to one name (panels repeat "Members" with one colour; that is one meaning).
 */
export function colourMeanings(option: EChartsOption): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as Array<Record<string, unknown>>
  const graphic = (option.graphic as { elements?: Array<Record<string, unknown>> } | undefined)?.elements ?? []
  const colour = (o: unknown, key: string): unknown => (o as Record<string, unknown> | undefined)?.[key]
  const drawn = [
    ...series.map((s) => ({ name: s.name, colours: [s.color, colour(s.lineStyle, 'color'), colour(s.itemStyle, 'color'), colour(s.areaStyle, 'color')] })),
    // Named shapes (the Venn's circles) mean what they are named; text takes the colour of the shape it names.
    ...graphic.map((g) => ({ name: g.name, colours: [colour(g.style, 'fill'), colour(g.style, 'stroke')] }))
  ]
  for (const { name: n, colours } of drawn) {
    const name = typeof n === 'string' ? n : ''
    for (const c of colours) {
      if (typeof c !== 'string' || name === '') continue
      const key = c.toLowerCase()
      const names = out.get(key) ?? new Set<string>()
      names.add(name)
      out.set(key, names)
    }
  }
  return out
}
