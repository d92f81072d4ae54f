// Inspect one model folder: variant, validated towers, configs, parameter count, files and fingerprint.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { ModelInfo } from '../../../shared/contract/models'
import type { HashCache } from './fingerprint'
import { fingerprintFiles } from './fingerprint'
import type { Layout, Precision, VariantFiles } from './layout'
import { checkTowers, findVariants } from './layout'
import type { OnnxFileInfo } from './onnx-info'
import { readOnnxInfo } from './onnx-info'

/** Everything the workbench knows about a model folder; `error` says why it cannot be used. */
export interface ModelDescription {
  name: string
  /** Absolute path of the model folder. */
  path: string
  source: 'bundled' | 'user'
  /** The variant described ('separate', 'combined-fp16', ...); null when none was found. */
  variant: string | null
  /** All variants the folder holds, best first. */
  variants: string[]
  layout: Layout | null
  precision: Precision | null
  /** True for quantized weights: results must be marked, quantization changes attack scores. */
  quantized: boolean
  fingerprint: string | null
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
  /** Files that make up the variant (graphs, external data, tokenizer, preprocessing), relative paths. */
  files: Array<{ path: string; bytes: number }>
  card: Record<string, unknown> | null
  error: WorkbenchErrorData | null
}

/** How to describe a folder. */
export interface DescribeOptions {
  source?: 'bundled' | 'user'
  /** A variant id from `variants`; default: the best complete one. */
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
const FOLDER_HINT = 'A model folder holds onnx/vision_model.onnx + onnx/text_model.onnx (or onnx/model.onnx), tokenizer.json and preprocessor_config.json, as in a Hugging Face ONNX export.'

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch {
    return null
  }
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch (err) {
    throw new WorkbenchError({ code: 'bad-model', item: file, message: `${path.basename(file)} is not valid JSON: ${(err as Error).message}`, hint: 'Restore the file from the model export.' }, { cause: err })
  }
  throw new WorkbenchError({ code: 'bad-model', item: file, message: `${path.basename(file)} is not a JSON object.`, hint: 'Restore the file from the model export.' })
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null
}

/** CLIPImageProcessor input size: crop_size (int or {height,width}), else size.shortest_edge / size.height. */
function cropSize(pre: Record<string, unknown>): number | null {
  const pick = (v: unknown): number | null =>
    positiveInt(v) ?? (typeof v === 'object' && v !== null ? positiveInt((v as Record<string, unknown>).height) ?? positiveInt((v as Record<string, unknown>).shortest_edge) : null)
  return pre.do_center_crop === false ? pick(pre.size) : pick(pre.crop_size) ?? pick(pre.size)
}

function blank(dir: string, source: 'bundled' | 'user'): ModelDescription {
  return {
    name: path.basename(dir), path: dir, source, variant: null, variants: [], layout: null, precision: null, quantized: false,
    fingerprint: null, embeddingDim: null, imageSize: null, contextLength: null, parameterCount: null, parameterCountExact: true,
    hasAttentionMask: false, onnx: {}, files: [], card: null, error: null
  }
}

function missing(dir: string, rel: string, what: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: path.join(dir, rel), message: `${rel} is missing from ${dir}: ${what}`, hint: FOLDER_HINT })
}

function pickVariant(dir: string, variants: VariantFiles[], others: string[], wanted: string | undefined): VariantFiles {
  if (variants.length === 0) {
    const found = others.length ? `found ${others.join(', ')}, but ` : ''
    throw new WorkbenchError({ code: 'bad-model', item: dir, message: `No CLIP ONNX files in ${dir}: ${found}expected onnx/vision_model.onnx + onnx/text_model.onnx or onnx/model.onnx.`, hint: FOLDER_HINT })
  }
  const v = wanted === undefined ? variants[0] : variants.find((x) => x.id === wanted)
  if (!v) throw new WorkbenchError({ code: 'not-found', item: dir, message: `${dir} has no variant "${wanted}"; it has: ${variants.map((x) => x.id).join(', ')}.` })
  if (v.layout === 'separate' && !(v.vision && v.text)) {
    const have = v.vision ?? v.text ?? ''
    const lacking = have === v.vision ? have.replace('vision_model', 'text_model') : have.replace('text_model', 'vision_model')
    throw missing(dir, lacking, `found ${path.basename(have)} only; separate towers need both vision_model and text_model. Add the missing tower from the same export.`)
  }
  return v
}

