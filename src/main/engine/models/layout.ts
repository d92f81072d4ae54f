// Hugging Face ONNX variants in a folder, and whether a variant's towers have CLIP's interface (any format).
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { OnnxFileInfo, OnnxValueInfo } from './onnx-info'
import { QUANTIZATION_OPS } from './onnx-info'

/** Separate towers (vision_model.onnx + text_model.onnx) or one graph taking both inputs (model.onnx). */
export type Layout = 'separate' | 'combined'
/** Numeric format of the weights; quantized results must be marked as such. */
export type Precision = 'fp32' | 'fp16' | 'quantized'

/** The ONNX files of one variant, relative to the model folder. */
/** Names a tower's graph uses; the first name found among `inputs` / `outputs` is used. */
export interface TowerNames {
  inputs: string[]
  outputs: string[]
  /** Optional mask input (text towers). */
  mask?: string
  /** The model attends to padding (SigLIP: trained on unmasked 64-token rows), so a mask input is fed all ones. */
  padAttended?: boolean
  /** How a tower of this layout should look (hint of interface errors); default: the Hugging Face one. */
  hint?: string
}

export interface VariantFiles {
  /** 'separate', 'combined', 'separate-fp16', 'combined-quantized', ... */
  id: string
  layout: Layout
  /** File-name suffix after the underscore ('' for plain fp32 names). */
  suffix: string
  vision?: string
  text?: string
  combined?: string
}

// Suffixes used by Hugging Face / transformers.js exports, in preference order; all but fp16 are quantized.
const SUFFIXES = ['', 'fp16', 'quantized', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']
const ONNX_NAME = /^(vision_model|text_model|model)(?:_([a-z0-9]+))?\.onnx$/

/** Variants found in `dir/onnx/` (or `dir/` when there is no onnx folder), best first; `others` are unrecognised .onnx files. */
export async function findVariants(dir: string): Promise<{ onnxDir: string; variants: VariantFiles[]; others: string[] }> {
  const sub = path.join(dir, 'onnx')
  const onnxDir = (await fs.stat(sub).catch(() => null))?.isDirectory() ? 'onnx' : '.'
  const names = (await fs.readdir(path.join(dir, onnxDir))).filter((n) => n.endsWith('.onnx')).sort()
  return { onnxDir, ...groupVariants(onnxDir, names) }
}

/** Group .onnx file names of one folder into variants (also used on a hub repo's file list before download). */
export function groupVariants(onnxDir: string, names: string[]): { variants: VariantFiles[]; others: string[] } {
  const bySuffix = new Map<string, Partial<Record<'vision' | 'text' | 'combined', string>>>()
  const others: string[] = []
  for (const name of names) {
    const m = ONNX_NAME.exec(name)
    const suffix = m?.[2] ?? ''
    if (!m || !SUFFIXES.includes(suffix)) {
      others.push(name)
      continue
    }
    const role = m[1] === 'vision_model' ? 'vision' : m[1] === 'text_model' ? 'text' : 'combined'
    const entry = bySuffix.get(suffix) ?? {}
    entry[role] = path.join(onnxDir, name)
    bySuffix.set(suffix, entry)
  }
  const variants: VariantFiles[] = []
  for (const suffix of SUFFIXES) {
    const e = bySuffix.get(suffix)
    if (!e) continue
    const tag = suffix ? `-${suffix}` : ''
    if (e.vision || e.text) variants.push({ id: `separate${tag}`, layout: 'separate', suffix, vision: e.vision, text: e.text })
    if (e.combined) variants.push({ id: `combined${tag}`, layout: 'combined', suffix, combined: e.combined })
  }
  // Complete variants first, keeping suffix order within each group.
  variants.sort((a, b) => Number(isIncomplete(a)) - Number(isIncomplete(b)))
  return { variants, others }
}

/** `--variant` accepts a variant id or a weights name; fp32 names the unsuffixed files. */
export function variantMatches(v: VariantFiles, wanted: string): boolean {
  return v.id === wanted || (v.suffix || 'fp32') === wanted
}

function isIncomplete(v: VariantFiles): boolean {
  return v.layout === 'separate' && !(v.vision && v.text)
}

/** How one tower is fed and read, as its graph declares it. */
export interface TowerIo {
  /** Graph file, relative to the model folder. */
  file: string
  input: string
  /** float32/float16 for pixels, int64/int32 for token ids. */
  inputType: string
  inputShape: Array<number | string> | null
  /** Attention-mask input, when the graph takes one. */
  mask: string | null
  /** Padding is attended to (SigLIP): the mask, if any, is all ones. */
  padAttended?: boolean
  output: string
  /** Batch size the graph fixes (immich exports often fix 1); null when dynamic. */
  fixedBatch: number | null
}

/** What the graphs say about the model. */
export interface TowerFacts {
  /** null when the graphs name the dimension symbolically: it is read from the first batch. */
  embeddingDim: number | null
  /** Static height = width of the pixel input, when the graph fixes it. */
  imageSize: number | null
  /** Static sequence length of the id input, when the graph fixes it. */
  contextLength: number | null
  hasAttentionMask: boolean
  precision: Precision
  vision: TowerIo | null
  text: TowerIo | null
}

/** Problems found so far; inspection reports all of them, loading refuses on the first. */
export type Problems = WorkbenchError[]

/** A graph being checked, named in messages by its path inside the model folder (immich has two model.onnx). */
type Graph = OnnxFileInfo & { display?: string }

function badModel(info: Graph, message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: info.file, message: `${info.display ?? path.basename(info.file)} ${message}`, hint })
}

