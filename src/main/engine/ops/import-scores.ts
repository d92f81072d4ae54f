// experiments.import: another tool's scores stored as an experiment, so they compare, plot and export beside the workbench's runs.
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import { ExperimentParamsSchema, type ExperimentResults, type ResolvedSpec } from '../../../shared/contract/experiments'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { evaluateScores } from '../metrics'
import { metricsData, toRecord } from '../runner/record'
import type { Services } from '../services'

/** Points kept of the ROC for display, as for runs (runner/run.ts). */
const ROC_DISPLAY_POINTS = 2000

/** The spec of imported scores: no model; the "dataset" is the file, pinned by its hash. */
function importedSpec(s: Services, input: OpParsedInput<'experiments.import'>): ResolvedSpec {
  const params = ExperimentParamsSchema.parse({ seed: input.seed, evaluation: { resamples: input.resamples }, blind: { enabled: false } })
  return {
    name: input.name,
    dataset: input.source.file,
    attack: 'imported',
    params,
    tags: input.tags,
    imported: input.source,
    modelName: null,
    modelFingerprint: null,
    quantized: false,
    datasetName: path.basename(input.source.file),
    datasetHash: `sha256:${input.source.sha256}`,
    appVersion: s.config.appVersion
  }
}

/** Evaluate and store imported scores as a finished experiment; ids default to the row number ("row-1", …). */
export async function importScoresOp(s: Services, input: OpParsedInput<'experiments.import'>, signal?: AbortSignal): Promise<OpOutput<'experiments.import'>> {
  const n = input.scores.length
  if (input.labels.length !== n || (input.ids && input.ids.length !== n)) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: input.source.file,
      message: `${n} scores, ${input.labels.length} labels and ${input.ids?.length ?? n} ids: they must be one per row.`,
      hint: 'Give one label and (if any) one id per score.'
    })
  }
  const ids = input.ids ?? input.scores.map((_, i) => `row-${i + 1}`)
  if (new Set(ids).size !== n)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: input.source.file,
      message: 'The item ids are not unique.',
      hint: 'Each row needs its own id; leave the id column out to number the rows.'
    })
  const spec = importedSpec(s, input)
  const ev = spec.params.evaluation
  const t0 = performance.now()
  const report = await evaluateScores(
    { scores: input.scores, labels: input.labels },
    { resamples: ev.resamples, seed: spec.params.seed, confidence: ev.confidence, fprTargets: ev.fprTargets, alpha: ev.alpha, curvePoints: ROC_DISPLAY_POINTS, signal }
  )
  const members = input.labels.filter((l) => l === 1).length
  const results: ExperimentResults = {
    metrics: metricsData(report),
    blindBaseline: null,
    attackReport: { imported: input.source },
    counts: { targets: n, members, nonmembers: n - members, unknown: input.source.skippedUnknown, reference: 0, pool: 0 },
    skipped: [],
    provider: null,
    fallbackReason: null,
    embeddings: { computed: 0, cached: 0 },
    timings: { evaluating: (performance.now() - t0) / 1000 }
  }
  const store = s.store()
  const row = store.experiments.create({ name: input.name, tags: input.tags, spec: spec as unknown as Record<string, unknown> })
  store.scores.putMany(
    row.id,
    ids.map((itemId, i) => ({ itemId, score: input.scores[i], label: input.labels[i], extra: null }))
  )
  store.experiments.setResults(row.id, results as unknown as Record<string, unknown>)
  return toRecord(store.experiments.setStatus(row.id, 'done'))
}
