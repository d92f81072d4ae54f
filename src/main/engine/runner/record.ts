// Experiment rows ↔ contract records and summaries; metrics reports into their JSON form.
import { WorkbenchError } from '../../../shared/contract/errors'
import { ExperimentResultsSchema, ResolvedSpecSchema, type ExperimentRecord, type ExperimentResults, type ExperimentSummary, type ResolvedSpec } from '../../../shared/contract/experiments'
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
  if (!parsed.success)
    throw new WorkbenchError({
      code: 'store-failed',
      item: row.id,
      message: `Experiment ${row.id} has an unreadable spec: ${parsed.error.issues[0]?.message}.`,
      hint: 'Delete it and create it again.'
    })
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
    modelFingerprint: spec.modelFingerprint,
    datasetHash: spec.datasetHash,
    params: spec.params,
    tprAtFpr: Object.values(results?.metrics?.tprAtFpr ?? {})
      .map((e) => ({ target: e.target, tpr: e.tpr }))
      .sort((a, b) => a.target - b.target)
  }
}

/** Shortest id prefix accepted: shorter ones match by accident too often to be a reference. */
export const MIN_ID_PREFIX = 4

/**
 * The id of the experiment `ref` names: its full id, its exact name, or a unique id prefix of at least
 * MIN_ID_PREFIX characters (issue 22: `mia experiments show 1a2b3c4d`). Several matches are an error listing them.
 */
export function resolveExperimentRef(store: WorkspaceStore, ref: string): string {
  const found = store.experiments.matching(ref)
  const exact = found.find((e) => e.id === ref)
  if (exact) return exact.id
  const named = found.filter((e) => e.name === ref)
  const prefixed = ref.length >= MIN_ID_PREFIX ? found.filter((e) => e.id.startsWith(ref)) : []
  const candidates = named.length > 0 ? named : prefixed
  if (candidates.length === 1) return candidates[0].id
  if (candidates.length > 1) {
    const list = candidates.map((e) => `${e.id.slice(0, 8)} (${e.name})`).join(', ')
    throw new WorkbenchError({
      code: 'invalid-input',
      item: ref,
      message: `"${ref}" names ${candidates.length} experiments: ${list}.`,
      hint: 'Give a longer id prefix or the full id (`mia experiments list` shows them).'
    })
  }
  const short = ref.length < MIN_ID_PREFIX && /^[0-9a-f-]+$/i.test(ref) ? ` An id prefix needs at least ${MIN_ID_PREFIX} characters.` : ''
  throw new WorkbenchError({ code: 'not-found', item: ref, message: `No experiment with id, id prefix or name "${ref}".${short}`, hint: 'List experiments with `mia experiments list`.' })
}

/** The row of an experiment id, or a not-found error naming it. */
export function requireRow(store: WorkspaceStore, id: string): ExperimentRow {
  const row = store.experiments.get(id)
  if (!row) throw new WorkbenchError({ code: 'not-found', item: id, message: `No experiment with id ${id}.`, hint: 'List experiments with `mia experiments list`.' })
  return row
}
