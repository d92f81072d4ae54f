// SigLIP and SigLIP 2 as transformers.js / optimum export them (Xenova/siglip-*, onnx-community/siglip2-*): the Hugging
// Face file names, towers read through `pooler_output`, a SentencePiece Unigram (SigLIP) or Gemma BPE (SigLIP 2)
// tokenizer padded to 64 tokens, SiglipImageProcessor's squash resize; tools/clip-export/export_siglip.py writes them.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { readPreprocessorConfig, type ImagePreprocessConfig } from '../../preprocess'
import { positiveInt, readJsonObject } from '../json-file'
import { findVariants } from '../layout'
import type { FormatConfigs, FormatId, ModelFormat } from './types'

type Family = 'siglip' | 'siglip2'

const HINT =
  'A SigLIP ONNX export holds onnx/vision_model.onnx + onnx/text_model.onnx (or onnx/model.onnx), config.json (model_type "siglip"), tokenizer.json, tokenizer_config.json and preprocessor_config.json (SiglipImageProcessor).'
/** SigLIP and SigLIP 2 were trained on captions padded to 64 tokens (google/siglip-* tokenizer_config.json). */
const SIGLIP_CONTEXT = 64
const TOKENIZER_OF: Record<Family, string> = {
  siglip: 'a SentencePiece Unigram tokenizer (T5-like, 32,000 pieces)',
  siglip2: "Gemma's SentencePiece BPE with byte fallback (256,000 pieces)"
}

function bad(dir: string, rel: string, message: string, hint = HINT): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: path.join(dir, rel), message: `${rel}: ${message}`, hint })
}

