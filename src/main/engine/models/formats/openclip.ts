// OpenCLIP as immich publishes it (immich-app/ViT-B-32__openai, ...): config.json {embed_dim, vision_cfg,
// text_cfg}, visual/model.onnx + visual/preprocess_cfg.json, textual/model.onnx + textual/tokenizer.json.
import path from 'node:path'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { CLIP_IMAGE_DEFAULTS, type ImagePreprocessConfig } from '../../preprocess'
import { exists, positiveInt, readJsonObject } from '../json-file'
import type { VariantFiles } from '../layout'
import type { FormatConfigs, ModelFormat } from './types'

const HINT = 'An OpenCLIP (immich) folder holds config.json, visual/model.onnx, visual/preprocess_cfg.json, textual/model.onnx and textual/tokenizer.json.'
const VISION = path.join('visual', 'model.onnx')
const TEXT = path.join('textual', 'model.onnx')
const PRE = path.join('visual', 'preprocess_cfg.json')
// torchvision InterpolationMode names -> Pillow filter numbers (torchvision resizes PIL images with PIL).
const INTERPOLATION: Record<string, number> = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 }

function bad(dir: string, rel: string, message: string, hint = HINT): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', item: path.join(dir, rel), message: `${rel}: ${message}`, hint })
}

function triple(v: unknown): [number, number, number] | null {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? [v[0], v[1], v[2]] : null
}

/** OpenCLIP's image_transform (open_clip/transform.py) for inference, as a CLIPImageProcessor config. */
export function openclipPreprocess(raw: Record<string, unknown>, dir: string, rel: string): ImagePreprocessConfig {
  const size = raw.size
  const [h, w] = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : [null, null]
  const side = positiveInt(h)
  if (side === null || positiveInt(w) === null) throw bad(dir, rel, `size must be an integer or [height, width], got ${JSON.stringify(size)}.`)
  const mode = raw.resize_mode ?? 'shortest'
  if (mode !== 'shortest' && mode !== 'squash' && mode !== 'longest') {
    throw bad(dir, rel, `resize_mode ${JSON.stringify(mode)} is not one of "shortest", "squash", "longest" (open_clip transform.py image_transform).`)
  }
  const fill = raw.fill_color ?? 0
  if (!Number.isInteger(fill) || (fill as number) < 0 || (fill as number) > 255)
    throw bad(dir, rel, `fill_color must be an integer from 0 to 255, got ${JSON.stringify(fill)}.`, 'Set fill_color to the byte open_clip pads "longest" images with (its default is 0).')
  if (mode === 'shortest' && h !== w) throw bad(dir, rel, `resize_mode "shortest" with a non-square size ${JSON.stringify(size)} is not supported.`)
  const interpolation = raw.interpolation ?? 'bicubic'
  const resample = typeof interpolation === 'string' ? INTERPOLATION[interpolation] : undefined
  if (resample === undefined) throw bad(dir, rel, `interpolation ${JSON.stringify(interpolation)} is not one of ${Object.keys(INTERPOLATION).join(', ')}.`)
  const mean = raw.mean === undefined ? CLIP_IMAGE_DEFAULTS.imageMean : triple(raw.mean)
  const std = raw.std === undefined ? CLIP_IMAGE_DEFAULTS.imageStd : triple(raw.std)
  if (!mean || !std || std.some((s) => s <= 0)) throw bad(dir, rel, `mean and std must be three numbers each (std positive), got ${JSON.stringify(raw.mean)} and ${JSON.stringify(raw.std)}.`)
  const square = { height: side, width: positiveInt(w)! }
  // "longest": ResizeKeepRatio(longest=1) then CenterCropOrPad(fill=fill_color), which only ever pads.
  const resize = mode === 'squash' ? square : mode === 'longest' ? { ...square, fit: 'longest' as const } : { shortestEdge: side }
  return {
    ...CLIP_IMAGE_DEFAULTS,
    size: resize,
    doCenterCrop: mode !== 'squash',
    cropSize: square,
    resample,
    imageMean: mean,
    imageStd: std,
    cropRounding: 'half-even',
    padFill: fill as number
  }
}

async function variants(dir: string): Promise<{ variants: VariantFiles[]; others: string[] }> {
  const [v, t] = await Promise.all([exists(path.join(dir, VISION)), exists(path.join(dir, TEXT))])
  if (!v && !t) return { variants: [], others: [] }
  return { variants: [{ id: 'separate', layout: 'separate', suffix: '', vision: v ? VISION : undefined, text: t ? TEXT : undefined }], others: [] }
}

async function configs(dir: string, graphSize: number | null): Promise<FormatConfigs> {
  const config = await readJsonObject(path.join(dir, 'config.json'))
  const visionCfg = (config?.vision_cfg ?? {}) as Record<string, unknown>
  const textCfg = (config?.text_cfg ?? {}) as Record<string, unknown>
  const notes: string[] = []
  const files = ['textual/tokenizer.json']
  let preprocess: ImagePreprocessConfig
  let preprocessSource: string | null = PRE
  const pre = await readJsonObject(path.join(dir, PRE))
  if (pre) {
    preprocess = openclipPreprocess(pre, dir, 'visual/preprocess_cfg.json')
    files.push('visual/preprocess_cfg.json')
  } else {
    const side = graphSize ?? positiveInt(visionCfg.image_size)
    if (side === null) throw bad(dir, 'visual/preprocess_cfg.json', 'is missing and neither the graph nor config.json vision_cfg.image_size gives the image size.')
    preprocess = { ...CLIP_IMAGE_DEFAULTS, size: { shortestEdge: side }, cropSize: { height: side, width: side }, cropRounding: 'half-even' }
    preprocessSource = null
    notes.push(`visual/preprocess_cfg.json is missing: OpenAI CLIP's transform at ${side} px (bicubic, CLIP mean/std) is assumed.`)
  }
  if (config) files.push('config.json')
  if (!(await exists(path.join(dir, 'textual', 'tokenizer.json')))) {
    throw bad(dir, 'textual/tokenizer.json', 'is missing; captions cannot be tokenized without it.', 'Copy tokenizer.json (and tokenizer_config.json) of the same OpenCLIP model into textual/.')
  }
  return {
    preprocess,
    preprocessSource,
    order: 'openclip',
    tokenizerDir: 'textual',
    contextLength: positiveInt(textCfg.context_length),
    embedDim: positiveInt(config?.embed_dim),
    files,
    notes
  }
}

/** immich's OpenCLIP exports; their towers often fix the batch at 1 and take int32 `text`. */
export const openclip: ModelFormat = {
  id: 'openclip',
  label: 'OpenCLIP (immich layout)',
  async detect(dir) {
    return (await exists(path.join(dir, 'visual'))) || (await exists(path.join(dir, 'textual')))
  },
  variants,
  names: {
    vision: {
      inputs: ['image'],
      outputs: ['embedding'],
      hint: 'immich exports visual/model.onnx with input `image` [batch, 3, H, W] and output `embedding` [batch, dim] (immich machine-learning export); a Hugging Face export belongs in the Hugging Face layout (onnx/vision_model.onnx).'
    },
    text: {
      inputs: ['text'],
      outputs: ['embedding'],
      hint: 'immich exports textual/model.onnx with input `text` [batch, context] (int32) and output `embedding` [batch, dim]; a Hugging Face export belongs in the Hugging Face layout (onnx/text_model.onnx).'
    }
  },
  configs,
  hint: HINT
}
