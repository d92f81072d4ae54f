// Execute one stored experiment: embed what the cache lacks, score, evaluate, store; resumable and cancellable.
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ExperimentRecord, ExperimentResults, ResolvedSpec, SkippedItem } from '../../../shared/contract/experiments'
import { usesAugmentedViews } from '../../../shared/contract/experiments'
import type { GpuAdapter } from '../../../shared/contract/models'
import { nameAfterRun } from '../../../shared/experiment-facts'
import { blindWarning } from '../attacks'
import { defaultBank, parseBank } from '../augment'
import type { Item } from '../datasets'
import { crashPoint } from '../crash-point'
import { evaluateScores, executionMessage } from '../metrics'
import type { Services } from '../services'
import { scoreBlind, scoreWithModel, type AttackOutcome } from './attack'
import { auditOf } from './audit'
import { calibrate } from './calibrate'
import { embedItems } from './embed'
import { collectItems, openPinnedDataset, pinnedModelRef, providersOf, storeItems } from './plan'
import { scorePrecomputed } from './precomputed'
import { PhaseProgress } from './progress'
import { metricsData, requireRow, specOf, toRecord } from './record'

/** Points kept of the ROC for display; every reported number comes from the exact curve. */
const ROC_DISPLAY_POINTS = 2000

interface RunContext {
  signal?: AbortSignal
  emit: EventSink
}

/** Run (or resume) experiment `id`; its status ends as done, failed or cancelled, and the record is returned. */
export async function runExperiment(s: Services, id: string, ctx: RunContext): Promise<ExperimentRecord> {
  return (await runExperimentWithOutcome(s, id, ctx)).record
}

/** As runExperiment, also returning the attack's outcome (reference scores included), e.g. for set-level inference. */
export async function runExperimentWithOutcome(s: Services, id: string, ctx: RunContext): Promise<{ record: ExperimentRecord; outcome: AttackOutcome }> {
  const store = s.store()
  const spec = specOf(requireRow(store, id))
  if (spec.attack === 'imported')
    throw new WorkbenchError({
      code: 'unsupported',
      item: id,
      message: `Experiment ${id} holds imported scores; there is nothing to run or resume.`,
      hint: 'Import the file again with `mia metrics --save` to store a new version.'
    })
  store.experiments.setStatus(id, 'running')
  try {
    const results = await execute(s, spec, ctx)
    store.scores.putMany(id, results.rows)
    crashPoint('scores-stored')
    // Names include what differs (issue 21): the provider is known only now, once the model ran.
    const renamed = nameAfterRun(store.experiments.get(id)!.name, spec, results.results.provider)
    if (renamed) store.experiments.rename(id, renamed)
    store.experiments.setResults(id, results.results as unknown as Record<string, unknown>)
    return { record: toRecord(store.experiments.setStatus(id, 'done')), outcome: results.outcome }
  } catch (err) {
    const data = toErrorData(err)
    store.experiments.setStatus(id, data.code === 'cancelled' ? 'cancelled' : 'failed', data.code === 'cancelled' ? null : data)
    throw err
  }
}