async function modelType(dir: string): Promise<string | null> {
  const config = await readJsonObject(path.join(dir, 'config.json')).catch(() => null)
  const type = config?.model_type
  const arch = Array.isArray(config?.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : []
  if (type === 'siglip' || type === 'siglip2') return type
  return arch.some((a) => a.startsWith('Siglip2')) ? 'siglip2' : arch.some((a) => a.startsWith('Siglip')) ? 'siglip' : null
}

type TokenizerModel = { type: string; byteFallback: boolean; padId: number | null } | null
// By path, size and mtime: detection, both families' detect() and configs() ask for the same (Gemma's is 33 MB).
const modelCache = new Map<string, TokenizerModel>()

/** tokenizer.json's model: its type and whether it falls back to bytes (Gemma), read without building a tokenizer. */
async function tokenizerModel(dir: string): Promise<TokenizerModel> {
  const file = path.join(dir, 'tokenizer.json')
  const st = await fs.stat(file).catch(() => null)
  if (!st) return null
  const key = `${file}\0${st.size}\0${st.mtimeMs}`
  if (modelCache.has(key)) return modelCache.get(key)!
  let found: TokenizerModel
  try {
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>
    const model = (json.model ?? {}) as Record<string, unknown>
    const padId = (json.padding as { pad_id?: unknown } | null | undefined)?.pad_id
    found = { type: String(model.type ?? (Array.isArray(model.vocab) ? 'Unigram' : 'BPE')), byteFallback: model.byte_fallback === true, padId: typeof padId === 'number' ? padId : null }
  } catch {
    found = null
  }
  modelCache.set(key, found)
  return found
}

/** SigLIP 2 when config.json says so or the tokenizer is Gemma's byte-fallback BPE (fixed-resolution SigLIP 2 checkpoints say "siglip"). */
async function familyOf(dir: string): Promise<Family | null> {
  const type = await modelType(dir)
  if (type === null) return null
  if (type === 'siglip2') return 'siglip2'
  const tok = await tokenizerModel(dir)
  return tok?.type === 'BPE' && tok.byteFallback ? 'siglip2' : 'siglip'
}

function checkTokenizer(dir: string, family: Family, model: TokenizerModel): void {
  if (model === null) throw bad(dir, 'tokenizer.json', 'is missing or not JSON; captions cannot be tokenized without it.', 'Copy tokenizer.json from the same SigLIP export.')
  const fits = family === 'siglip' ? model.type === 'Unigram' : model.type === 'BPE' && model.byteFallback
  if (fits) return
  const found = model.type === 'BPE' && !model.byteFallback ? "a byte-level BPE without byte fallback (CLIP's)" : `a ${model.type} model`
  throw bad(dir, 'tokenizer.json', `is ${found}, but ${family === 'siglip' ? 'SigLIP' : 'SigLIP 2'} uses ${TOKENIZER_OF[family]}.`, 'Use the tokenizer.json of the same SigLIP export.')
}

/** SiglipImageProcessor: squash to {height, width}, no centre crop (transformers image_processing_siglip.py). */
function siglipPreprocess(dir: string, pre: Record<string, unknown>): ImagePreprocessConfig {
  const rel = 'preprocessor_config.json'
  const type = pre.image_processor_type
  if (typeof type === 'string' && /Siglip2ImageProcessor/.test(type))
    throw bad(dir, rel, `${type} (NaFlex: variable patch counts) is not supported.`, 'Use a fixed-resolution SigLIP 2 export (e.g. siglip2-base-patch16-224), whose processor is SiglipImageProcessor.')
  const p = readPreprocessorConfig(pre, path.join(dir, rel))
  if ('shortestEdge' in p.size || p.size.height !== p.size.width) throw bad(dir, rel, `size must be a square {"height": n, "width": n} for SiglipImageProcessor, got ${JSON.stringify(pre.size)}.`)
  return { ...p, doCenterCrop: false, cropSize: { height: p.size.height, width: p.size.width } }
}

function contextLength(dir: string, tok: Record<string, unknown> | null, textConfig: Record<string, unknown>): number {
  const fromTokenizer = positiveInt(tok?.model_max_length)
  const tokenizer = fromTokenizer !== null && fromTokenizer <= 65536 ? fromTokenizer : null
  const positions = positiveInt(textConfig.max_position_embeddings)
  if (tokenizer !== null && positions !== null && tokenizer > positions)
    throw bad(
      dir,
      'tokenizer_config.json',
      `model_max_length ${tokenizer} exceeds the text model's ${positions} positions (config.json).`,
      'Use the tokenizer_config.json of the same export (SigLIP: 64).'
    )
  return tokenizer ?? positions ?? SIGLIP_CONTEXT
}

function configsOf(family: Family) {
  return async (dir: string): Promise<FormatConfigs> => {
    const pre = await readJsonObject(path.join(dir, 'preprocessor_config.json'))
    if (!pre) throw bad(dir, 'preprocessor_config.json', 'is missing; it defines the resize and normalisation (SiglipImageProcessor).')
    const preprocess = siglipPreprocess(dir, pre)
    const model = await tokenizerModel(dir)
    checkTokenizer(dir, family, model)
    const tok = await readJsonObject(path.join(dir, 'tokenizer_config.json'))
    // Without a named pad token the tokenizer would pad with its end token: right for SigLIP, wrong for SigLIP 2 (<pad>).
    if (family === 'siglip2' && tok?.pad_token === undefined && model?.padId === null)
      throw bad(
        dir,
        'tokenizer_config.json',
        'names no pad_token (nor does tokenizer.json "padding"); SigLIP 2 pads every caption to 64 tokens with <pad>, not its end token.',
        'Copy tokenizer_config.json from the same SigLIP export.'
      )
    const config = await readJsonObject(path.join(dir, 'config.json'))
    const text = (config?.text_config ?? {}) as Record<string, unknown>
    const vision = (config?.vision_config ?? {}) as Record<string, unknown>
    // SigLIP 2 lowercases before tokenizing (Tschannen et al. 2025, and transformers' Siglip2Tokenizer); the exports'
    // tokenizer.json (a plain Gemma tokenizer) does not, so the workbench does it.
    const notes = family === 'siglip2' ? ["SigLIP 2 was trained on lowercased captions: captions are lowercased before tokenization, as transformers' Siglip2Tokenizer does."] : []
    return {
      preprocess,
      preprocessSource: 'preprocessor_config.json',
      order: 'huggingface',
      tokenizerDir: '.',
      contextLength: contextLength(dir, tok, text),
      embedDim: positiveInt(text.projection_size) ?? positiveInt(vision.hidden_size),
      files: ['tokenizer.json', 'preprocessor_config.json', ...(tok ? ['tokenizer_config.json'] : []), ...(config ? ['config.json'] : [])],
      notes,
      ...(family === 'siglip2' ? { captionCase: 'lowercase' as const } : {})
    }
  }
}

// transformers.js exports the towers without a projection output: SigLIP's embedding is the pooled head output.
const TOWER = {
  vision: { inputs: ['pixel_values'], outputs: ['image_embeds', 'pooler_output'], hint: 'A SigLIP vision_model.onnx takes pixel_values [batch, 3, H, W] and outputs pooler_output [batch, dim].' },
  text: {
    inputs: ['input_ids'],
    outputs: ['text_embeds', 'pooler_output'],
    mask: 'attention_mask',
    padAttended: true,
    hint: 'A SigLIP text_model.onnx takes input_ids [batch, 64] and outputs pooler_output [batch, dim].'
  }
}
const COMBINED = {
  vision: { inputs: ['pixel_values'], outputs: ['image_embeds'], hint: 'A combined SigLIP model.onnx takes input_ids and pixel_values and outputs image_embeds and text_embeds.' },
  text: {
    inputs: ['input_ids'],
    outputs: ['text_embeds'],
    mask: 'attention_mask',
    padAttended: true,
    hint: 'A combined SigLIP model.onnx takes input_ids and pixel_values and outputs image_embeds and text_embeds.'
  }
}

function siglipFormat(family: Family): ModelFormat {
  return {
    id: family satisfies FormatId,
    label: family === 'siglip' ? 'SigLIP (transformers.js / optimum ONNX)' : 'SigLIP 2, fixed resolution (transformers.js / optimum ONNX)',
    async detect(dir) {
      return (await familyOf(dir)) === family && (await findVariants(dir).catch(() => ({ variants: [] }))).variants.length > 0
    },
    variants: findVariants,
    names: { ...TOWER, combined: COMBINED },
    configs: configsOf(family),
    hint: HINT,
    pairwise: 'sigmoid'
  }
}

/** SigLIP (Zhai et al. 2023): Unigram tokenizer, sigmoid pairwise score. */
export const siglip = siglipFormat('siglip')
/** SigLIP 2 (Tschannen et al. 2025), fixed-resolution checkpoints: Gemma tokenizer, same towers and score. */
export const siglip2 = siglipFormat('siglip2')