async function readGraphs(dir: string, v: VariantFiles, d: ModelDescription): Promise<Record<string, OnnxFileInfo>> {
  const infos: Record<string, OnnxFileInfo> = {}
  for (const role of ['vision', 'text', 'combined'] as const) {
    const rel = v[role]
    if (!rel) continue
    d.onnx[role] = path.join(dir, rel)
    infos[role] = await graphInfo(path.join(dir, rel))
    for (const ext of infos[role].externalData) {
      const extRel = path.join(path.dirname(rel), ext)
      const st = await fs.stat(path.join(dir, extRel)).catch(() => null)
      if (!st) throw missing(dir, extRel, `${path.basename(rel)} keeps its weights there (ONNX external data). Copy it next to the .onnx file.`)
    }
  }
  return infos
}

async function describeInto(d: ModelDescription, opts: DescribeOptions): Promise<void> {
  const dir = d.path
  const st = await fs.stat(dir).catch(() => null)
  if (!st?.isDirectory()) throw new WorkbenchError({ code: 'not-found', item: dir, message: `Model folder ${dir} does not exist.`, hint: FOLDER_HINT })
  for (const name of CARD_NAMES) d.card ??= await readJson(path.join(dir, name))
  const { variants, others } = await findVariants(dir)
  d.variants = variants.map((v) => v.id)
  const v = pickVariant(dir, variants, others, opts.variant)
  Object.assign(d, { variant: v.id, layout: v.layout })
  const infos = await readGraphs(dir, v, d)
  const graphs = Object.values(infos)
  d.parameterCount = graphs.reduce((a, g) => a + g.parameterCount, 0)
  const facts = checkTowers(v, infos)
  Object.assign(d, { embeddingDim: facts.embeddingDim, hasAttentionMask: facts.hasAttentionMask, precision: facts.precision })
  d.quantized = facts.precision === 'quantized'
  d.parameterCountExact = !d.quantized
  await readConfigs(d, facts.imageSize, facts.contextLength)
  const rels = [...graphs.flatMap((g) => [path.relative(dir, g.file), ...g.externalData.map((e) => path.join(path.dirname(path.relative(dir, g.file)), e))]), 'tokenizer.json', 'preprocessor_config.json']
  d.files = await Promise.all(rels.map(async (rel) => ({ path: rel.split(path.sep).join('/'), bytes: (await fs.stat(path.join(dir, rel))).size })))
  d.fingerprint = await fingerprintFiles(dir, rels, opts.hashCache)
}

async function readConfigs(d: ModelDescription, graphSize: number | null, graphLength: number | null): Promise<void> {
  const dir = d.path
  const pre = await readJson(path.join(dir, 'preprocessor_config.json'))
  if (!pre) throw missing(dir, 'preprocessor_config.json', 'it defines the image resize, crop and normalisation. Copy it from the model export (CLIPImageProcessor).')
  const size = cropSize(pre)
  if (size === null) throw new WorkbenchError({ code: 'bad-model', item: path.join(dir, 'preprocessor_config.json'), message: 'preprocessor_config.json has no usable crop_size or size.', hint: 'CLIP uses "crop_size": {"height": 224, "width": 224} and "size": {"shortest_edge": 224}.' })
  if (graphSize !== null && graphSize !== size) {
    throw new WorkbenchError({ code: 'bad-model', item: d.onnx.vision ?? d.onnx.combined, message: `The graph takes ${graphSize}×${graphSize} pixels but preprocessor_config.json produces ${size}×${size}.`, hint: 'Use the preprocessor_config.json of the same export.' })
  }
  d.imageSize = size
  if (!(await fs.stat(path.join(dir, 'tokenizer.json')).catch(() => null))) throw missing(dir, 'tokenizer.json', 'captions cannot be tokenized without it. Copy tokenizer.json from the model export.')
  const tok = await readJson(path.join(dir, 'tokenizer_config.json'))
  const config = await readJson(path.join(dir, 'config.json'))
  const textConfig = (config?.text_config ?? {}) as Record<string, unknown>
  const maxLength = positiveInt(tok?.model_max_length)
  d.contextLength = graphLength ?? (maxLength !== null && maxLength <= 65536 ? maxLength : null) ?? positiveInt(textConfig.max_position_embeddings)
}

/** Describe a model folder; never throws for a broken model, it fills `error` and whatever was learnt before it. */
export async function describeModel(dir: string, opts: DescribeOptions = {}): Promise<ModelDescription> {
  const d = blank(path.resolve(dir), opts.source ?? 'user')
  try {
    await describeInto(d, opts)
  } catch (err) {
    d.error = toErrorData(err)
  }
  return d
}

/** The contract's view of a description (what models.list returns). */
export function toModelInfo(d: ModelDescription, name = d.name): ModelInfo {
  return {
    name, path: d.path, source: d.source, fingerprint: d.fingerprint, layout: d.layout, embeddingDim: d.embeddingDim,
    imageSize: d.imageSize, contextLength: d.contextLength, precision: d.precision, parameterCount: d.parameterCount,
    files: d.files, card: d.card, error: d.error
  }
}