function names(values: OnnxValueInfo[]): string {
  return values.length ? values.map((v) => v.name).join(', ') : '(none)'
}

function quoted(list: string[]): string {
  return list.map((n) => `\`${n}\``).join(' or ')
}

function fault(problems: Problems, err: WorkbenchError): null {
  problems.push(err)
  return null
}

function findInput(info: OnnxFileInfo, wanted: string[], types: string[], rank: number, hint: string, problems: Problems): OnnxValueInfo | null {
  const v = info.inputs.find((i) => wanted.includes(i.name))
  if (!v) return fault(problems, badModel(info, `has no input ${quoted(wanted)}; found: ${names(info.inputs)}.`, hint))
  if (!types.includes(v.type)) return fault(problems, badModel(info, `input \`${v.name}\` is ${v.type}; expected ${types.join(' or ')}.`, hint))
  if (v.shape && v.shape.length !== rank) return fault(problems, badModel(info, `input \`${v.name}\` has rank ${v.shape.length} [${v.shape.join(', ')}]; expected rank ${rank}.`, hint))
  return v
}

function findOutput(info: OnnxFileInfo, wanted: string[], hint: string, problems: Problems): { name: string; dim: number | null } | null {
  const v = info.outputs.find((o) => wanted.includes(o.name))
  if (!v) return fault(problems, badModel(info, `has no output ${quoted(wanted)}; found: ${names(info.outputs)}.`, hint))
  if (v.type !== 'float32' && v.type !== 'float16') return fault(problems, badModel(info, `output \`${v.name}\` is ${v.type}; expected float32 or float16.`, hint))
  if (v.shape && v.shape.length !== 2) return fault(problems, badModel(info, `output \`${v.name}\` has shape [${v.shape.join(', ')}]; expected [batch, dim].`, hint))
  const dim = v.shape?.[1]
  return { name: v.name, dim: typeof dim === 'number' ? dim : null }
}

function onlyInputs(info: OnnxFileInfo, allowed: string[], problems: Problems): void {
  const extra = info.inputs.filter((i) => !allowed.includes(i.name))
  if (extra.length) {
    problems.push(
      badModel(info, `needs input${extra.length > 1 ? 's' : ''} ${extra.map((e) => `\`${e.name}\``).join(', ')}, which a CLIP model does not take.`, `The workbench feeds only ${allowed.join(', ')}.`)
    )
  }
}

const VISION_HINT = 'Export the image tower with its projection (CLIPVisionModelWithProjection): input pixel_values [batch, 3, H, W], output image_embeds [batch, dim].'
const TEXT_HINT = 'Export the text tower with its projection (CLIPTextModelWithProjection): input input_ids [batch, sequence] (optionally attention_mask), output text_embeds [batch, dim].'
const COMBINED_HINT = 'A combined export (CLIPModel) takes input_ids, pixel_values and attention_mask and outputs image_embeds and text_embeds.'

function fixedBatch(shape: Array<number | string> | null): number | null {
  const b = shape?.[0]
  return typeof b === 'number' && b > 0 ? b : null
}

interface Tower {
  io: TowerIo
  dim: number | null
}

function visionTower(dir: string, info: OnnxFileInfo, n: TowerNames, hint: string, problems: Problems): (Tower & { size: number | null }) | null {
  const before = problems.length
  const px = findInput(info, n.inputs, ['float32', 'float16'], 4, hint, problems)
  const [, channels, h, w] = px?.shape ?? []
  if (px && typeof channels === 'number' && channels !== 3) problems.push(badModel(info, `input \`${px.name}\` has ${channels} channels; CLIP takes 3 (RGB).`, hint))
  const out = findOutput(info, n.outputs, hint, problems)
  if (!px || !out || problems.length > before) return null
  const size = typeof h === 'number' && h === w ? h : null
  const io: TowerIo = { file: path.relative(dir, info.file), input: px.name, inputType: px.type, inputShape: px.shape, mask: null, output: out.name, fixedBatch: fixedBatch(px.shape) }
  return { io, dim: out.dim, size }
}

