// Inspect one model folder of any registered format: variant, validated towers, configs, parameters, files, fingerprint.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { ModelInfo, ScoreRule } from '../../../shared/contract/models'
import type { ImagePreprocessConfig } from '../preprocess'
import type { HashCache } from './fingerprint'
import { fingerprintFiles } from './fingerprint'
import type { FormatConfigs, FormatId, ModelFormat, PreprocessOrder } from './formats'
import { detectFormat } from './formats'
import { readJsonObject } from './json-file'
import type { Layout, Precision, Problems, TowerIo, VariantFiles } from './layout'
import { checkTowers, variantMatches } from './layout'
import type { OnnxFileInfo } from './onnx-info'
import { readOnnxInfo } from './onnx-info'
import { scoreRuleOf, trainedLogitScaleOf } from './score-rule'
import { checkTokenizerFits } from './tokenizer-check'

/** Everything the workbench knows about a model folder; `error` says why it cannot be used. */
export interface ModelDescription {
  name: string
  /** Absolute path of the model folder. */
  path: string
  source: 'bundled' | 'user'
  /** Folder layout as published (Hugging Face, OpenCLIP/immich, clip-as-service, SigLIP, SigLIP 2). */
  format: FormatId | null
  /** The variant described ('separate', 'combined-fp16', ...); null when none was found. */
  variant: string | null
  /** All variants the folder holds, best first. */
  variants: string[]
  /** Weight files' variant as published: fp32, fp16, int8, uint8, quantized, q4, q4f16, bnb4. */
  weights: string | null
  layout: Layout | null
  precision: Precision | null
  /** True for quantized weights: results must be marked, quantization changes attack scores. */
  quantized: boolean
  fingerprint: string | null
  /** null until known: exports with a symbolic embedding size are read from the first batch. */
  embeddingDim: number | null
  imageSize: number | null
  contextLength: number | null
  /** Weight elements counted from the ONNX initializers (PyTorch count less the 0-d logit_scale). */
  parameterCount: number | null
  /** False for quantized graphs, where packed weights make the count approximate. */
  parameterCountExact: boolean
  hasAttentionMask: boolean
  /** Absolute paths of the graphs of the described variant. */
  onnx: { vision?: string; text?: string; combined?: string }
  /** How each tower is fed and read. */
  towers: { vision: TowerIo | null; text: TowerIo | null }
  /** Image preprocessing the model asks for, and where it came from. */
  preprocess: ImagePreprocessConfig | null
  preprocessSource: string | null
  preprocessOrder: PreprocessOrder | null
  /** Absolute folder holding tokenizer.json. */
  tokenizerDir: string | null
  /** tokenizer.json's model and normalizer in words (models/tokenizer-check.ts); null when unread. */
  tokenizerKind: string | null
  /** Captions are lowercased before tokenization (SigLIP 2); null: used as written. */
  captionCase: 'lowercase' | null
  /** The pairwise score CSA reports: cosine, or SigLIP's sigmoid(exp(t)·cos + b) (models/score-rule.ts). */
  scoreRule: ScoreRule
  /** The trained cosine multiplier (exp of the exported logit_scale, or the model card's) and where it was read; null when unstated. */
  logitScale: { value: number; source: string } | null
  /** Files that make up the variant (graphs, external data, tokenizer, preprocessing), relative paths. */
  files: Array<{ path: string; bytes: number }>
  card: Record<string, unknown> | null
  /** Facts the user should know (defaults assumed, normalisation applied by the workbench). */
  notes: string[]
  /** Every problem found; `error` is the first. */
  problems: WorkbenchErrorData[]
  error: WorkbenchErrorData | null
}

/** How to describe a folder. */
export interface DescribeOptions {
  source?: 'bundled' | 'user'
  /** A variant id from `variants` ('separate-fp16') or a weights name ('fp16', 'int8', 'fp32'); default: the best complete one. */
  variant?: string
  hashCache?: HashCache
}

const CARD_NAMES = ['model_card.json', 'model-card.json', 'card.json']
// Parsed graph headers by path + size + mtime: re-listing and re-opening skip the protobuf walk.
const graphCache = new Map<string, OnnxFileInfo>()

async function graphInfo(file: string): Promise<OnnxFileInfo> {
  const st = await fs.stat(file).catch(() => null)
  const key = st ? `${file}\0${st.size}\0${st.mtimeMs}` : null
  const known = key ? graphCache.get(key) : undefined
  if (known) return known
  const info = await readOnnxInfo(file)
  if (key) graphCache.set(key, info)
  return info
}

/** A hub-cache snapshot (`models--org--name/snapshots/<commit>`) is named by its repo id, not by its commit. */
function cachedRepoName(dir: string): string | null {
  const m = /(?:^|[\\/])models--([^\\/]+)[\\/]snapshots[\\/][^\\/]+$/.exec(dir)
  return m ? m[1].split('--').join('/') : null
}

