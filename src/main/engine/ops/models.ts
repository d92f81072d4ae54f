// models.list / models.add / models.inspect / models.remove: bundled models, the folders the user added and the Hugging Face cache.
import path from 'node:path'
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { OpOutput } from '../../../shared/contract/operations'
import { listDirs, type Services } from '../services'
import { listModels, parseModelRef, toModelInfo, toModelInspection } from '../models'
import { loadTokenizer, tokenize } from '../preprocess'
import type { EventSink } from '../../../shared/contract/events'
import { hubCacheDir, listCachedRepos } from '../models/hf-cache'
import { pullModel } from '../models/hub-pull'
import { PhaseProgress } from '../runner/progress'

/** Bundled and added models, each described (or with its load error explained). */
export async function listModelsOp(s: Services): Promise<OpOutput<'models.list'>> {
  const added = s.store().models.list()
  const bundled = await listModels([{ dir: s.bundledModelsDir, source: 'bundled' }])
  const user = await Promise.all(added.map(async (e) => toModelInfo(await s.models.describe(e.path, { source: 'user' }), e.name)))
  const cached = await Promise.all(
    (await listCachedRepos(s.config.hfCacheDir ?? hubCacheDir())).map(async (r) => ({
      ...toModelInfo(await s.models.describe(r.dir, { source: 'user' }), r.repoId),
      repoId: r.repoId,
      revision: r.revision
    }))
  )
  const models = [...bundled, ...user, ...cached]
  const hint =
    models.length === 0
      ? `No models found. Put a CLIP export (Hugging Face ONNX, OpenCLIP/immich or clip-as-service layout) under ${s.bundledModelsDir}, add a model folder, or \`mia models pull <repo-id>\` into the Hugging Face cache.`
      : null
  return { models, hint }
}

/**
 * Register a folder, only once it passes every check describing it runs (layout, graphs, preprocessing, fingerprint)
 * plus a tokenizer probe: a broken folder is refused with the reason now, not at embed time (issue 16). Its name is
 * `name` or the files' own; a bundled model's name is refused, since `--model NAME` would find the bundled one.
 */
export async function addModelOp(s: Services, input: { path: string; name?: string }): Promise<OpOutput<'models.add'>> {
  const dir = path.resolve(input.path)
  const description = await s.models.describe(dir, { source: 'user' })
  if (description.error) throw new WorkbenchError({ ...description.error, item: description.error.item ?? dir })
  await probeTokenizer(dir, description.contextLength)
  const others = s
    .store()
    .models.list()
    .filter((e) => e.path !== dir)
  const name =
    input.name ??
    uniqueName(
      description.name,
      others.map((e) => e.name)
    )
  refuseTakenName(s, dir, name, input.name !== undefined ? others.find((e) => e.name === name)?.path : undefined)
  s.store().models.add({ path: dir, name, fingerprint: description.fingerprint })
  return toModelInfo(description, name)
}

/** A name that a bundled model has (or, given explicitly, another added folder has) would make `--model NAME` ambiguous. */
function refuseTakenName(s: Services, dir: string, name: string, addedAt: string | undefined): void {
  const bundled = listDirs(s.bundledModelsDir).includes(name)
  if (!bundled && addedAt === undefined) return
  const itself = bundled && dir === path.join(s.bundledModelsDir, name)
  throw new WorkbenchError({
    code: 'invalid-input',
    item: name,
    message: itself
      ? `${dir} is the bundled model "${name}"; it needs no adding.`
      : `The name "${name}" is taken by ${bundled ? 'a bundled model' : `the added model at ${addedAt}`}, so --model ${name} would not find ${dir}.`,
    hint: itself ? `Use --model ${name}.` : `Give the folder another name: mia models add ${dir} --name <other-name>.`
  })
}

/** Describe a folder (a path, or `DIR@variant`) without registering it, with every problem found. */
export async function inspectModelOp(s: Services, input: { path: string; variant?: string }): Promise<OpOutput<'models.inspect'>> {
  const { dir, variant } = parseModelRef(s.resolveModel(input.path))
  // An added model inspected by its name is shown under that name, not the folder's.
  const named = s
    .store()
    .models.list()
    .find((e) => e.name === parseModelRef(input.path).dir && e.path === dir)
  return toModelInspection(await s.models.describe(dir, { variant: input.variant ?? variant }), named?.name)
}

/** Load the folder's tokenizer and tokenize one caption, as an embed would; throws `bad-model` naming the folder. */
async function probeTokenizer(dir: string, contextLength: number | null): Promise<void> {
  try {
    const tok = await loadTokenizer(dir, contextLength ? { contextLength } : {})
    const batch = tokenize(tok, ['a photo of a cat'])
    if (batch.ids.length !== tok.contextLength) throw new Error(`it gave ${batch.ids.length} ids where the context holds ${tok.contextLength}`)
  } catch (err) {
    const data = toErrorData(err)
    throw new WorkbenchError(
      {
        code: 'bad-model',
        item: path.join(dir, 'tokenizer.json'),
        message: `The tokenizer of ${dir} does not work: ${data.message}`,
        hint: data.hint ?? "Copy tokenizer.json (and tokenizer_config.json) from the model's export."
      },
      { cause: err }
    )
  }
}

/** Pull a hub repo into the Hugging Face cache with byte progress; the snapshot is then listed under its repo id. */
export async function pullModelOp(s: Services, input: { repoId: string; revision?: string; variant?: string }, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<OpOutput<'models.pull'>> {
  let progress: PhaseProgress | null = null
  const r = await pullModel({
    ...input,
    cacheDir: s.config.hfCacheDir,
    signal: ctx.signal,
    emit: ctx.emit,
    onTotal: (bytes) => void (progress = new PhaseProgress(ctx.emit, 'downloading', bytes, 'bytes')),
    onBytes: (bytes, file) => progress?.advance(bytes, file)
  })
  const d = await s.models.describe(r.dir, { source: 'user', variant: input.variant })
  return { ...toModelInfo(d, r.repoId), repoId: r.repoId, revision: r.revision, downloadedBytes: r.downloadedBytes, pulledFiles: r.files }
}

/** Forget an added folder. */
export async function removeModelOp(s: Services, folder: string): Promise<OpOutput<'models.remove'>> {
  s.store().models.remove(path.resolve(folder))
  return { ok: true }
}

/** `name`, or `name-2`, `name-3` … when an added entry already uses it. */
export function uniqueName(name: string, taken: string[]): string {
  if (!taken.includes(name)) return name
  let i = 2
  while (taken.includes(`${name}-${i}`)) i++
  return `${name}-${i}`
}
