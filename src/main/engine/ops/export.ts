// export.*: figures (SVG/PDF/PNG), metrics tables (CSV/LaTeX), per-item scores CSV and the record JSON.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ExperimentView } from '../../../shared/contract/experiments'
import type { ExportFile } from '../../../shared/contract/exports'
import type { PairedComparisonData } from '../../../shared/contract/metrics'
import type { OpParsedInput } from '../../../shared/contract/operations'
import { upsetOption } from '../../../shared/charts/agreement'
import { VENN_MAX_SETS, vennOption } from '../../../shared/charts/venn'
import { paperStyle } from '../../../shared/charts/style'
import { csvDocument, exportFontFile, metricsTable, provenanceCaption, renderFigure, rocBandText, scoresCsv, slicesTable } from '../figures'
import { agreementOp } from './agreement'
import { experimentView, requireRow, toRecord } from '../runner'
import { compareExperimentsOp } from './experiments'
import type { Services } from '../services'

export const slug = (name: string): string =>
  name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'experiment'

export const FIGURE_MIME = { svg: 'image/svg+xml', pdf: 'application/pdf', png: 'image/png' } as const
/** What a figure shows, first words of its caption; the ROC's axes are named as drawn, and its shading when it has one. */
function figureSubject(figure: OpParsedInput<'export.figure'>['figure'], scale: 'log' | 'linear', views: readonly ExperimentView[]): string {
  const axes = scale === 'log' ? 'log-log, FPR from 1/n₀' : 'linear axes'
  if (figure === 'hist') return 'Score histograms of members and non-members'
  if (figure === 'compare') return `ROC curves compared (${axes}, chance line dashed)`
  const band = rocBandText(views)
  return `ROC curve (${axes}, chance line dashed${band ? `; ${band}` : ''})`
}

/** Views of the experiments and, for two or more, their paired comparisons (first vs each other). */
async function viewsOf(s: Services, ids: string[], ctx: { signal?: AbortSignal; emit: EventSink }): Promise<{ views: ExperimentView[]; comparisons: PairedComparisonData[] }> {
  if (ids.length === 1) return { views: [await experimentView(s.store(), ids[0])], comparisons: [] }
  const out = await compareExperimentsOp(s, { ids, resamples: 1000, seed: 0 }, ctx)
  return { views: out.views, comparisons: out.comparisons }
}

/** A figure as the renderer draws it, at paper size, with its provenance caption. */
export async function exportFigureOp(s: Services, i: OpParsedInput<'export.figure'>, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<ExportFile> {
  const { views, comparisons } = await viewsOf(s, i.ids, ctx)
  // The font from this installation's resources (a packaged app has no source checkout to find it in).
  const options = { scale: i.draw.scale, xRange: i.draw.xRange, yRange: i.draw.yRange, labels: i.draw.labels }
  const bytes = await renderFigure({
    kind: i.figure,
    views,
    options,
    format: i.format,
    widthIn: i.widthIn,
    heightIn: i.heightIn,
    dpi: i.dpi,
    title: views.map((v) => v.record.name).join(' vs '),
    fontFile: exportFontFile(s.config.resourcesDir)
  })
  const caption = provenanceCaption(views, { subject: figureSubject(i.figure, i.draw.scale, views), comparisons })
  const binary = i.format !== 'svg'
  return {
    fileName: `${slug(views.map((v) => v.record.name).join('-vs-'))}.${i.figure}.${i.format}`,
    mime: FIGURE_MIME[i.format],
    encoding: binary ? 'base64' : 'utf8',
    data: binary ? bytes.toString('base64') : bytes.toString('utf8'),
    caption
  }
}

/** The metrics table (paired Δ columns when several experiments are compared). */
export async function exportTableOp(s: Services, i: OpParsedInput<'export.table'>, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<ExportFile> {
  const { views, comparisons } = await viewsOf(s, i.ids, ctx)
  return {
    fileName: `${slug(views.map((v) => v.record.name).join('-vs-'))}.metrics.${i.format === 'latex' ? 'tex' : 'csv'}`,
    mime: i.format === 'latex' ? 'application/x-tex' : 'text/csv',
    encoding: 'utf8',
    data: metricsTable(views, comparisons, i.format, i.table),
    caption: provenanceCaption(views, { subject: 'Membership inference metrics', comparisons })
  }
}

/** The slices table of one experiment, with the intervals and warnings the Results screen shows. */
export async function exportSlicesOp(s: Services, i: OpParsedInput<'export.slices'>): Promise<ExportFile> {
  const view = await experimentView(s.store(), i.id)
  if (view.slices.length === 0)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: view.record.id,
      message: `Experiment "${view.record.name}" has no slices: no metadata column of its labelled targets has 2–40 values.`,
      hint: 'Add metadata columns (e.g. source, category) to the dataset manifest.'
    })
  return {
    fileName: `${slug(view.record.name)}.slices.${i.format === 'latex' ? 'tex' : 'csv'}`,
    mime: i.format === 'latex' ? 'application/x-tex' : 'text/csv',
    encoding: 'utf8',
    data: slicesTable(view, i.format),
    caption: provenanceCaption([view], { subject: 'Membership inference metrics by metadata slice, each with its own stratified bootstrap' })
  }
}

