// experiments.*: create (resolve and pin), run/resume, rerun a record, list, view, rename, tag, delete, compare.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import { ExperimentRecordSchema, ExperimentSpecSchema, type ExperimentRecord, type ExperimentSpec, type SliceFilter } from '../../../shared/contract/experiments'
import type { PairedComparisonData } from '../../../shared/contract/metrics'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { compareScores } from '../metrics'
import { experimentView, requireRow, resolveSpec, runExperiment, toRecord, toSummary } from '../runner'
import type { Services } from '../services'

interface Ctx {
  signal?: AbortSignal
  emit: EventSink
}

/** Resolve the spec (fingerprint, dataset hash) and store a pending experiment. */
export async function createExperimentOp(s: Services, spec: ExperimentSpec, signal?: AbortSignal): Promise<ExperimentRecord> {
  const resolved = await resolveSpec(s, spec, signal)
  const row = s.store().experiments.create({ name: resolved.name!, tags: spec.tags, spec: resolved as unknown as Record<string, unknown> })
  return toRecord(row)
}

/** Run or resume: embeddings already cached are not recomputed, so a resumed run only does what is left. */
export function runExperimentOp(s: Services, id: string, ctx: Ctx): Promise<ExperimentRecord> {
  return runExperiment(s, id, ctx)
}

/** Rerun a record as a new experiment on the same (fingerprint-checked) model and dataset; report any metric that differs. */
export async function rerunOp(s: Services, raw: unknown, ctx: Ctx): Promise<OpOutput<'experiments.rerun'>> {
  const parsed = ExperimentRecordSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'record',
      message: `Not an experiment record: ${issue?.path.join('.') || '(record)'}: ${issue?.message}.`,
      hint: 'Export the record with `mia experiments show <id> --json` or the Export menu.'
    })
  }
  const original = parsed.data
  const spec = ExperimentSpecSchema.parse({ ...original.spec, name: `${original.name} (rerun)` })
  const resolved = await resolveSpec(s, spec, ctx.signal)
  const pins: Array<[string, unknown, unknown]> = [
    ['model fingerprint', resolved.modelFingerprint, original.spec.modelFingerprint],
    ['dataset hash', resolved.datasetHash, original.spec.datasetHash]
  ]
  for (const [what, now, then] of pins) {
    if (now !== then)
      throw new WorkbenchError({
        code: 'bad-dataset',
        item: what,
        message: `The ${what} differs from the record's (${String(now).slice(0, 12)} ≠ ${String(then).slice(0, 12)}): this would not be a rerun.`,
        hint: 'Point the record at the same model files and dataset (same name or path).'
      })
  }
  const created = await createExperimentOp(s, spec, ctx.signal)
  const record = await runExperiment(s, created.id, ctx)
  const differences = diffResults(original, record)
  return { record, reproduced: differences.length === 0, differences }
}

/** Metric-by-metric differences between two runs of one spec (exact equality: runs are deterministic). */
function diffResults(a: ExperimentRecord, b: ExperimentRecord): string[] {
  const out: string[] = []
  const ma = a.results?.metrics ?? null
  const mb = b.results?.metrics ?? null
  if (!ma || !mb) return ma === mb ? [] : ['metrics present in only one run']
  for (const key of Object.keys(ma) as Array<keyof typeof ma>) {
    if (JSON.stringify(ma[key]) !== JSON.stringify(mb[key])) out.push(`${key}: ${JSON.stringify(ma[key])?.slice(0, 120)} → ${JSON.stringify(mb[key])?.slice(0, 120)}`)
  }
  if (a.results?.blindBaseline?.auc !== b.results?.blindBaseline?.auc) out.push(`blind baseline AUC: ${a.results?.blindBaseline?.auc} → ${b.results?.blindBaseline?.auc}`)
  return out
}

/** Saved experiments, newest first. */
export function listExperimentsOp(s: Services, input: OpParsedInput<'experiments.list'>): OpOutput<'experiments.list'> {
  return { experiments: s.store().experiments.list({ search: input.search, status: input.status }).map(toSummary) }
}

export function renameExperimentOp(s: Services, id: string, name: string): OpOutput<'experiments.rename'> {
  requireRow(s.store(), id)
  return toSummary(s.store().experiments.rename(id, name))
}

export function tagExperimentOp(s: Services, id: string, tags: string[]): OpOutput<'experiments.tag'> {
  requireRow(s.store(), id)
  return toSummary(s.store().experiments.setTags(id, [...new Set(tags.map((t) => t.trim()).filter(Boolean))]))
}

export function deleteExperimentOp(s: Services, id: string): OpOutput<'experiments.delete'> {
  if (!s.store().experiments.delete(id)) requireRow(s.store(), id)
  return { ok: true }
}

/** Labelled, finite scores of an experiment keyed by item id. */
function labelledScores(s: Services, id: string): Map<string, { score: number; label: number }> {
  const sc = s.store().scores.get(id)
  const out = new Map<string, { score: number; label: number }>()
  sc.itemIds.forEach((itemId, i) => {
    if (sc.labels[i] >= 0 && Number.isFinite(sc.scores[i])) out.set(itemId, { score: sc.scores[i], label: sc.labels[i] })
  })
  return out
}

/** Side by side; paired Δ (first vs each other) only when both scored exactly the same labelled target items. */
export async function compareExperimentsOp(s: Services, input: OpParsedInput<'experiments.compare'>, ctx: Ctx): Promise<OpOutput<'experiments.compare'>> {
  const views = await Promise.all(input.ids.map((id) => experimentView(s.store(), id)))
  const comparisons: PairedComparisonData[] = []
  const notes: string[] = []
  const [first, ...rest] = views
  const a = labelledScores(s, first.record.id)
  for (const other of rest) {
    const b = labelledScores(s, other.record.id)
    const label = `${first.record.name} vs ${other.record.name}`
    // Imported scores name their items by the file's ids, so they pair with any experiment over the same labelled ids.
    const imported = first.record.spec.attack === 'imported' || other.record.spec.attack === 'imported'
    const sameData = imported || first.record.spec.datasetHash === other.record.spec.datasetHash
    const same = sameData && a.size === b.size && [...a.keys()].every((k) => b.get(k)?.label === a.get(k)!.label)
    if (!same || a.size === 0) {
      notes.push(`${label}: not paired — the experiments did not score the same labelled target items, so only unpaired metrics are shown.`)
      continue
    }
    const ids = [...a.keys()]
    const c = await compareScores(
      { labels: ids.map((k) => a.get(k)!.label), scoresA: ids.map((k) => a.get(k)!.score), scoresB: ids.map((k) => b.get(k)!.score) },
      { resamples: input.resamples, seed: input.seed, signal: ctx.signal }
    )
    comparisons.push({
      a: first.record.id,
      b: other.record.id,
      nItems: ids.length,
      deltaAuc: { delta: c.auc.delta ?? 0, ci: c.auc.ci ?? { lo: 0, hi: 0 }, pValue: c.auc.pValue ?? 1 },
      deltaTprAt1: { delta: c.tprAtFpr.delta, ci: c.tprAtFpr.ci, pValue: c.tprAtFpr.pValue },
      resamples: c.bootstrap.resamples,
      seed: c.bootstrap.seed
    })
  }
  return { views, comparisons, notes }
}

/** The view of one experiment (its exposed lists limited to `slice` when given). */
export function getExperimentOp(s: Services, id: string, top?: number, slice?: SliceFilter): Promise<OpOutput<'experiments.get'>> {
  return experimentView(s.store(), id, top, slice)
}
