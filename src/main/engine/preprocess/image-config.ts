// Reads a Hugging Face preprocessor_config.json (CLIPImageProcessor keys) into a validated, typed config.

import { WorkbenchError } from '../../../shared/contract/errors'
import { isSupportedResample } from './pil-resample'

/** CLIPImageProcessor settings, with CLIP's defaults filled in. */
export interface ImagePreprocessConfig {
  doResize: boolean
  /**
   * `shortest_edge` keeps the aspect ratio; `height`/`width` resizes to exactly that size, or with `fit: 'longest'`
   * scales the longest side to fit inside it keeping the aspect ratio (OpenCLIP resize_mode "longest"; the crop pads).
   */
  size: { shortestEdge: number } | { height: number; width: number; fit?: 'longest' }
  /** Pillow filter number: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming. */
  resample: number
  doCenterCrop: boolean
  cropSize: { height: number; width: number }
  doRescale: boolean
  rescaleFactor: number
  doNormalize: boolean
  imageMean: [number, number, number]
  imageStd: [number, number, number]
  doConvertRgb: boolean
  /** Centre-crop offset: transformers floors (h - ch) / 2, torchvision rounds it half to even (OpenCLIP, OpenAI). Default floor. */
  cropRounding?: 'floor' | 'half-even'
  /** Byte value of every channel where the crop is larger than the resized image (OpenCLIP fill_color); default 0. */
  padFill?: number
  /** Resize before convert('RGB') (OpenCLIP, OpenAI) or after (Hugging Face, the default); differs for alpha and palette images. */
  order?: 'huggingface' | 'openclip'
}

/** CLIP's preprocessing (openai/clip-vit-base-patch32 preprocessor_config.json). */
export const CLIP_IMAGE_DEFAULTS: ImagePreprocessConfig = {
  doResize: true,
  size: { shortestEdge: 224 },
  resample: 3,
  doCenterCrop: true,
  cropSize: { height: 224, width: 224 },
  doRescale: true,
  rescaleFactor: 1 / 255,
  doNormalize: true,
  imageMean: [0.48145466, 0.4578275, 0.40821073],
  imageStd: [0.26862954, 0.26130258, 0.27577711],
  doConvertRgb: true
}

const MAX_SIDE = 8192

function fail(reason: string, source: string): never {
  throw new WorkbenchError({
    code: 'bad-model',
    message: `preprocessor_config.json is not usable: ${reason}.`,
    item: source,
    hint: "Re-export the model's preprocessor_config.json (CLIPImageProcessor keys) or fix the value named above."
  })
}

function side(value: unknown, key: string, source: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_SIDE) {
    fail(`${key} must be an integer from 1 to ${MAX_SIDE}, got ${JSON.stringify(value)}`, source)
  }
  return value as number
}

function flag(raw: Record<string, unknown>, key: string, fallback: boolean, source: string): boolean {
  const v = raw[key]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') fail(`${key} must be true or false, got ${JSON.stringify(v)}`, source)
  return v
}

function triple(raw: Record<string, unknown>, key: string, fallback: [number, number, number], source: string, positive: boolean): [number, number, number] {
  const v = raw[key]
  if (v === undefined || v === null) return fallback
  const list = typeof v === 'number' ? [v, v, v] : v
  const ok = Array.isArray(list) && list.length === 3 && list.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))
  if (!ok) fail(`${key} must be three ${positive ? 'positive ' : ''}numbers (one per RGB channel), got ${JSON.stringify(v)}`, source)
  return [list[0], list[1], list[2]] as [number, number, number]
}

function readSize(raw: Record<string, unknown>, source: string): ImagePreprocessConfig['size'] {
  const v = raw.size
  if (v === undefined || v === null) return CLIP_IMAGE_DEFAULTS.size
  // Older exports store a bare integer, which CLIPImageProcessor treats as the shortest edge.
  if (typeof v === 'number') return { shortestEdge: side(v, 'size', source) }
  if (typeof v !== 'object' || Array.isArray(v)) fail(`size must be {"shortest_edge": n} or {"height": h, "width": w}`, source)
  const s = v as Record<string, unknown>
  if (s.shortest_edge !== undefined) return { shortestEdge: side(s.shortest_edge, 'size.shortest_edge', source) }
  if (s.height !== undefined || s.width !== undefined) {
    return { height: side(s.height, 'size.height', source), width: side(s.width, 'size.width', source) }
  }
  return fail(`size has neither shortest_edge nor height/width: ${JSON.stringify(v)}`, source)
}

function readCrop(raw: Record<string, unknown>, source: string): ImagePreprocessConfig['cropSize'] {
  const v = raw.crop_size
  if (v === undefined || v === null) return CLIP_IMAGE_DEFAULTS.cropSize
  if (typeof v === 'number') {
    const n = side(v, 'crop_size', source)
    return { height: n, width: n }
  }
  if (typeof v !== 'object' || Array.isArray(v)) fail(`crop_size must be an integer or {"height": h, "width": w}`, source)
  const c = v as Record<string, unknown>
  return { height: side(c.height, 'crop_size.height', source), width: side(c.width, 'crop_size.width', source) }
}

function readResample(raw: Record<string, unknown>, source: string): number {
  const v = raw.resample
  if (v === undefined || v === null) return CLIP_IMAGE_DEFAULTS.resample
  if (typeof v !== 'number' || !isSupportedResample(v)) {
    fail(`resample ${JSON.stringify(v)} is not a Pillow filter (0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming)`, source)
  }
  return v
}

function readRescale(raw: Record<string, unknown>, source: string): number {
  const v = raw.rescale_factor
  if (v === undefined || v === null) return CLIP_IMAGE_DEFAULTS.rescaleFactor
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`rescale_factor must be a positive number, got ${JSON.stringify(v)}`, source)
  return v
}

/**
 * Parse preprocessor_config.json (text or parsed object) with CLIP defaults for missing keys;
 * throws a `bad-model` WorkbenchError naming the offending key. `source` names the file in messages.
 */
export function readPreprocessorConfig(json: string | object, source = 'preprocessor_config.json'): ImagePreprocessConfig {
  let raw: unknown = json
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json)
    } catch (err) {
      fail(`it does not parse as JSON (${(err as Error).message})`, source)
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('the top level must be a JSON object', source)
  const r = raw as Record<string, unknown>
  const d = CLIP_IMAGE_DEFAULTS
  return {
    doResize: flag(r, 'do_resize', d.doResize, source),
    size: readSize(r, source),
    resample: readResample(r, source),
    doCenterCrop: flag(r, 'do_center_crop', d.doCenterCrop, source),
    cropSize: readCrop(r, source),
    doRescale: flag(r, 'do_rescale', d.doRescale, source),
    rescaleFactor: readRescale(r, source),
    doNormalize: flag(r, 'do_normalize', d.doNormalize, source),
    imageMean: triple(r, 'image_mean', d.imageMean, source, false),
    imageStd: triple(r, 'image_std', d.imageStd, source, true),
    doConvertRgb: flag(r, 'do_convert_rgb', d.doConvertRgb, source)
  }
}
