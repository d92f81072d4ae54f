// Hugging Face ONNX folder layout: which variants a folder holds and whether their towers have CLIP's interface.
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
  return { onnxDir, variants, others }
}

function isIncomplete(v: VariantFiles): boolean {
  return v.layout === 'separate' && !(v.vision && v.text)
}

/** What the graphs say about the model. */
export interface TowerFacts {
  embeddingDim: number | null
  /** Static height = width of pixel_values, when the graph fixes it. */
  imageSize: number | null
  /** Static sequence length of input_ids, when the graph fixes it. */
  contextLength: number | null
  hasAttentionMask: boolean
  precision: Precision
}

function badModel(info: OnnxFileInfo, message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: info.file, message: `${path.basename(info.file)} ${message}`, hint })
}

function names(values: OnnxValueInfo[]): string {
  return values.length ? values.map((v) => v.name).join(', ') : '(none)'
}

function input(info: OnnxFileInfo, name: string, types: string[], rank: number, hint: string): OnnxValueInfo {
  const v = info.inputs.find((i) => i.name === name)
  if (!v) throw badModel(info, `has no input \`${name}\`; found: ${names(info.inputs)}.`, hint)
  if (!types.includes(v.type)) throw badModel(info, `input \`${name}\` is ${v.type}; expected ${types.join(' or ')}.`, hint)
  if (v.shape && v.shape.length !== rank) throw badModel(info, `input \`${name}\` has rank ${v.shape.length} [${v.shape.join(', ')}]; expected rank ${rank}.`, hint)
  return v
}

function output(info: OnnxFileInfo, name: string, hint: string): number | null {
  const v = info.outputs.find((o) => o.name === name)
  if (!v) throw badModel(info, `has no output \`${name}\`; found: ${names(info.outputs)}.`, hint)
  if (v.type !== 'float32' && v.type !== 'float16') throw badModel(info, `output \`${name}\` is ${v.type}; expected float32 or float16.`, hint)
  if (v.shape && v.shape.length !== 2) throw badModel(info, `output \`${name}\` has shape [${v.shape.join(', ')}]; expected [batch, dim].`, hint)
  const dim = v.shape?.[1]
  return typeof dim === 'number' ? dim : null
}

function onlyInputs(info: OnnxFileInfo, allowed: string[]): void {
  const extra = info.inputs.filter((i) => !allowed.includes(i.name))
  if (extra.length) {
    throw badModel(info, `needs input${extra.length > 1 ? 's' : ''} ${extra.map((e) => `\`${e.name}\``).join(', ')}, which a CLIP model does not take.`, `The workbench feeds only ${allowed.join(', ')}.`)
  }
}

const VISION_HINT = 'Export the image tower with its projection (CLIPVisionModelWithProjection): input pixel_values [batch, 3, H, W], output image_embeds [batch, dim].'
const TEXT_HINT = 'Export the text tower with its projection (CLIPTextModelWithProjection): input input_ids [batch, sequence] (optionally attention_mask), output text_embeds [batch, dim].'
const COMBINED_HINT = 'A combined export (CLIPModel) takes input_ids, pixel_values and attention_mask and outputs image_embeds and text_embeds.'

function visionFacts(info: OnnxFileInfo, hint: string): { dim: number | null; size: number | null; type: string } {
  const px = input(info, 'pixel_values', ['float32', 'float16'], 4, hint)
  const [, channels, h, w] = px.shape ?? []
  if (typeof channels === 'number' && channels !== 3) throw badModel(info, `input \`pixel_values\` has ${channels} channels; CLIP takes 3 (RGB).`, hint)
  const size = typeof h === 'number' && h === w ? h : null
  return { dim: output(info, 'image_embeds', hint), size, type: px.type }
}

function textFacts(info: OnnxFileInfo, hint: string): { dim: number | null; length: number | null; mask: boolean } {
  const ids = input(info, 'input_ids', ['int64', 'int32'], 2, hint)
  const mask = info.inputs.some((i) => i.name === 'attention_mask')
  if (mask) input(info, 'attention_mask', ['int64', 'int32'], 2, hint)
  const length = ids.shape?.[1]
  return { dim: output(info, 'text_embeds', hint), length: typeof length === 'number' ? length : null, mask }
}

function precisionOf(variant: VariantFiles, infos: OnnxFileInfo[], pixelType: string): Precision {
  const quantOps = infos.some((i) => i.ops.some((op) => QUANTIZATION_OPS.has(op)))
  if (quantOps || (variant.suffix !== '' && variant.suffix !== 'fp16')) return 'quantized'
  const half = infos.reduce((a, i) => a + (i.weightElements.float16 ?? 0), 0)
  const single = infos.reduce((a, i) => a + (i.weightElements.float32 ?? 0), 0)
  return pixelType === 'float16' || half > single ? 'fp16' : 'fp32'
}

/** Validate the towers' interface (names, types, ranks, agreeing dims); throws 'bad-model' explaining the mismatch. */
export function checkTowers(variant: VariantFiles, infos: { vision?: OnnxFileInfo; text?: OnnxFileInfo; combined?: OnnxFileInfo }): TowerFacts {
  let vision: ReturnType<typeof visionFacts>
  let text: ReturnType<typeof textFacts>
  let files: OnnxFileInfo[]
  if (infos.combined) {
    vision = visionFacts(infos.combined, COMBINED_HINT)
    text = textFacts(infos.combined, COMBINED_HINT)
    onlyInputs(infos.combined, ['input_ids', 'pixel_values', 'attention_mask'])
    files = [infos.combined]
  } else if (infos.vision && infos.text) {
    vision = visionFacts(infos.vision, VISION_HINT)
    text = textFacts(infos.text, TEXT_HINT)
    onlyInputs(infos.vision, ['pixel_values'])
    onlyInputs(infos.text, ['input_ids', 'attention_mask'])
    files = [infos.vision, infos.text]
  } else {
    throw new WorkbenchError({ code: 'internal', message: `checkTowers called without the files of variant ${variant.id}` })
  }
  if (vision.dim !== null && text.dim !== null && vision.dim !== text.dim) {
    const where = files.map((f) => path.basename(f.file)).join(' and ')
    throw new WorkbenchError({
      code: 'bad-model', item: files[0].file,
      message: `towers disagree: image ${vision.dim} vs text ${text.dim} (image_embeds and text_embeds of ${where} must have the same size).`,
      hint: 'Both towers must come from the same CLIP export; replace the odd one out.'
    })
  }
  return {
    embeddingDim: vision.dim ?? text.dim, imageSize: vision.size, contextLength: text.length,
    hasAttentionMask: text.mask, precision: precisionOf(variant, files, vision.type)
  }
}
