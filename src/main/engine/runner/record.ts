// Experiment rows ↔ contract records and summaries; metrics reports into their JSON form.
import { WorkbenchError } from '../../../shared/contract/errors'
import {
  ExperimentResultsSchema,
  ResolvedSpecSchema,
  type ExperimentRecord,
  type ExperimentResults,
  type ExperimentSummary,
  type ResolvedSpec
} from '../../../shared/contract/experiments'
import type { MetricsReportData } from '../../../shared/contract/metrics'
import type { MetricsReport } from '../metrics'
import type { ExperimentRow, WorkspaceStore } from '../store'

/** The record format tag; bump it when the record's meaning changes. */
export const RECORD_FORMAT = 'mia-workbench/experiment@1' as const

/** A metrics report as JSON data: the ROC's first threshold (+∞) becomes null. */
export function metricsData(report: MetricsReport): MetricsReportData {
  const { roc, ...rest } = report
  if (!roc) return rest
  return { ...rest, roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr), thresholds: Array.from(roc.thresholds, (t) => (Number.isFinite(t) ? t : null)) } }
}

/** The stored spec of a row, validated (rows written by older versions fail loudly, not silently). */
export function specOf(row: ExperimentRow): ResolvedSpec {
  const parsed = ResolvedSpecSchema.safeParse(row.spec)
  if (!parsed.success) throw new WorkbenchError({ code: 'store-failed', item: row.id, message: `Experiment ${row.id} has an unreadable spec: ${parsed.error.issues[0]?.message}.`, hint: 'Delete it and create it again.' })
  return parsed.data
}

function resultsOf(row: ExperimentRow): ExperimentResults | null {
  if (!row.results) return null
  const parsed = ExperimentResultsSchema.safeParse(row.results)
  return parsed.success ? parsed.data : null
}

/** The full record of a row: enough to rerun it. */
export function toRecord(row: ExperimentRow): ExperimentRecord {
  return {
    format: RECORD_FORMAT,
    id: row.id,
    name: row.name,
    tags: row.tags,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    spec: specOf(row),
    results: resultsOf(row),
    error: row.error ? { code: row.error.code, message: row.error.message, hint: row.error.hint } : null
  }
}

/** One line of the experiments list. */
export function toSummary(row: ExperimentRow): ExperimentSummary {
  const spec = specOf(row)
  const results = resultsOf(row)
  return {
    id: row.id,
    name: row.name,
    tags: row.tags,
    status: row.status,
    createdAt: row.createdAt,
    attack: spec.attack,
    modelName: spec.modelName,
    quantized: spec.quantized,
    datasetName: spec.datasetName,
    auc: results?.metrics?.auc ?? null,
    nTargets: results?.counts.targets ?? 0,
    params: spec.params,
    tprAtFpr: Object.values(results?.metrics?.tprAtFpr ?? {})
      .map((e) => ({ target: e.target, tpr: e.tpr }))
      .sort((a, b) => a.target - b.target)
  }
}

/** The row of an experiment id, or a not-found error naming it. */
export function requireRow(store: WorkspaceStore, id: string): ExperimentRow {
  const row = store.experiments.get(id)
  if (!row) throw new WorkbenchError({ code: 'not-found', item: id, message: `No experiment with id ${id}.`, hint: 'List experiments with `mia experiments list`.' })
  return row
}
