// Hugging Face / optimum / transformers.js exports: onnx/{vision_model,text_model,model}[_variant].onnx,
// preprocessor_config.json (CLIPImageProcessor), tokenizer.json, config.json.
import path from 'node:path'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { readPreprocessorConfig } from '../../preprocess'
import { exists, positiveInt, readJsonObject } from '../json-file'
import { findVariants } from '../layout'
import type { FormatConfigs, ModelFormat } from './types'

const HINT = 'A Hugging Face ONNX export holds onnx/vision_model.onnx + onnx/text_model.onnx (or onnx/model.onnx), tokenizer.json and preprocessor_config.json.'

function missing(dir: string, rel: string, what: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: path.join(dir, rel), message: `${rel} is missing from ${dir}: ${what}`, hint: HINT })
}

async function configs(dir: string): Promise<FormatConfigs> {
  const preFile = path.join(dir, 'preprocessor_config.json')
  const pre = await readJsonObject(preFile)
  if (!pre) throw missing(dir, 'preprocessor_config.json', 'it defines the image resize, crop and normalisation. Copy it from the model export (CLIPImageProcessor).')
  const preprocess = readPreprocessorConfig(pre, preFile)
  if (!(await exists(path.join(dir, 'tokenizer.json')))) throw missing(dir, 'tokenizer.json', 'captions cannot be tokenized without it. Copy tokenizer.json from the model export.')
  const tok = await readJsonObject(path.join(dir, 'tokenizer_config.json'))
  const config = await readJsonObject(path.join(dir, 'config.json'))
  const textConfig = (config?.text_config ?? {}) as Record<string, unknown>
  const maxLength = positiveInt(tok?.model_max_length)
  const files = ['tokenizer.json', 'preprocessor_config.json']
  return {
    preprocess,
    preprocessSource: 'preprocessor_config.json',
    order: 'huggingface',
    tokenizerDir: '.',
    contextLength: (maxLength !== null && maxLength <= 65536 ? maxLength : null) ?? positiveInt(textConfig.max_position_embeddings),
    embedDim: positiveInt(config?.projection_dim),
    files,
    notes: []
  }
}

/** The layout transformers.js and optimum write (Xenova/*, Qdrant/*, onnx-community/*). */
export const huggingface: ModelFormat = {
  id: 'huggingface',
  label: 'Hugging Face ONNX (optimum / transformers.js)',
  async detect(dir) {
    return (await findVariants(dir)).variants.length > 0
  },
  variants: findVariants,
  names: {
    vision: { inputs: ['pixel_values'], outputs: ['image_embeds'] },
    text: { inputs: ['input_ids'], outputs: ['text_embeds'], mask: 'attention_mask' },
    combined: {
      vision: { inputs: ['pixel_values'], outputs: ['image_embeds'] },
      text: { inputs: ['input_ids'], outputs: ['text_embeds'], mask: 'attention_mask' }
    }
  },
  configs,
  hint: HINT
}
