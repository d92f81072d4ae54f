// `mia export`: figures and tables as a paper needs them — size with units, format from the file name, chosen columns.
import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { parseLength } from '../shared/charts/size'
import { WorkbenchError } from '../shared/contract/errors'
import { TABLE_COLUMNS, type AxisRange, type ExportFile, type FigureFormat, type TableColumn, type TableFormat } from '../shared/contract/exports'
import type { EngineClient } from '../main/host/client'
import { crashPoint } from '../main/engine/ring-api'
import { withEngine, type GlobalOptions } from './engine-session'
import { DpiSchema, FprSchema } from '../shared/contract/numbers'
import { numberArg } from './options'
import { action } from './output'

interface ExportOptions {
  experiment: string
  compare: string[]
  figure?: 'roc' | 'hist' | 'compare' | 'upset' | 'venn'
  flags?: boolean
  fpr: number
  format?: string
  width: string
  height?: string
  dpi: number
  linear?: boolean
  xlim?: string
  ylim?: string
  labels?: string
  table?: TableFormat
  columns?: string
  float: 'table' | 'table*'
  shortLabels?: boolean
  siunitx?: boolean
  scores?: boolean
  slices?: boolean
  record?: boolean
  out: string
}

const FIGURE_EXTENSIONS: Record<string, FigureFormat> = { svg: 'svg', pdf: 'pdf', png: 'png' }
const TABLE_EXTENSIONS: Record<string, TableFormat> = { csv: 'csv', tex: 'latex' }
/** The contract's bounds of export.figure's widthIn (operations.ts), said in a sentence before the engine sees them. */
const WIDTH_RANGE_IN = { min: 1, max: 20 }

/** The format of `out` from its extension, checked against an explicit `--format`/`--table` (they must agree). */
export function formatFromName<F extends string>(out: string, given: string | undefined, byExtension: Record<string, F>, what: string): F {
  const ext = path.extname(out).slice(1).toLowerCase()
  const fromName = byExtension[ext]
  const names = Object.keys(byExtension)
    .map((e) => `.${e}`)
    .join(', ')
  if (given !== undefined) {
    const wanted = Object.entries(byExtension).find(([, f]) => f === given)?.[0] ?? given
    if (fromName !== undefined && fromName !== given)
      throw new WorkbenchError({
        code: 'invalid-input',
        item: out,
        message: `${out} ends in .${ext} but the ${what} format asked for is ${given}.`,
        hint: `Name the file .${wanted}, or leave the format option out: it is taken from the file name.`
      })
    return given as F
  }
  if (fromName === undefined) throw new WorkbenchError({ code: 'invalid-input', item: out, message: `The ${what} format cannot be told from "${out}".`, hint: `End the file name in ${names}.` })
  return fromName
}

/** Figure width (or height) in inches from "8.5cm", "85mm", "240pt", "3.3in" or a preset, within the export's range. */
export function figureInches(text: string, what: 'width' | 'height'): number {
  const inches = parseLength(text, `figure ${what}`)
  if (inches < WIDTH_RANGE_IN.min * (what === 'height' ? 0.5 : 1) || inches > WIDTH_RANGE_IN.max) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: text,
      message: `A figure ${what} of ${text} (${inches.toFixed(2)} in) is outside ${what === 'height' ? 0.5 : 1}–${WIDTH_RANGE_IN.max} in (${what === 'height' ? 1.27 : 2.54}–${WIDTH_RANGE_IN.max * 2.54} cm).`,
      hint: 'Paper columns are about 3.3 in (8.4 cm) wide, full pages about 6.9 in (17.5 cm).'
    })
  }
  return inches
}

/** "lo,hi" → [lo, hi]. */
export function axisRange(text: string | undefined, flag: string): AxisRange | undefined {
  if (text === undefined) return undefined
  const parts = text.split(',').map((v) => Number(v.trim()))
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0] < parts[1])) {
    throw new WorkbenchError({ code: 'invalid-input', item: text, message: `${flag} ${text} is not "min,max" with min < max.`, hint: `E.g. ${flag} 0.001,1 (log axes need min > 0).` })
  }
  return [parts[0], parts[1]]
}

/** `--columns auc,tpr@1%,ba` → column ids, each checked. */
export function tableColumns(text: string | undefined): TableColumn[] | undefined {
  if (text === undefined) return undefined
  return text.split(',').map((raw) => {
    const id = raw.trim().toLowerCase()
    if (!(TABLE_COLUMNS as readonly string[]).includes(id))
      throw new WorkbenchError({ code: 'invalid-input', item: raw, message: `"${raw}" is not a table column.`, hint: `Choose from ${TABLE_COLUMNS.join(', ')}.` })
    return id as TableColumn
  })
}

/** Write through a temporary file and rename, so a killed export never leaves a half-written figure behind. */
function writeExport(file: ExportFile, out: string): void {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
  const partial = `${out}.partial`
  crashPoint('export-rendered')
  fs.writeFileSync(partial, file.encoding === 'base64' ? Buffer.from(file.data, 'base64') : file.data)
  crashPoint('export-written')
  fs.renameSync(partial, out)
  process.stderr.write(`wrote ${out}${file.caption ? `\ncaption: ${file.caption}` : ''}\n`)
}

