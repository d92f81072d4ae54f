// From a spec to a plan: resolve model and dataset to fingerprints and hashes, and split the items into their roles.
import type { ScoreRule } from '../../../shared/contract/models'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { ExperimentSpec, ResolvedSpec, SkippedItem } from '../../../shared/contract/experiments'
import { CALIBRATED_ATTACKS, usesAugmentedViews } from '../../../shared/contract/experiments'
import { providerOrder } from '../../../shared/contract/models'
import { parseBank } from '../augment'
import { captionHash, imageRef, type Dataset, type DatasetIssue, type Item } from '../datasets'
import type { Services } from '../services'
import { parseModelRef, type OpenOptions } from '../models'
import type { WorkspaceStore } from '../store'
import { automaticName } from '../../../shared/experiment-facts'

/** The items of a run by role; reader-level errors are skipped and listed. */
export interface RunItems {
  targets: Item[]
  reference: Item[]
  pool: Item[]
  skipped: SkippedItem[]
}

/** The attack needs the model (all but the blind baseline). */
export const needsModel = (spec: Pick<ExperimentSpec, 'attack'>): boolean => spec.attack !== 'blind'

/** Refuse a dataset without a single target item before any run starts (issue 21), instead of failing minutes in. */
async function requireTargets(ds: Dataset, signal?: AbortSignal): Promise<void> {
  for await (const item of ds.items({ signal, onIssue: () => undefined })) if (item.role === 'target') return
  throw new WorkbenchError({
    code: 'bad-dataset',
    item: ds.info.name,
    message: `Dataset ${ds.info.name} has no target items to attack.`,
    hint: 'Check its manifest (role column) or folder, e.g. with `mia datasets validate`; reference and pool items alone cannot be evaluated.'
  })
}

/** Pin model fingerprint, dataset hash and app version; the resolved spec is what the record stores. */
export async function resolveSpec(s: Services, spec: ExperimentSpec, signal?: AbortSignal): Promise<ResolvedSpec> {
  if (spec.attack === 'imported')
    throw new WorkbenchError({
      code: 'unsupported',
      item: 'attack',
      message: 'Imported scores come from another tool; the workbench cannot run them.',
      hint: 'Import a scores file with `mia metrics --scores <file> --save --name <name>`.'
    })
  // A bad augmentation bank is refused now, not minutes into the run.
  if (spec.params.aea.bank.trim() && usesAugmentedViews(spec.attack, spec.params)) parseBank(spec.params.aea.bank)
  const ds = await s.openDataset(spec.dataset, signal)
  await requireTargets(ds, signal)
  let model: { name: string; fingerprint: string | null; quantized: boolean; format?: string | null; variant?: string | null; scoreRule?: ScoreRule } | null = null
  if (ds.info.embeddings && needsModel(spec)) model = precomputedModel(spec, ds)
  else if (needsModel(spec)) {
    if (!spec.model)
      throw new WorkbenchError({
        code: 'invalid-input',
        item: 'model',
        message: `The ${spec.attack.toUpperCase()} attack needs a model.`,
        hint: 'Choose a model, or the blind baseline, which never queries one.'
      })
    const { dir, variant } = parseModelRef(s.resolveModel(spec.model))
    const d = await s.models.describe(dir, { variant })
    if (d.error) throw new WorkbenchError(d.error)
    // Weights other than fp32 change the scores under attack: the name carries them into every listing and caption.
    const name = d.weights && d.weights !== 'fp32' ? `${d.name}@${d.weights}` : d.name
    model = { name, fingerprint: d.fingerprint, quantized: d.quantized, format: d.format, variant: d.variant, scoreRule: d.scoreRule }
    spec = withLogitScale(spec, d.logitScale)
  }
  return {
    ...spec,
    ...(await referenceModelOf(s, spec, ds)),
    name: spec.name ?? automaticName(spec, model?.name ?? null, ds.info.name),
    modelName: model?.name ?? null,
    modelFingerprint: model?.fingerprint ?? null,
    quantized: model?.quantized ?? false,
    modelFormat: model?.format ?? null,
    modelVariant: model?.variant ?? null,
    ...(model?.scoreRule?.kind === 'sigmoid' ? { scoreRule: model.scoreRule } : {}),
    datasetName: ds.info.name,
    datasetHash: ds.info.hash,
    appVersion: s.config.appVersion
  }
}

