// clip-as-service (jina-ai: <model>/visual.onnx + textual.onnx, CLIP-ONNX converter I/O `input` -> `output`)
// and flat folders that differ only by file names. Configs are optional beside the graphs.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { CLIP_IMAGE_DEFAULTS, readPreprocessorConfig } from '../../preprocess'
import { exists, positiveInt, readJsonObject } from '../json-file'
import type { VariantFiles } from '../layout'
import { openclipPreprocess } from './openclip'
import type { FormatConfigs, ModelFormat } from './types'

const HINT = 'A clip-as-service folder holds visual.onnx + textual.onnx and the tokenizer.json of the same CLIP (optionally preprocessor_config.json or preprocess_cfg.json).'
const VISION_NAMES = ['visual.onnx', 'image_encoder.onnx', 'image.onnx']
const TEXT_NAMES = ['textual.onnx', 'text_encoder.onnx', 'text.onnx']

async function variants(dir: string): Promise<{ variants: VariantFiles[]; others: string[] }> {
  const names = new Set(await fs.readdir(dir).catch(() => [] as string[]))
  const vision = VISION_NAMES.find((n) => names.has(n))
  const text = TEXT_NAMES.find((n) => names.has(n))
  if (!vision && !text) return { variants: [], others: [] }
  return { variants: [{ id: 'separate', layout: 'separate', suffix: '', vision, text }], others: [] }
}

async function configs(dir: string, graphSize: number | null): Promise<FormatConfigs> {
  const notes: string[] = []
  const files = ['tokenizer.json']
  if (!(await exists(path.join(dir, 'tokenizer.json')))) {
    throw new WorkbenchError({
      code: 'bad-model',
      item: path.join(dir, 'tokenizer.json'),
      message: `tokenizer.json is missing from ${dir}; clip-as-service folders do not ship one.`,
      hint: 'Copy the tokenizer.json (and tokenizer_config.json) of the same CLIP, e.g. from openai/clip-vit-base-patch32, next to the graphs.'
    })
  }
  const hf = await readJsonObject(path.join(dir, 'preprocessor_config.json'))
  const oc = hf ? null : await readJsonObject(path.join(dir, 'preprocess_cfg.json'))
  let preprocess
  let preprocessSource: string | null = null
  if (hf) {
    preprocess = { ...readPreprocessorConfig(hf, path.join(dir, 'preprocessor_config.json')), cropRounding: 'half-even' as const }
    preprocessSource = 'preprocessor_config.json'
  } else if (oc) {
    preprocess = openclipPreprocess(oc, dir, 'preprocess_cfg.json')
    preprocessSource = 'preprocess_cfg.json'
  } else {
    if (graphSize === null)
      throw new WorkbenchError({
        code: 'bad-model',
        item: dir,
        message: `${dir} has no preprocessor_config.json or preprocess_cfg.json and the vision graph does not fix its image size.`,
        hint: 'Add the preprocessor_config.json of the same CLIP.'
      })
    preprocess = { ...CLIP_IMAGE_DEFAULTS, size: { shortestEdge: graphSize }, cropSize: { height: graphSize, width: graphSize }, cropRounding: 'half-even' as const }
    notes.push(`No preprocessing config: OpenAI CLIP's transform at ${graphSize} px (the graph's size; bicubic, CLIP mean/std) is assumed.`)
  }
  if (preprocessSource) files.push(preprocessSource)
  const tok = await readJsonObject(path.join(dir, 'tokenizer_config.json'))
  const maxLength = positiveInt(tok?.model_max_length)
  return { preprocess, preprocessSource, order: 'openclip', tokenizerDir: '.', contextLength: maxLength !== null && maxLength <= 65536 ? maxLength : null, embedDim: null, files, notes }
}

/** jina-ai/clip-as-service ONNX models and other two-file exports. */
export const clipAsService: ModelFormat = {
  id: 'clip-as-service',
  label: 'clip-as-service / flat (visual.onnx + textual.onnx)',
  async detect(dir) {
    return (await variants(dir)).variants.length > 0
  },
  variants,
  names: {
    vision: {
      inputs: ['input', 'pixel_values', 'image', 'images'],
      outputs: ['output', 'embedding', 'image_embeds', 'image_features'],
      hint: 'visual.onnx must take pixels [batch, 3, H, W] and output one embedding per image [batch, dim] (clip-as-service: `input` -> `output`).'
    },
    text: {
      inputs: ['input', 'input_ids', 'text', 'tokens'],
      outputs: ['output', 'embedding', 'text_embeds', 'text_features'],
      mask: 'attention_mask',
      hint: 'textual.onnx must take token ids [batch, context] and output one embedding per caption [batch, dim] (clip-as-service: `input` -> `output`).'
    }
  },
  configs,
  hint: HINT
}
