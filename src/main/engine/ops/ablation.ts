// experiments.ablation: the WSA pool-size ablation of a stored WSA experiment (docs/attacks.md "WSA ablation"), on the
// embeddings its run cached — read from the store by the items' content hashes, never recomputed (no model is opened).
import { ablationRows, lambdaLabel, type WsaAblation } from '../../../shared/contract/ablation'
import { ablationOption } from '../../../shared/charts/ablation'
import { figureUnits } from '../../../shared/charts/frame'
import { paperStyle } from '../../../shared/charts/style'
import type { ExportFile } from '../../../shared/contract/exports'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ResolvedSpec } from '../../../shared/contract/experiments'
import type { OpParsedInput } from '../../../shared/contract/operations'
import { ablationCsa, ablationSizes, runWsaAblation, type EmbeddingRows } from '../attacks'
import { requireRow, specOf } from '../runner/record'
import type { Services } from '../services'
import { embeddingKey, type ItemRow, type WorkspaceStore } from '../store'
import { PhaseProgress } from '../runner/progress'
import { csvDocument, exportFontFile, renderFigure } from '../figures'
import { FIGURE_MIME, slug } from './export'

interface Ctx {
  signal?: AbortSignal
  emit: EventSink
}

/** Run the grid over experiment `id`'s cached embeddings; progress is one `training` step per fit. */
export async function ablationOp(s: Services, id: string, input: OpParsedInput<'experiments.ablation'>, ctx: Ctx): Promise<WsaAblation> {
  const store = s.store()
  const row = requireRow(store, id)
  const spec = specOf(row)
  requireAblatable(spec, row.status, id)
  const t0 = performance.now()
  const { target, reference, pool, nLabelled, notes } = ablationRowsOf(store, spec, row.name)
  const w = spec.params.wsa
  const seeds = input.seeds ?? [spec.params.seed]
  const d = target.image.length / Math.max(1, target.n)
  const sizes = ablationSizes(input.sizes, reference.n)
  const beyond = input.sizes.filter((z) => z !== 'all' && z >= reference.n)
  if (beyond.length) notes.push(`Pool size${beyond.length > 1 ? 's' : ''} ${beyond.join(', ')} reach${beyond.length > 1 ? '' : 'es'} the ${reference.n} reference items: fitted once, as all of them.`)
  const total = sizes.length * seeds.length * input.lambdas.length
  const progress = new PhaseProgress(ctx.emit, 'training', total, 'fits')
  ctx.emit({ type: 'log', level: 'info', message: `WSA ablation of ${row.name}: ${total} fits on ${target.n} targets, D_no drawn from ${reference.n} reference items (cached embeddings).` })
  const cells = await runWsaAblation({
    d,
    target,
    reference,
    pool,
    // As the run groups them (runner/attack.ts): one caption's renders share a fold.
    groups: target.items.map((it) => (it.caption ?? '').trim().toLowerCase()),
    sizes,
    lambdas: input.lambdas,
    seeds,
    wsa: {
      variant: w.variant,
      targetPrecision: w.targetPrecision,
      crossFit: w.crossFit,
      folds: w.folds,
      model: w.model,
      features: { csa: w.appendCsa, aea: false },
      mlp: { maxEpochs: w.maxEpochs, patience: w.patience, learningRate: w.learningRate, batchSize: w.batchSize }
    },
    signal: ctx.signal,
    onCell: (cell) => progress.advance(1, `|D_no| ${cell.size}, λ ${cell.requested}: ${cell.error ? 'no fit' : `AUC ${cell.auc?.toFixed(3)}`}`)
  })
  progress.finish()
  return { experimentId: id, name: row.name, nTargets: nLabelled, nReference: reference.n, csa: ablationCsa(d, target), variant: w.variant, cells, notes, seconds: (performance.now() - t0) / 1000 }
}

type CachedRows = EmbeddingRows & { items: ItemRow[] }

/** Targets (both classes labelled), reference items (≥ 2) and, where the experiment used one, the pool, from the cache. */
function ablationRowsOf(store: WorkspaceStore, spec: ResolvedSpec, name: string): { target: CachedRows; reference: CachedRows; pool?: CachedRows; nLabelled: number; notes: string[] } {
  const items = store.items.list(spec.datasetHash)
  const notes: string[] = []
  const rowsOf = (role: ItemRow['role']): CachedRows =>
    cachedRows(
      store,
      spec,
      items.filter((it) => it.role === role),
      role,
      notes
    )
  const target = rowsOf('target')
  const labelled = Array.from(target.truth!).filter((t) => t >= 0)
  if (!labelled.includes(1) || !labelled.includes(0))
    throw new WorkbenchError({
      code: 'invalid-input',
      item: name,
      message: `Experiment ${name} has no labelled members and non-members among its targets: there is nothing to measure.`,
      hint: 'Ablate a WSA experiment on a dataset with membership labels.'
    })
  const reference = rowsOf('reference')
  if (reference.n < 2)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: spec.datasetName,
      message: `The ablation varies the guaranteed non-member pool, but ${spec.datasetName} has ${reference.n} cached reference item(s).`,
      hint: 'Ablate a WSA experiment whose dataset has reference (role "reference") items.'
    })
  const w = spec.params.wsa
  // The experiment's own pool rule (runner/attack.ts scoreWsa).
  const pool = w.pool === 'separate' || (w.pool === 'auto' && items.some((it) => it.role === 'pool')) ? rowsOf('pool') : undefined
  if (pool) notes.push(`The unlabelled pool is the dataset's ${pool.n} pool items, as in the experiment.`)
  return { target, reference, pool, nLabelled: labelled.length, notes }
}