function blank(dir: string, source: 'bundled' | 'user'): ModelDescription {
  return {
    name: cachedRepoName(dir) ?? path.basename(dir),
    path: dir,
    source,
    format: null,
    variant: null,
    variants: [],
    weights: null,
    layout: null,
    precision: null,
    quantized: false,
    fingerprint: null,
    embeddingDim: null,
    imageSize: null,
    contextLength: null,
    parameterCount: null,
    parameterCountExact: true,
    hasAttentionMask: false,
    onnx: {},
    towers: { vision: null, text: null },
    preprocess: null,
    preprocessSource: null,
    preprocessOrder: null,
    tokenizerDir: null,
    tokenizerKind: null,
    captionCase: null,
    scoreRule: { kind: 'cosine' },
    logitScale: null,
    files: [],
    card: null,
    notes: [],
    problems: [],
    error: null
  }
}

function missing(dir: string, rel: string, what: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: path.join(dir, rel), message: `${rel} is missing from ${dir}: ${what}`, hint })
}

function pickVariant(dir: string, format: ModelFormat, variants: VariantFiles[], others: string[], wanted: string | undefined): VariantFiles {
  if (variants.length === 0) {
    const found = others.length ? `found ${others.join(', ')}, but ` : ''
    throw new WorkbenchError({
      code: 'bad-model',
      item: dir,
      message: `No CLIP ONNX files in ${dir}: ${found}expected onnx/vision_model.onnx + onnx/text_model.onnx or onnx/model.onnx (Hugging Face), visual/model.onnx + textual/model.onnx (OpenCLIP/immich) or visual.onnx + textual.onnx (clip-as-service).`,
      hint: format.hint
    })
  }
  const v = wanted === undefined ? variants[0] : variants.find((x) => variantMatches(x, wanted))
  if (!v)
    throw new WorkbenchError({
      code: 'not-found',
      item: dir,
      message: `${dir} has no variant "${wanted}"; it has: ${variants.map((x) => x.id).join(', ')}.`,
      hint: 'Pass --variant with one of these (fp32, fp16, int8, uint8, quantized, q4, bnb4 pick the separate towers of those weights first).'
    })
  if (v.layout === 'separate' && !(v.vision && v.text)) {
    const have = (v.vision ?? v.text)!
    const role = v.vision ? 'text' : 'image'
    const lacking = format.id === 'huggingface' ? (have === v.vision ? have.replace('vision_model', 'text_model') : have.replace('text_model', 'vision_model')) : `the ${role} tower`
    throw missing(dir, lacking, `found ${path.basename(have)} only; separate towers need both the image and the text tower. Add the missing tower from the same export.`, format.hint)
  }
  return v
}

async function readGraphs(dir: string, v: VariantFiles, d: ModelDescription, hint: string): Promise<Record<string, OnnxFileInfo>> {
  const infos: Record<string, OnnxFileInfo> = {}
  for (const role of ['vision', 'text', 'combined'] as const) {
    const rel = v[role]
    if (!rel) continue
    d.onnx[role] = path.join(dir, rel)
    infos[role] = await graphInfo(path.join(dir, rel))
    for (const ext of infos[role].externalData) {
      const extRel = path.join(path.dirname(rel), ext)
      const st = await fs.stat(path.join(dir, extRel)).catch(() => null)
      if (!st) throw missing(dir, extRel, `${path.basename(rel)} keeps its weights there (ONNX external data). Copy it next to the .onnx file.`, hint)
    }
  }
  return infos
}

/** The pixel size a preprocessing config produces (square configs only reach here). */
function producedSize(p: ImagePreprocessConfig): number {
  if (p.doCenterCrop) return p.cropSize.height
  return 'shortestEdge' in p.size ? p.size.shortestEdge : p.size.height
}

function checkSizes(d: ModelDescription, c: FormatConfigs, graphSize: number | null, graphLength: number | null, problems: Problems): void {
  const size = producedSize(c.preprocess)
  const source = c.preprocessSource ?? 'the assumed preprocessing'
  if (graphSize !== null && graphSize !== size) {
    problems.push(
      new WorkbenchError({
        code: 'bad-model',
        item: d.onnx.vision ?? d.onnx.combined,
        message: `The graph takes ${graphSize}×${graphSize} pixels but ${source} produces ${size}×${size}.`,
        hint: `Use the ${source} of the same export.`
      })
    )
  }
  // The graph wins where it fixes a size; the config only fills what the graph leaves dynamic.
  d.imageSize = graphSize ?? size
  d.contextLength = graphLength ?? c.contextLength ?? 77
  if (graphLength === null && c.contextLength === null) d.notes.push("Neither the text graph nor the configs fix the context length; CLIP's 77 tokens are used.")
  if (c.embedDim !== null && d.embeddingDim !== null && c.embedDim !== d.embeddingDim) {
    problems.push(
      new WorkbenchError({
        code: 'bad-model',
        item: path.join(d.path, 'config.json'),
        message: `config.json says the embedding has ${c.embedDim} dimensions but the graphs output ${d.embeddingDim}.`,
        hint: 'Use the config.json of the same export.'
      })
    )
  }
}

