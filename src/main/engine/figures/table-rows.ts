// The metrics table as data: one row per experiment with its metrics, CIs and paired Δ against the reference.
import type { Attack, ExperimentParams, ExperimentView } from '../../../shared/contract/experiments'
import type { Audit } from '../../../shared/contract/audit'
import { calibrationReportOf, type CalibrationReport } from '../../../shared/contract/calibration'
import type { Interval, PairedComparisonData, TprAtFprEntry } from '../../../shared/contract/metrics'

/** Paired Δ of a row against the comparison's reference A (the first experiment): A − B with B the row, as on screen and in `mia experiments compare`. */
export interface PairedCell {
  /** Name of the reference experiment (the comparison's `a`). */
  reference: string
  nItems: number
  deltaAuc: number
  deltaAucCI: Interval
  pValue: number
  deltaTprAt1: number | null
  deltaTprAt1CI: Interval | null
  deltaTprAt1P: number | null
}

/** One experiment's line of the metrics table. */
export interface MetricsRow {
  id: string
  name: string
  model: string
  modelFingerprint: string | null
  dataset: string
  datasetHash: string
  attack: Attack
  params: ExperimentParams
  nMembers: number | null
  nNonmembers: number | null
  auc: number | null
  aucCI: Interval | null
  balancedAccuracy: number | null
  balancedAccuracyCI: Interval | null
  /** Entries in the order of the table's FPR targets; null where the experiment has none for a target. */
  tprAtFpr: (TprAtFprEntry | null)[]
  advantage: number | null
  blindAuc: number | null
  blindAucCI: Interval | null
  /** The audit (docs/attacks.md "Audit verdict"); null for records without one. */
  audit: Audit | null
  /** 'reference' for the experiment others are compared with, a cell for the compared ones, null otherwise. */
  paired: PairedCell | 'reference' | null
  /** Reference-model calibration (docs/attacks.md "Reference-model calibration"); null for plain scores. */
  calibration: CalibrationReport | null
}

/** The default FPR targets of attacks.md, used when no experiment has metrics. */
const DEFAULT_TARGETS = [0.001, 0.01, 0.05]

/** FPR targets over all views, ascending (normally the default 0.1 %, 1 %, 5 %). */
export function tableTargets(views: readonly ExperimentView[]): number[] {
  const targets = new Set<number>()
  for (const v of views) for (const e of Object.values(v.record.results?.metrics?.tprAtFpr ?? {})) targets.add(e.target)
  return targets.size === 0 ? DEFAULT_TARGETS : [...targets].sort((a, b) => a - b)
}

/** Δ of `view` against its comparison's reference, in the engine's sign: reference (A) − row (B). */
function pairedCell(view: ExperimentView, views: readonly ExperimentView[], comparisons: readonly PairedComparisonData[]): PairedCell | 'reference' | null {
  const id = view.record.id
  const c = comparisons.find((x) => x.b === id)
  if (!c) return comparisons.some((x) => x.a === id) ? 'reference' : null
  return {
    reference: views.find((v) => v.record.id === c.a)?.record.name ?? c.a,
    nItems: c.nItems,
    deltaAuc: c.deltaAuc.delta,
    deltaAucCI: c.deltaAuc.ci,
    pValue: c.deltaAuc.pValue,
    deltaTprAt1: c.deltaTprAt1.delta,
    deltaTprAt1CI: c.deltaTprAt1.ci,
    deltaTprAt1P: c.deltaTprAt1.pValue
  }
}

/** Rows of the metrics table for `views` (in order), with paired Δ where `comparisons` cover a view. */
export function metricsRows(views: readonly ExperimentView[], comparisons: readonly PairedComparisonData[] = []): MetricsRow[] {
  const targets = tableTargets(views)
  return views.map((view) => {
    const { spec, results } = view.record
    const m = results?.metrics ?? null
    const entries = Object.values(m?.tprAtFpr ?? {})
    return {
      id: view.record.id,
      name: view.record.name,
      model: spec.modelName ?? spec.model ?? 'none',
      modelFingerprint: spec.modelFingerprint,
      dataset: spec.datasetName,
      datasetHash: spec.datasetHash,
      attack: spec.attack,
      params: spec.params,
      nMembers: m?.n.members ?? results?.counts.members ?? null,
      nNonmembers: m?.n.nonmembers ?? results?.counts.nonmembers ?? null,
      auc: m?.auc ?? null,
      aucCI: m?.aucCI ?? null,
      balancedAccuracy: m?.balancedAccuracy ?? null,
      balancedAccuracyCI: m?.balancedAccuracyCI ?? null,
      tprAtFpr: targets.map((t) => entries.find((e) => e.target === t) ?? null),
      advantage: m?.advantage ?? null,
      blindAuc: results?.blindBaseline?.auc ?? null,
      blindAucCI: results?.blindBaseline?.aucCI ?? null,
      audit: results?.audit ?? null,
      paired: pairedCell(view, views, comparisons),
      calibration: calibrationReportOf(results?.attackReport)
    }
  })
}