async function execute(s: Services, spec: ResolvedSpec, ctx: RunContext) {
  const { signal, emit } = ctx
  const timings: Record<string, number> = {}
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    try {
      return await fn()
    } finally {
      timings[phase] = (timings[phase] ?? 0) + (performance.now() - t0) / 1000
    }
  }
  const ds = await openPinnedDataset(s, spec, signal)
  if (ds.vectors && spec.attack !== 'blind') {
    const vectors = ds.vectors
    const run = await timed('scoring', () => scorePrecomputed(spec, { ...ds, vectors }, { store: s.store(), signal, emit }))
    requireScored(run.outcome, run.skipped)
    const counts = countsOf(run.outcome.targets, run.reference, run.pool)
    return finish(spec, run.outcome, { counts, skipped: run.skipped, provider: null, fallbackReason: null, embeddings: { computed: 0, cached: 0 } }, ctx, timings, timed)
  }
  emit({ type: 'log', level: 'info', message: `Reading the items of ${spec.datasetName}…` })
  const parts = await timed('reading', () => collectItems(ds, signal, emit, { readOutsideRoot: s.config.readOutsideRoot ?? !s.config.registeredOnly }))
  emit({ type: 'log', level: 'info', message: `Read ${parts.targets.length} target, ${parts.reference.length} reference and ${parts.pool.length} pool items.` })
  const skipped = [...parts.skipped]
  let provider: string | null = null
  let fallbackReason: string | null = null
  let adapter: GpuAdapter | null = null
  let embeddings = { computed: 0, cached: 0 }
  let outcome: AttackOutcome
  if (spec.attack === 'blind') {
    outcome = await timed('scoring', () => scoreBlind(parts.targets, spec, signal, emit, true))
    storeItems(s.store(), spec.datasetHash, [...parts.targets, ...parts.reference, ...parts.pool], new Map())
  } else {
    const model = await s.models.open(pinnedModelRef(s, spec), { providers: providersOf(spec) })
    if (model.description.fingerprint !== spec.modelFingerprint) {
      throw new WorkbenchError({
        code: 'bad-model',
        item: model.description.path,
        message: `The files of model ${spec.modelName} changed since the experiment was created (fingerprint ${model.description.fingerprint?.slice(0, 12)} ≠ ${spec.modelFingerprint?.slice(0, 12)}).`,
        hint: 'Create a new experiment for the current model files, or restore the original ones.'
      })
    }
    await model.load()
    provider = model.provider
    fallbackReason = model.fallbackReason
    emit({ type: 'log', level: 'info', message: `Model ${spec.modelName} runs on ${provider}${fallbackReason ? ` (${fallbackReason})` : ''}.` })
    const augmented = usesAugmentedViews(spec.attack, spec.params)
    const bank = augmented ? (spec.params.aea.bank.trim() ? parseBank(spec.params.aea.bank) : defaultBank()) : null
    const needed = [...parts.targets, ...parts.reference, ...(spec.attack === 'wsa' ? parts.pool : [])]
    const emb = await timed('embedding', () => embedItems({ model, items: needed, store: s.store(), bank, seed: spec.params.seed, batchSize: s.config.batchSize, signal, emit }))
    // A GPU that failed on the first batch handed the model to the CPU (models/session.ts): record where it really ran.
    if (model.provider !== provider) emit({ type: 'log', level: 'warn', message: `Model ${spec.modelName} moved to ${model.provider}: ${model.fallbackReason}` })
    provider = model.provider
    fallbackReason = model.fallbackReason
    adapter = model.adapter
    skipped.push(...emb.skipped)
    embeddings = { computed: emb.computed.image + emb.computed.text, cached: emb.cached.image + emb.cached.text }
    storeItems(s.store(), spec.datasetHash, [...parts.targets, ...parts.reference, ...parts.pool], emb.imageHashes)
    outcome = await timed('scoring', () => scoreWithModel(spec, parts, emb, signal, emit))
    if (spec.params.calibration.referenceModel) {
      const target = outcome
      outcome = await timed('calibrating', () => calibrate(s, spec, parts, target, { signal, emit }))
    }
  }
  requireScored(outcome, skipped)
  const counts = countsOf(outcome.targets, parts.reference.length, parts.pool.length)
  return finish(spec, outcome, { counts, skipped, provider, fallbackReason, adapter, embeddings }, ctx, timings, timed)
}

/** A run that scored nothing fails with the reason, so no experiment is ever `done` with nothing computed (issue 16). */
function requireScored(outcome: AttackOutcome, skipped: readonly SkippedItem[]): void {
  if (outcome.targets.length > 0) return
  const first = skipped[0]
  throw new WorkbenchError({
    code: 'bad-dataset',
    item: first?.itemId,
    message: skipped.length
      ? `No target item could be scored: ${skipped.length} item(s) were skipped, the first because: ${first.message}`
      : 'The dataset has no target item that this attack can score.',
    hint: skipped.length ? 'Run `mia datasets validate` on the dataset and fix the items it lists.' : 'Give target items (role target) with membership labels, or check the dataset path.'
  })
}

type Timed = <T>(phase: string, fn: () => Promise<T>) => Promise<T>

/** Evaluate the scores and assemble the stored results and score rows. */
async function finish(
  spec: ResolvedSpec,
  outcome: AttackOutcome,
  facts: Pick<ExperimentResults, 'counts' | 'skipped' | 'provider' | 'fallbackReason' | 'adapter' | 'embeddings'>,
  ctx: RunContext,
  timings: Record<string, number>,
  timed: Timed
) {
  crashPoint('scored')
  const evaluation = await timed('evaluating', () => evaluate(spec, outcome, ctx))
  const results: ExperimentResults = { ...evaluation, attackReport: outcome.report, ...facts, timings }
  const rows = outcome.targets.map((it, i) => ({ itemId: it.id, score: outcome.scores[i], label: labelOf(it), extra: outcome.extra?.[i] ?? null }))
  return { results, rows, outcome }
}