/** Only a finished WSA experiment over an embedding model has what the ablation reads. */
function requireAblatable(spec: ResolvedSpec, status: string, id: string): void {
  if (spec.attack !== 'wsa')
    throw new WorkbenchError({
      code: 'invalid-input',
      item: id,
      message: `The pool-size ablation is WSA's; experiment ${id} is ${spec.attack.toUpperCase()}.`,
      hint: 'Open a WSA experiment, or run one on this model and dataset.'
    })
  if (status !== 'done')
    throw new WorkbenchError({
      code: 'invalid-input',
      item: id,
      message: `Experiment ${id} is ${status}: its embeddings may not all be cached yet.`,
      hint: 'Run the experiment to the end first; the ablation then reuses its cached embeddings.'
    })
  if (!spec.modelFingerprint)
    throw new WorkbenchError({
      code: 'unsupported',
      item: id,
      message: `Experiment ${id} scored precomputed vectors, which the embedding cache does not hold.`,
      hint: 'Use bench/wsa-ablation.ts on the vectors exported as JSON lines.'
    })
  if (spec.params.wsa.appendAea)
    throw new WorkbenchError({
      code: 'unsupported',
      item: id,
      message: `Experiment ${id} appends AEA vectors to WSA's features; the ablation reads only the original views.`,
      hint: 'Ablate a WSA experiment without the AEA feature option.'
    })
}

/** Cached, normalised embeddings of `items` (model of `spec`); items the run skipped (no vectors) are left out and counted in `notes`. */
function cachedRows(store: WorkspaceStore, spec: ResolvedSpec, items: ItemRow[], role: string, notes: string[]): EmbeddingRows & { items: ItemRow[] } {
  const fp = spec.modelFingerprint!
  const image = store.embeddings.getMany(
    fp,
    'image',
    items.flatMap((it) => (it.imageHash ? [{ contentHash: it.imageHash, view: 'orig' }] : []))
  )
  const text = store.embeddings.getMany(
    fp,
    'text',
    items.flatMap((it) => (it.captionHash ? [{ contentHash: it.captionHash, view: 'orig' }] : []))
  )
  const vec = (m: Map<string, Float32Array>, hash: string | null): Float32Array | undefined => (hash ? m.get(embeddingKey(hash, 'orig')) : undefined)
  const kept = items.filter((it) => vec(image, it.imageHash) && vec(text, it.captionHash))
  if (kept.length < items.length) notes.push(`${items.length - kept.length} ${role} item(s) have no cached embedding (the run skipped them) and are left out.`)
  const d = kept.length ? vec(image, kept[0].imageHash)!.length : 0
  const img = new Float32Array(kept.length * d)
  const txt = new Float32Array(kept.length * d)
  kept.forEach((it, i) => {
    img.set(vec(image, it.imageHash)!, i * d)
    txt.set(vec(text, it.captionHash)!, i * d)
  })
  const truth = Int8Array.from(kept, (it) => (it.membership === 'member' ? 1 : it.membership === 'nonmember' ? 0 : -1))
  return { n: kept.length, image: img, text: txt, truth, items: kept }
}

/** The ablation's figure (two panels, CSA dashed) or its cells as CSV, from the table the engine returned (no refit). */
export async function exportAblationOp(s: Services, i: OpParsedInput<'export.ablation'>): Promise<ExportFile> {
  const a = i.ablation
  const stem = `${slug(a.name)}.wsa-ablation`
  const seeds = [...new Set(a.cells.map((c) => c.seed))]
  const rules = ablationRows(a.cells)
    .filter((r) => r.requested === 'rule' && r.lambdas.length)
    .map((r) => `|D_no| ${r.size}: ${lambdaLabel('rule', r.lambdas)}`)
  const caption =
    `WSA (${a.variant} variant) of experiment ${a.name} (${a.experimentId}) against the size of the guaranteed non-member pool D_no ` +
    `(seeded subsets of ${a.nReference} reference items; seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}${seeds.length > 1 ? ', means over seeds' : ''}), ` +
    `${a.nTargets} labelled targets; λ fixed in advance or set by the label-free rule${rules.length ? ` (${rules.join('; ')})` : ''}. ` +
    `CSA on the same targets (dashed): AUC ${a.csa.auc.toFixed(3)}, TPR@1% FPR ${a.csa.tpr1 === null ? '—' : a.csa.tpr1.toFixed(3)}.`
  if (i.format === 'csv') {
    const header = ['pool_size', 'all', 'seed', 'lambda_requested', 'lambda', 'lambda_rule', 'pseudo_members', 'used_per_class', 'precision', 'auc', 'tpr_at_1pct_fpr', 'error']
    const data = csvDocument(
      header,
      a.cells.map((c) => [
        c.size,
        c.all ? 1 : 0,
        c.seed,
        c.requested,
        c.lambda ?? '',
        c.lambdaRule ?? '',
        c.nSelected ?? '',
        c.usedPerClass ?? '',
        c.precision ?? '',
        c.auc ?? '',
        c.tpr1 ?? '',
        c.error ?? ''
      ])
    )
    return { fileName: `${stem}.csv`, mime: 'text/csv', encoding: 'utf8', data, caption }
  }
  const style = paperStyle(i.widthIn, Math.min(0.42 * i.widthIn, 3))
  const option = ablationOption(a, style, figureUnits(style))
  const bytes = await renderFigure({
    option,
    format: i.format,
    widthIn: i.widthIn,
    heightIn: style.heightIn!,
    dpi: i.dpi,
    title: 'WSA pool-size ablation',
    fontFile: exportFontFile(s.config.resourcesDir)
  })
  const binary = i.format !== 'svg'
  return { fileName: `${stem}.${i.format}`, mime: FIGURE_MIME[i.format], encoding: binary ? 'base64' : 'utf8', data: binary ? bytes.toString('base64') : bytes.toString('utf8'), caption }
}