/** Per-item scores with labels, readable by `mia metrics --scores`. */
export async function exportScoresOp(s: Services, id: string): Promise<ExportFile> {
  const store = s.store()
  const record = toRecord(requireRow(store, id))
  const scores = store.scores.get(id)
  const items = new Map(store.items.list(record.spec.datasetHash).map((r) => [r.itemId, r]))
  const rows = scores.itemIds.map((itemId, k) => {
    const item = items.get(itemId)
    return { id: itemId, caption: item?.caption ?? '', membership: item?.membership ?? 'unknown', role: item?.role ?? 'target', score: scores.scores[k] }
  })
  const view = await experimentView(store, id)
  return { fileName: `${slug(record.name)}.scores.csv`, mime: 'text/csv', encoding: 'utf8', data: scoresCsv(rows), caption: provenanceCaption([view], { subject: 'Per-item membership scores' }) }
}

/** The record JSON: enough to rerun with `mia rerun`. */
export async function exportRecordOp(s: Services, id: string): Promise<ExportFile> {
  const record = toRecord(requireRow(s.store(), id))
  return { fileName: `${slug(record.name)}.record.json`, mime: 'application/json', encoding: 'utf8', data: `${JSON.stringify(record, null, 2)}\n`, caption: '' }
}

/** The Venn (2–3 experiments) or UpSet figure of which records each experiment flags at `fpr`, or the per-record flags as CSV (one 0/1 column per experiment). */
export async function exportAgreementOp(s: Services, i: OpParsedInput<'export.agreement'>): Promise<ExportFile> {
  if (i.figure === 'venn' && i.ids.length > VENN_MAX_SETS)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: i.ids.join(','),
      message: `A Venn figure draws 2 or 3 experiments; ${i.ids.length} were given.`,
      hint: 'Use the UpSet figure (figure "upset" or "auto") for four or more experiments.'
    })
  const a = agreementOp(s, i.ids, i.fpr)
  const stem = slug(a.experiments.map((e) => e.name).join('-vs-'))
  const caption = `Records flagged at FPR ${i.fpr} (member iff score ≥ the threshold of each experiment's TPR@${i.fpr} point) by ${a.experiments.map((e, k) => `[${k}] ${e.name} (${e.id}, ${e.flagged} flagged)`).join(', ')}, over ${a.nItems} shared items; Jaccard ${a.jaccard.flatMap((row, x) => row.flatMap((j, y) => (y > x ? [`[${x}]–[${y}] ${j.toFixed(3)}`] : []))).join(', ')}.`
  if (i.format === 'csv') {
    const data = csvDocument(
      ['id', 'caption', 'membership', ...a.experiments.map((e) => e.name)],
      a.records.map((r) => [r.id, r.caption, r.membership, ...r.flags.map((f) => (f ? 1 : 0))])
    )
    return { fileName: `${stem}.flags.csv`, mime: 'text/csv', encoding: 'utf8', data, caption }
  }
  const style = paperStyle(i.widthIn)
  const kind = i.figure === 'auto' ? (a.experiments.length <= VENN_MAX_SETS ? 'venn' : 'upset') : i.figure
  const option = kind === 'venn' ? vennOption(a, style) : upsetOption(a, style)
  const bytes = await renderFigure({ option, format: i.format, widthIn: i.widthIn, dpi: i.dpi, title: 'Per-record agreement', fontFile: exportFontFile(s.config.resourcesDir) })
  const binary = i.format !== 'svg'
  return { fileName: `${stem}.${kind}.${i.format}`, mime: FIGURE_MIME[i.format], encoding: binary ? 'base64' : 'utf8', data: binary ? bytes.toString('base64') : bytes.toString('utf8'), caption }
}