const labelOf = (it: Item): 0 | 1 | null => (it.membership === 'member' ? 1 : it.membership === 'nonmember' ? 0 : null)

function countsOf(targets: Item[], reference: number, pool: number): ExperimentResults['counts'] {
  const by = (m: Item['membership']): number => targets.filter((t) => t.membership === m).length
  return { targets: targets.length, members: by('member'), nonmembers: by('nonmember'), unknown: by('unknown'), reference, pool }
}

/** Metrics of the labelled targets (null in audit mode: one class missing) and the blind baseline beside them. */
async function evaluate(spec: ResolvedSpec, outcome: AttackOutcome, ctx: RunContext): Promise<Pick<ExperimentResults, 'metrics' | 'blindBaseline' | 'audit'>> {
  const labelled = outcome.targets.map((it, i) => ({ label: labelOf(it), score: outcome.scores[i] })).filter((x) => x.label !== null)
  const members = labelled.filter((x) => x.label === 1).length
  if (members === 0 || members === labelled.length) {
    ctx.emit({ type: 'log', level: 'warn', message: 'The targets do not hold both members and non-members: scores are stored, metrics are not computed (audit mode).' })
    return { metrics: null, blindBaseline: null, audit: null }
  }
  const ev = spec.params.evaluation
  const progress = new PhaseProgress(ctx.emit, 'evaluating', ev.resamples, 'resamples')
  let done = 0
  const report = await evaluateScores(
    { scores: labelled.map((x) => x.score), labels: labelled.map((x) => x.label!), referenceScores: outcome.referenceScores ?? undefined },
    {
      resamples: ev.resamples,
      seed: spec.params.seed,
      confidence: ev.confidence,
      fprTargets: ev.fprTargets,
      alpha: ev.alpha,
      curvePoints: ROC_DISPLAY_POINTS,
      signal: ctx.signal,
      onProgress: (d) => {
        progress.advance(d - done)
        done = d
      },
      onExecution: (e) => ctx.emit({ type: 'log', level: 'info', message: executionMessage(ev.resamples, e) })
    }
  )
  const metrics = metricsData(report)
  const auditCtx = { seed: spec.params.seed, resamples: ev.resamples, confidence: ev.confidence, signal: ctx.signal }
  const scored = { scores: labelled.map((x) => x.score), labels: labelled.map((x) => x.label!) }
  // A blind run is itself the shift check: it gets no audit of its own.
  if (spec.attack === 'blind') return { metrics, blindBaseline: null, audit: null }
  if (!spec.params.blind.enabled) return { metrics, blindBaseline: null, audit: await auditOf(outcome, scored, null, auditCtx) }
  ctx.emit({ type: 'log', level: 'info', message: 'Metrics done; now the blind baseline beside them (it never queries the model).' })
  const blind = await scoreBlind(outcome.targets, spec, ctx.signal, ctx.emit)
  ctx.emit({ type: 'log', level: 'info', message: `Blind baseline: AUC and its bootstrap CI (${ev.resamples} resamples)…` })
  const blindReport = await evaluateScores(
    { scores: blind.scores, labels: blind.targets.map((it) => labelOf(it)!) },
    { resamples: ev.resamples, seed: spec.params.seed, confidence: ev.confidence, fprTargets: ev.fprTargets, signal: ctx.signal }
  )
  const warning = blindWarning(blindReport.auc, report.auc, blindReport.aucCI)
  if (warning) ctx.emit({ type: 'log', level: 'warn', message: warning })
  const audit = await auditOf(outcome, scored, { outcome: blind, auc: blindReport.auc, aucCI: blindReport.aucCI }, auditCtx)
  if (audit.verdict.kind !== 'clean') ctx.emit({ type: 'log', level: 'warn', message: `Audit: ${audit.verdict.sentence}` })
  for (const flag of audit.verdict.flags) ctx.emit({ type: 'log', level: 'warn', message: `Audit: ${flag.message}` })
  return { metrics, blindBaseline: { auc: blindReport.auc, aucCI: blindReport.aucCI, warning }, audit }
}