function textTower(dir: string, info: OnnxFileInfo, n: TowerNames, hint: string, problems: Problems): (Tower & { length: number | null }) | null {
  const before = problems.length
  const ids = findInput(info, n.inputs, ['int64', 'int32'], 2, hint, problems)
  const maskName = n.mask && info.inputs.some((i) => i.name === n.mask) ? n.mask : null
  if (maskName) findInput(info, [maskName], ['int64', 'int32'], 2, hint, problems)
  const out = findOutput(info, n.outputs, hint, problems)
  if (!ids || !out || problems.length > before) return null
  const length = ids.shape?.[1]
  const io: TowerIo = { file: path.relative(dir, info.file), input: ids.name, inputType: ids.type, inputShape: ids.shape, mask: maskName, output: out.name, fixedBatch: fixedBatch(ids.shape) }
  if (n.padAttended) io.padAttended = true
  return { io, dim: out.dim, length: typeof length === 'number' ? length : null }
}

function precisionOf(variant: VariantFiles, infos: OnnxFileInfo[], pixelType: string): Precision {
  const quantOps = infos.some((i) => i.ops.some((op) => QUANTIZATION_OPS.has(op)))
  if (quantOps || (variant.suffix !== '' && variant.suffix !== 'fp16')) return 'quantized'
  const half = infos.reduce((a, i) => a + (i.weightElements.float16 ?? 0), 0)
  const single = infos.reduce((a, i) => a + (i.weightElements.float32 ?? 0), 0)
  return pixelType === 'float16' || half > single ? 'fp16' : 'fp32'
}

/** The names a format's towers use. */
export interface FormatNames {
  vision: TowerNames
  text: TowerNames
  combined?: { vision: TowerNames; text: TowerNames }
}

/** Check the towers' interface (names, types, ranks, agreeing dims), adding one problem per fault found. */
export function checkTowers(dir: string, variant: VariantFiles, infos: { vision?: OnnxFileInfo; text?: OnnxFileInfo; combined?: OnnxFileInfo }, n: FormatNames, problems: Problems): TowerFacts {
  let vision: ReturnType<typeof visionTower>
  let text: ReturnType<typeof textTower>
  let files: OnnxFileInfo[]
  const named = (g: OnnxFileInfo): Graph => ({ ...g, display: path.relative(dir, g.file).split(path.sep).join('/') })
  if (infos.combined) {
    const cn = n.combined ?? n
    vision = visionTower(dir, named(infos.combined), cn.vision, cn.vision.hint ?? COMBINED_HINT, problems)
    text = textTower(dir, named(infos.combined), cn.text, cn.text.hint ?? COMBINED_HINT, problems)
    onlyInputs(infos.combined, [...cn.vision.inputs, ...cn.text.inputs, ...(cn.text.mask ? [cn.text.mask] : [])], problems)
    files = [infos.combined]
  } else if (infos.vision && infos.text) {
    vision = visionTower(dir, named(infos.vision), n.vision, n.vision.hint ?? VISION_HINT, problems)
    text = textTower(dir, named(infos.text), n.text, n.text.hint ?? TEXT_HINT, problems)
    if (vision) onlyInputs(infos.vision, [vision.io.input], problems)
    if (text) onlyInputs(infos.text, [text.io.input, ...(text.io.mask ? [text.io.mask] : [])], problems)
    files = [infos.vision, infos.text]
  } else {
    throw new WorkbenchError({ code: 'internal', message: `checkTowers called without the files of variant ${variant.id}` })
  }
  const vd = vision?.dim ?? null
  const td = text?.dim ?? null
  if (vd !== null && td !== null && vd !== td) {
    const where = files.map((f) => path.basename(f.file)).join(' and ')
    problems.push(
      new WorkbenchError({
        code: 'bad-model',
        item: files[0].file,
        message: `towers disagree: image ${vd} vs text ${td} (${vision!.io.output} and ${text!.io.output} of ${where} must have the same size).`,
        hint: 'Both towers must come from the same CLIP export; replace the odd one out.'
      })
    )
  }
  return {
    embeddingDim: vd ?? td,
    imageSize: vision?.size ?? null,
    contextLength: text?.length ?? null,
    hasAttentionMask: text?.io.mask != null,
    precision: precisionOf(variant, files, vision?.io.inputType ?? 'float32'),
    vision: vision?.io ?? null,
    text: text?.io ?? null
  }
}