/** Loss-grad: pin the model's trained logit scale (read from the export or its card) in the spec, with where it came from, unless the user gave one. */
function withLogitScale(spec: ExperimentSpec, trained: { value: number; source: string } | null): ExperimentSpec & { logitScaleSource?: string } {
  if (spec.attack !== 'loss-grad' || !trained) return spec
  const given = spec.params.lossGrad.logitScale
  if (given === null) return { ...spec, params: { ...spec.params, lossGrad: { ...spec.params.lossGrad, logitScale: trained.value } }, logitScaleSource: trained.source }
  // A rerun of a pinned record gives the same value back: keep saying where it came from.
  return given === trained.value ? { ...spec, logitScaleSource: trained.source } : spec
}

/** The calibration reference model's fingerprint; only CSA and AEA calibrate. */
async function referenceModelOf(s: Services, spec: ExperimentSpec, ds: Dataset): Promise<{ referenceModelFingerprint?: string | null }> {
  const ref = spec.params.calibration.referenceModel
  // `difference` without a reference is accepted: it was the default until `auto`, so older records carry it and must rerun.
  if (!ref && spec.params.calibration.mode === 'regression') {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'calibration',
      message: `Calibration mode ${spec.params.calibration.mode} needs a reference model.`,
      hint: 'Add --reference-model <dir|name>, or drop --calibration.'
    })
  }
  if (!ref) return {}
  if (ds.info.embeddings) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'reference-model',
      message: `${ds.info.name} holds precomputed embeddings only: there are no images to embed with a reference model.`,
      hint: 'Import the images to calibrate, or drop --reference-model.'
    })
  }
  if (!CALIBRATED_ATTACKS.includes(spec.attack)) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'reference-model',
      message: `Reference-model calibration applies to CSA and AEA, not ${spec.attack.toUpperCase()}.`,
      hint: 'Drop --reference-model, or run --attack csa or aea.'
    })
  }
  const d = await s.models.describe(s.resolveModel(ref).replace(/@[a-z0-9-]+$/, ''))
  if (d.error) throw new WorkbenchError(d.error)
  return { referenceModelFingerprint: d.fingerprint }
}

/** Embedding-only datasets: their own vectors stand for the model; AEA, which must embed new views of the images, is refused. */
function precomputedModel(spec: ExperimentSpec, ds: Dataset): { name: string; fingerprint: null; quantized: false } {
  const emb = ds.info.embeddings!
  if (usesAugmentedViews(spec.attack, spec.params)) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'attack',
      message: `${ds.info.name} holds precomputed embeddings only (no images, no model), so AEA cannot embed augmented views${spec.attack === 'wsa' ? ' for the WSA features' : spec.attack === 'qmia' ? " for QMIA's base score" : ''}.`,
      hint: 'Run CSA or WSA (without AEA features) on it, or import the images (e.g. the img2dataset shards) to run AEA with the model.'
    })
  }
  if (spec.model) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'model',
      message: `${ds.info.name} holds precomputed embeddings${emb.model ? ` of ${emb.model}` : ''}; an experiment on it uses those and queries no model.`,
      hint: 'Leave the model out (CLI: drop --model).'
    })
  }
  return { name: `precomputed · ${emb.model ?? `${emb.dim}-d embeddings`}`, fingerprint: null, quantized: false }
}