async function describeInto(d: ModelDescription, opts: DescribeOptions, problems: Problems): Promise<void> {
  const dir = d.path
  const st = await fs.stat(dir).catch(() => null)
  // Checked before the format is detected: detection lists the folder, which would fail with a bare ENOENT.
  if (!st?.isDirectory())
    throw new WorkbenchError({
      code: 'not-found',
      item: dir,
      message: `Model folder ${dir} does not exist.`,
      hint: 'Check the path; README "Models: layouts and variants" lists the folder layouts the workbench reads.'
    })
  const format = await detectFormat(dir)
  d.format = format.id
  for (const name of CARD_NAMES) d.card ??= await readJsonObject(path.join(dir, name))
  const { variants, others } = await format.variants(dir)
  d.variants = variants.map((v) => v.id)
  const v = pickVariant(dir, format, variants, others, opts.variant)
  Object.assign(d, { variant: v.id, layout: v.layout, weights: v.suffix || 'fp32' })
  const infos = await readGraphs(dir, v, d, format.hint)
  const graphs = Object.values(infos)
  d.parameterCount = graphs.reduce((a, g) => a + g.parameterCount, 0)
  const facts = checkTowers(dir, v, infos, format.names, problems)
  Object.assign(d, { embeddingDim: facts.embeddingDim, hasAttentionMask: facts.hasAttentionMask, precision: facts.precision, towers: { vision: facts.vision, text: facts.text } })
  d.quantized = facts.precision === 'quantized'
  d.parameterCountExact = !d.quantized
  if (facts.embeddingDim === null && facts.vision && facts.text) d.notes.push('The graphs name the embedding size symbolically; it is read from the first batch.')
  const c = await format.configs(dir, facts.imageSize)
  Object.assign(d, {
    preprocess: { ...c.preprocess, order: c.order },
    preprocessSource: c.preprocessSource,
    preprocessOrder: c.order,
    tokenizerDir: path.join(dir, c.tokenizerDir),
    captionCase: c.captionCase ?? null
  })
  d.notes.push(...c.notes)
  checkSizes(d, c, facts.imageSize, facts.contextLength, problems)
  d.tokenizerKind = await checkTokenizerFits(dir, c.tokenizerDir, facts.text, infos.text ?? infos.combined, problems)
  const score = await scoreRuleOf(dir, format, v, variants, graphInfo, d.notes)
  d.scoreRule = score.rule
  d.logitScale = await trainedLogitScaleOf(dir, v, variants, graphInfo, score.rule, d.card)
  const rels = [...graphs.flatMap((g) => [path.relative(dir, g.file), ...g.externalData.map((e) => path.join(path.dirname(path.relative(dir, g.file)), e))]), ...c.files]
  if (score.file && !rels.includes(score.file)) rels.push(score.file)
  d.files = await Promise.all(rels.map(async (rel) => ({ path: rel.split(path.sep).join('/'), bytes: (await fs.stat(path.join(dir, rel))).size })))
  d.fingerprint = await fingerprintFiles(dir, rels, opts.hashCache)
}

/** Describe a model folder; never throws for a broken model, it fills `error` and whatever was learnt before it. */
export async function describeModel(dir: string, opts: DescribeOptions = {}): Promise<ModelDescription> {
  const d = blank(path.resolve(dir), opts.source ?? 'user')
  const problems: Problems = []
  try {
    await describeInto(d, opts, problems)
  } catch (err) {
    problems.push(err instanceof WorkbenchError ? err : new WorkbenchError(toErrorData(err)))
  }
  d.problems = problems.map(toErrorData)
  d.error = d.problems[0] ?? null
  if (d.error) d.fingerprint = null
  return d
}

/** The contract's view of a description (what models.list returns). */
export function toModelInfo(d: ModelDescription, name = d.name): ModelInfo {
  return {
    name,
    path: d.path,
    source: d.source,
    fingerprint: d.fingerprint,
    layout: d.layout,
    embeddingDim: d.embeddingDim,
    imageSize: d.imageSize,
    contextLength: d.contextLength,
    precision: d.precision,
    parameterCount: d.parameterCount,
    files: d.files,
    card: d.card,
    error: d.error,
    format: d.format,
    variant: d.variant,
    variants: d.variants,
    weights: d.weights,
    repoId: null,
    revision: null,
    notes: d.notes,
    problems: d.problems,
    scoreRule: d.scoreRule
  }
}