/** What to ask the engine for; options are checked before the engine starts, so a mistake is a sentence, not a schema message. */
function request(o: ExportOptions, ids: string[]): (c: EngineClient) => Promise<ExportFile> {
  if (o.figure === 'compare')
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'compare',
      message: '--figure compare is the ROC overlay, which --figure roc draws for every experiment given.',
      hint: 'Use --figure roc --compare <id> (log-log) or --figure hist --compare <id> (side-by-side histograms).'
    })
  if (o.figure === 'upset' || o.figure === 'venn' || o.flags) {
    const format = o.flags ? ('csv' as const) : formatFromName(o.out, o.format, FIGURE_EXTENSIONS, 'figure')
    const input = { ids, fpr: o.fpr, format, figure: o.figure === 'venn' ? ('venn' as const) : ('upset' as const), widthIn: figureInches(o.width, 'width'), dpi: o.dpi }
    return (c) => c.invoke('export.agreement', input)
  }
  if (o.figure) {
    const draw = {
      scale: o.linear ? ('linear' as const) : ('log' as const),
      xRange: axisRange(o.xlim, '--xlim'),
      yRange: axisRange(o.ylim, '--ylim'),
      labels: o.labels?.split(',').map((l) => l.trim())
    }
    const logged = o.figure === 'roc' && draw.scale === 'log'
    for (const [flag, r] of [
      ['--xlim', draw.xRange],
      ['--ylim', draw.yRange]
    ] as const) {
      if (logged && r && r[0] <= 0)
        throw new WorkbenchError({
          code: 'invalid-input',
          item: `${r[0]},${r[1]}`,
          message: `${flag} starts at ${r[0]}, which a log axis cannot show.`,
          hint: `Give a positive minimum (e.g. ${flag} 0.001,1), or --linear for linear axes.`
        })
    }
    const format = formatFromName(o.out, o.format, FIGURE_EXTENSIONS, 'figure')
    const input = { ids, figure: o.figure, format, widthIn: figureInches(o.width, 'width'), heightIn: o.height ? figureInches(o.height, 'height') : undefined, dpi: o.dpi, draw }
    return (c) => c.invoke('export.figure', input)
  }
  if (o.table) {
    const format = formatFromName(o.out, o.table, TABLE_EXTENSIONS, 'table')
    const table = { columns: tableColumns(o.columns), float: o.float, labels: o.shortLabels ? ('short' as const) : ('names' as const), numbers: o.siunitx ? ('siunitx' as const) : ('plain' as const) }
    return (c) => c.invoke('export.table', { ids, format, table })
  }
  if (o.slices) {
    const format = formatFromName(o.out, undefined, TABLE_EXTENSIONS, 'slices table')
    return (c) => c.invoke('export.slices', { id: o.experiment, format })
  }
  if (o.scores) return (c) => c.invoke('export.scores', { id: o.experiment })
  if (o.record) return (c) => c.invoke('export.record', { id: o.experiment })
  throw new WorkbenchError({ code: 'invalid-input', message: 'Nothing to export.', hint: 'Give --figure, --table, --slices, --flags, --scores or --record.' })
}

/** Register `mia export` on the program. */
export function registerExportCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('export')
    .description('figures (SVG/PDF/PNG, format from the file name) and tables (CSV/LaTeX) drawn by the same chart builders as the app')
    .requiredOption('--experiment <id>', 'experiment id, unique id prefix or name')
    .option('--compare <id>', 'further experiment (repeatable); paired Δ = first − other', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(
      new Option(
        '--figure <kind>',
        'roc: ROC curves of every experiment, log-log from FPR 1/n₀ (--linear for linear axes); hist: score histograms per class, one panel per experiment; upset / venn: per-record agreement of the experiments at --fpr (venn: 2–3 experiments)'
      ).choices(['roc', 'hist', 'compare', 'upset', 'venn'])
    )
    .option('--flags', 'per-record flags CSV of --experiment and --compare at --fpr (one 0/1 column per experiment)')
    .option('--fpr <f>', 'FPR budget of --figure upset / venn and --flags', numberArg(FprSchema, 'decimal'), 0.01)
    .addOption(new Option('--format <fmt>', 'figure format; default from the --out extension (.svg, .pdf, .png)').choices(['svg', 'pdf', 'png']))
    .option('--width <w>', 'figure width with unit (in, cm, mm, pt: 8.5cm, 85mm, 240pt, 3.3in) or one-column / two-column', 'one-column')
    .option('--height <h>', 'figure height with unit; default from the width')
    .option('--dpi <n>', 'PNG resolution', numberArg(DpiSchema), 300)
    .option('--linear', 'ROC on linear axes (the unit square) instead of log-log')
    .option('--xlim <min,max>', 'x-axis limits, e.g. 0.001,1')
    .option('--ylim <min,max>', 'y-axis limits')
    .option('--labels <a,b,…>', 'legend labels (ROC) or panel titles (hist), one per experiment in order')
    .addOption(new Option('--table <fmt>', 'metrics table; .tex or .csv must match').choices(['csv', 'latex']))
    .option('--columns <list>', `table columns in order, from ${TABLE_COLUMNS.join(', ')}`)
    .addOption(new Option('--float <env>', 'LaTeX float: table (one column) or table* (two columns)').choices(['table', 'table*']).default('table*'))
    .option('--short-labels', 'label rows by what differs between them (model, dataset, attack, parameters) instead of their names')
    .option('--siunitx', 'LaTeX numbers as siunitx \\num{} (needs \\usepackage{siunitx})')
    .option('--slices', 'AUC and TPR@1% FPR per metadata slice with per-slice bootstrap CIs and small-slice warnings (.csv or .tex)')
    .option('--scores', 'per-item scores CSV')
    .option('--record', 'the experiment record JSON')
    .requiredOption('--out <file>', 'output file')
    .action(
      action(
        async (o: ExportOptions) => {
          const ask = request(o, [o.experiment, ...o.compare])
          const file = await withEngine(globals(), ask)
          writeExport(file, o.out)
        },
        () => false
      )
    )
}