/** Open the dataset the spec pinned; a changed manifest would silently measure something else. */
export async function openPinnedDataset(s: Services, spec: ResolvedSpec, signal?: AbortSignal): Promise<Dataset> {
  const ds = await s.openDataset(spec.dataset, signal)
  if (ds.info.hash !== spec.datasetHash) {
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: spec.dataset,
      message: `Dataset ${spec.datasetName} changed since the experiment was created (hash ${ds.info.hash.slice(0, 12)} ≠ ${spec.datasetHash.slice(0, 12)}).`,
      hint: 'Create a new experiment on the current dataset, or restore the original manifest.'
    })
  }
  return ds
}

/** An `onIssue` that lists each unusable record once and reports it as an event. */
export function skipCollector(emit: EventSink): { skipped: SkippedItem[]; onIssue: (issue: DatasetIssue) => void } {
  const seen = new Set<string>()
  const skipped: SkippedItem[] = []
  return {
    skipped,
    onIssue: (issue) => {
      if (issue.severity !== 'error' || seen.has(issue.itemId)) return
      seen.add(issue.itemId)
      skipped.push({ itemId: issue.itemId, code: issue.code, message: issue.message })
      emit({ type: 'item-skipped', itemId: issue.itemId, code: issue.code, message: issue.message, hint: issue.hint })
    }
  }
}

/** Stream the dataset once into its roles; unusable records go to `skipped` (and are reported as events); `readOutsideRoot: false` skips images outside the dataset folder. */
export async function collectItems(ds: Dataset, signal: AbortSignal | undefined, emit: EventSink, options: { readOutsideRoot?: boolean } = {}): Promise<RunItems> {
  const { skipped, onIssue } = skipCollector(emit)
  const out: RunItems = { targets: [], reference: [], pool: [], skipped }
  for await (const item of ds.items({ signal, onIssue })) {
    // Browser mode reads no image outside the dataset folder unless the server was started to allow it (SECURITY.md).
    if (item.escapesRoot && options.readOutsideRoot === false) {
      onIssue({
        itemId: item.id,
        severity: 'error',
        code: 'path-escapes-root',
        message: `Item ${item.id}: ${item.imagePath} is outside the dataset folder ${ds.info.root} (symlinks resolved); browser mode does not read it.`,
        hint: 'Copy the image into the dataset folder, run from the CLI, or start `mia serve --read-outside-root`.'
      })
      continue
    }
    if (item.role === 'target') out.targets.push(item)
    else if (item.role === 'reference') out.reference.push(item)
    else out.pool.push(item)
  }
  return out
}

/** Remember items (image location and hash, caption, labels, metadata) so results can show thumbnails and slices later. */
export function storeItems(store: WorkspaceStore, datasetHash: string, items: readonly Item[], imageHashes: ReadonlyMap<string, string>, from = 0): void {
  store.items.putMany(
    items.map((it, i) => ({
      datasetHash,
      itemId: it.id,
      position: from + i,
      imageHash: imageHashes.get(it.id) ?? null,
      captionHash: captionHash(it.caption),
      caption: it.caption,
      // Never remembered for images outside the dataset folder: the Results view must not thumbnail them (issue 16).
      imagePath: it.imagePath && !it.escapesRoot ? imageRef(it) : null,
      membership: it.membership,
      role: it.role,
      metadata: it.metadata
    }))
  )
}

/** The providers an experiment asked for (issue 19), as ModelRegistry.open takes them: absent → the engine's setting. */
export function providersOf(spec: Pick<ResolvedSpec, 'provider'>): OpenOptions['providers'] {
  return spec.provider === undefined ? undefined : (providerOrder(spec.provider) ?? null)
}

/** The model ref to open, checked against the fingerprint the spec pinned. */
export function pinnedModelRef(s: Services, spec: ResolvedSpec): string {
  if (!spec.model) throw new WorkbenchError({ code: 'invalid-input', item: 'model', message: 'The experiment has no model.' })
  return s.resolveModel(spec.model)
}
