// Figures of experiments: ExperimentView → chart inputs → the option of a ROC, histogram or comparison figure.
import type { EChartsOption } from 'echarts'
import { calibrationReportOf } from '../contract/calibration'
import { WorkbenchError } from '../contract/errors'
import type { Attack, ExperimentView } from '../contract/experiments'
import { compareRocOption, histogramPanelsOption } from './compare'
import type { FigureSize } from './frame'
import { histogramOption, type HistogramInput, type HistogramNormalize } from './histogram'
import { rocOption, type RocSeriesInput } from './roc'
import type { FigureStyle } from './style'
import { labelsOf } from '../experiment-facts'

/** Figure kinds, as in the contract's FigureKindSchema. */
export type FigureKindName = 'roc' | 'hist' | 'compare'

/** Choices a figure of experiments takes beyond the style. */
export interface FigureOptions {
  /** ROC axes (default 'log'). */
  scale?: 'log' | 'linear'
  /** Mark TPR@FPR targets on ROC curves. */
  markTargets?: boolean
  /** Threshold marker on histograms. */
  threshold?: number | null
  /** Histogram heights (default 'fraction'; side-by-side panels on one score axis with unequal bins: 'density'). */
  normalize?: HistogramNormalize
  /** Screen box (px) the chart fills: legend placement and multi-panel layouts depend on it. */
  size?: FigureSize
  /** Axis limits [min, max] (ROC: rates; histograms: x = scores). */
  xRange?: readonly [number, number]
  yRange?: readonly [number, number]
  /** Legend labels (ROC) or panel titles (histograms), in the order of the views, replacing experiment names. */
  labels?: readonly string[]
}

const SCORE_LABELS: Record<Attack, string> = {
  csa: 'CSA score (cosine similarity)',
  aea: 'AEA score (mean similarity)',
  wsa: 'WSA member probability',
  blind: 'Blind-baseline score',
  qmia: 'QMIA score (σ above the per-item non-member mean)',
  'loss-grad': 'Loss + gradient-norm member probability',
  rank: 'Zero-shot rank score (1 = own caption first)',
  imported: 'Imported score'
}

function missing(view: ExperimentView, what: string): never {
  throw new WorkbenchError({
    code: 'invalid-input',
    message: `Experiment "${view.record.name}" has no ${what}.`,
    item: view.record.id,
    hint: 'Figures need a finished experiment whose targets include both members and non-members.'
  })
}

/** ROC curve input of one experiment: its name, reduced curve, AUC, non-member count and TPR@FPR entries. */
export function rocSeriesOf(view: ExperimentView): RocSeriesInput {
  const metrics = view.record.results?.metrics ?? null
  const roc = view.roc ?? metrics?.roc ?? missing(view, 'ROC curve')
  return {
    name: view.record.name,
    roc,
    auc: metrics?.auc ?? null,
    nNonmembers: metrics?.n.nonmembers ?? null,
    tprAtFpr: metrics ? Object.values(metrics.tprAtFpr).sort((a, b) => a.target - b.target) : [],
    band: view.rocBand ?? metrics?.rocBand ?? null
  }
}

/** Score histogram of one experiment. */
export function histogramOf(view: ExperimentView): HistogramInput {
  return view.histogram ?? missing(view, 'score histogram')
}

/** What a view's score axis measures: its attack's score, or that score calibrated against a reference model. */
function scaleOf(view: ExperimentView): string {
  const attack = view.record.spec.attack
  const rule = calibrationReportOf(view.record.results?.attackReport)?.mode ?? null
  if (rule === 'regression') return `${attack.toUpperCase()} score calibrated on a reference model (σ above the predicted non-member score)`
  if (rule === 'difference') return `${attack.toUpperCase()} score minus the reference model's`
  return SCORE_LABELS[attack]
}

/** Axis name of the scores: the shared scale's name when all views share one, else "Score". */
export function scoreLabelOf(views: readonly ExperimentView[]): string {
  const scales = new Set(views.map(scaleOf))
  return scales.size === 1 ? [...scales][0] : 'Score'
}

/** Whether the experiments' scores live on one scale (one attack, calibrated alike), so their histograms can share a score axis. */
export function sharesScoreScale(views: readonly ExperimentView[]): boolean {
  return new Set(views.map(scaleOf)).size === 1
}

/** The option of a figure of `kind` over `views`: the one entry point for the renderer and for export. */
export function figureOption(kind: FigureKindName, views: readonly ExperimentView[], style: FigureStyle, options: FigureOptions = {}): EChartsOption {
  if (views.length === 0) throw new WorkbenchError({ code: 'invalid-input', message: 'A figure needs at least one experiment.', hint: 'Pick one or more finished experiments.' })
  // Legends name what sets experiments apart (λ, bank, seed …), so two runs that differ only in a parameter never look alike;
  // explicit labels (export --labels) win.
  const labels = options.labels
  if (labels && labels.length !== views.length) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: labels.join(','),
      message: `${labels.length} legend label(s) for ${views.length} experiment(s).`,
      hint: 'Give one label per experiment, in the order the experiments are named.'
    })
  }
  const names = labelsOf(views.map((v) => v.record))
  const nameOf = (_v: ExperimentView, i: number): string => labels?.[i] ?? names[i]
  const series = (): RocSeriesInput[] => views.map((v, i) => ({ ...rocSeriesOf(v), name: nameOf(v, i) }))
  const roc = { scale: options.scale, markTargets: options.markTargets, size: options.size, xRange: options.xRange, yRange: options.yRange }
  if (kind === 'roc') return rocOption(series(), style, roc)
  if (kind === 'compare') {
    if (views.length < 2) throw new WorkbenchError({ code: 'invalid-input', message: 'A comparison figure needs at least two experiments.', hint: 'Add another experiment with --compare <id>.' })
    return compareRocOption(series(), style, roc)
  }
  const hist = { normalize: options.normalize, scoreLabel: scoreLabelOf(views) }
  const limited = (option: EChartsOption): EChartsOption => withAxisLimits(option, options.xRange, options.yRange)
  if (views.length === 1) return limited(histogramOption(histogramOf(views[0]), style, { ...hist, threshold: options.threshold }))
  const panels = views.map((v, i) => ({ name: nameOf(v, i), histogram: histogramOf(v), threshold: options.threshold }))
  return limited(histogramPanelsOption(panels, style, { ...hist, size: options.size, sharedX: sharesScoreScale(views) }))
}

/** The option with every x (y) axis limited to `x` (`y`) when given. */
function withAxisLimits(option: EChartsOption, x?: readonly [number, number], y?: readonly [number, number]): EChartsOption {
  const limit = (axes: unknown, r?: readonly [number, number]): unknown => {
    if (!r) return axes
    const set = (a: object): object => ({ ...a, min: r[0], max: r[1] })
    return Array.isArray(axes) ? axes.map(set) : set(axes as object)
  }
  return { ...option, xAxis: limit(option.xAxis, x), yAxis: limit(option.yAxis, y) } as EChartsOption
}
