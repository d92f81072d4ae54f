// CLIPImageProcessor on decoded RGB pixels: PIL-exact resize (in HF or OpenCLIP order), centre crop, rescale and normalise to CHW float32.

import { WorkbenchError } from '../../../shared/contract/errors'
import type { ImagePreprocessConfig } from './image-config'
import { nearestIndices, planAxis, type AxisPlan } from './pil-resample'
import { resizePixels, resizeToChw, type ResizeJob } from './pil-resample-kernel'

/** Decoded 8-bit RGB pixels, row-major HWC. */
export interface RgbImage {
  data: Uint8Array
  width: number
  height: number
  /** What PIL would have opened, where OpenCLIP's order (resize before convert('RGB')) changes the pixels. */
  source?: SourcePixels
}

/** PIL mode of the file before convert('RGB'), and its alpha plane (RGBA, LA) or colour table (P). */
export interface SourcePixels {
  mode: 'RGBA' | 'LA' | 'P' | '1' | 'CMYK'
  alpha?: Uint8Array
  /** RGB triples of a palette image's colour table (palette.ts). */
  palette?: Uint8Array
}

/** Where the crop window sits in the resized image (offsets may be negative: HF pads with zeros). */
export interface PreprocessGeometry {
  resizedWidth: number
  resizedHeight: number
  outWidth: number
  outHeight: number
  top: number
  left: number
}

/**
 * transformers' get_resize_output_image_size(default_to_square=False): the short side becomes
 * `shortestEdge` and the long side int(shortestEdge * long / short), truncated as in Python.
 */
export function resizeOutputSize(width: number, height: number, config: ImagePreprocessConfig): { width: number; height: number } {
  if (!config.doResize) return { width, height }
  const size = config.size
  if ('fit' in size && size.fit === 'longest') {
    // open_clip transform.py ResizeKeepRatio.get_params(longest=1): round(side / max ratio), Python's round (half to even).
    const ratio = Math.max(height / size.height, width / size.width)
    return { width: Math.max(1, roundHalfEven(width / ratio)), height: Math.max(1, roundHalfEven(height / ratio)) }
  }
  if (!('shortestEdge' in size)) return { width: size.width, height: size.height }
  const [short, long] = width <= height ? [width, height] : [height, width]
  const newLong = Math.trunc((size.shortestEdge * long) / short)
  return width <= height ? { width: size.shortestEdge, height: newLong } : { width: newLong, height: size.shortestEdge }
}

/**
 * Resize size, output size and crop offsets. transformers' center_crop uses floor((h - ch) / 2), unlike
 * torchvision's round(); when the crop is larger transformers pads and shifts by ceil((ch - h) / 2), torchvision
 * and open_clip's center_crop_or_pad by floor((ch - h) / 2) (left/top padding (ch - h) // 2).
 */
export function preprocessGeometry(width: number, height: number, config: ImagePreprocessConfig): PreprocessGeometry {
  const r = resizeOutputSize(width, height, config)
  if (!config.doCenterCrop) return { resizedWidth: r.width, resizedHeight: r.height, outWidth: r.width, outHeight: r.height, top: 0, left: 0 }
  const ch = config.cropSize.height
  const cw = config.cropSize.width
  // floor((size - crop) / 2) also covers padding: transformers centres the image at ceil((crop - size) / 2).
  const offset = (size: number, crop: number): number => {
    if (config.cropRounding !== 'half-even') return Math.floor((size - crop) / 2)
    return size >= crop ? roundHalfEven((size - crop) / 2) : -Math.floor((crop - size) / 2)
  }
  return { resizedWidth: r.width, resizedHeight: r.height, outWidth: cw, outHeight: ch, top: offset(r.height, ch), left: offset(r.width, cw) }
}

/** Python's round(): halves go to the even neighbour (torchvision's center_crop uses it). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  if (x - f !== 0.5) return Math.round(x)
  return f % 2 === 0 ? f : f + 1
}

/** The part of the resized image the crop keeps: rows [y0, y0+rows), columns [x0, x0+cols); placed at (dy, dx). */
interface Window {
  y0: number
  rows: number
  x0: number
  cols: number
  dy: number
  dx: number
}

function cropWindow(g: PreprocessGeometry): Window {
  const y0 = Math.max(0, g.top)
  const x0 = Math.max(0, g.left)
  const rows = Math.max(0, Math.min(g.resizedHeight, g.top + g.outHeight) - y0)
  const cols = Math.max(0, Math.min(g.resizedWidth, g.left + g.outWidth) - x0)
  return { y0, rows, x0, cols, dy: y0 - g.top, dx: x0 - g.left }
}

/**
 * The resize of the window the crop keeps as one kernel job: every kept pixel equals PIL's full-image resize. Pillow
 * runs the horizontal pass first, rounding to 8 bits, over the rows the vertical pass reads, then the vertical pass.
 */
function windowJob(img: RgbImage, g: PreprocessGeometry, w: Window, resample: number): ResizeJob {
  const vertical = g.resizedHeight !== img.height ? planAxis(img.height, g.resizedHeight, resample, w.y0, w.rows) : null
  const horizontal = g.resizedWidth !== img.width ? planAxis(img.width, g.resizedWidth, resample, w.x0, w.cols) : null
  const [row0, rows] = vertical ? rowSpan(vertical) : [w.y0, w.rows]
  return { src: img.data, width: img.width, row0, rows, x0: w.x0, cols: w.cols, horizontal, vertical }
}

/** A job that resizes nothing: `rows` × `cols` pixels already resized (the CHW lookup still runs on them). */
function pixelsJob(pixels: Uint8Array, w: Window): ResizeJob {
  return { src: pixels, width: w.cols, row0: 0, rows: w.rows, x0: 0, cols: w.cols, horizontal: null, vertical: null }
}

/** Resize only the window the crop keeps (PIL's bytes, rows × cols × 3). */
function resizeWindow(img: RgbImage, g: PreprocessGeometry, w: Window, resample: number): Uint8Array {
  if (w.rows === 0 || w.cols === 0) return new Uint8Array(0)
  if (resample === 0) return nearestWindow(img, g, w)
  return resizePixels(windowJob(img, g, w, resample))
}

function rowSpan(plan: AxisPlan): [number, number] {
  const n = plan.bounds.length / 2
  let lo = Infinity
  let hi = 0
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, plan.bounds[i * 2])
    hi = Math.max(hi, plan.bounds[i * 2] + plan.bounds[i * 2 + 1])
  }
  return [lo, hi - lo]
}

function nearestWindow(img: RgbImage, g: PreprocessGeometry, w: Window): Uint8Array {
  const xs = nearestIndices(img.width, g.resizedWidth, w.x0, w.cols)
  const ys = nearestIndices(img.height, g.resizedHeight, w.y0, w.rows)
  const out = new Uint8Array(w.rows * w.cols * 3)
  let o = 0
  for (let y = 0; y < w.rows; y++) {
    const base = ys[y] * img.width * 3
    for (let x = 0; x < w.cols; x++) {
      const p = base + xs[x] * 3
      out[o++] = img.data[p]
      out[o++] = img.data[p + 1]
      out[o++] = img.data[p + 2]
    }
  }
  return out
}

/**
 * Per-channel lookup of the float value of each byte, with transformers' arithmetic: rescale in float64
 * then cast to float32, then (x - mean) / std in float32 — so the tensor is bit-identical to HF's.
 */
function valueTable(config: ImagePreprocessConfig): Float32Array {
  const table = new Float32Array(3 * 256)
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(config.imageMean[c])
    const std = Math.fround(config.imageStd[c])
    for (let u = 0; u < 256; u++) {
      let v = config.doRescale ? Math.fround(u * config.rescaleFactor) : u
      if (config.doNormalize) v = Math.fround(Math.fround(v - mean) / std)
      table[c * 256 + u] = v
    }
  }
  return table
}

const tables = new WeakMap<ImagePreprocessConfig, Float32Array>()

function tableFor(config: ImagePreprocessConfig): Float32Array {
  let t = tables.get(config)
  if (!t) tables.set(config, (t = valueTable(config)))
  return t
}

function checkImage(img: RgbImage): void {
  const ok = Number.isInteger(img.width) && Number.isInteger(img.height) && img.width > 0 && img.height > 0 && img.data.length === img.width * img.height * 3
  if (!ok) {
    throw new WorkbenchError({
      code: 'internal',
      message: `preprocessImage got ${img.data.length} bytes for a ${img.width}×${img.height} RGB image.`,
      hint: 'Pass pixels from decodeImage (RGB, 3 bytes per pixel, row-major).'
    })
  }
}

/** PIL's MULDIV255(a, b): a·b/255 rounded, as Convert.c premultiplies RGBA -> RGBa. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128
  return ((t >> 8) + t) >> 8
}

/**
 * Resize the crop window in the order the model's pipeline uses. Hugging Face converts to RGB first.
 * OpenCLIP/OpenAI resize the image as opened (open_clip/transform.py, clip/clip.py `_transform`): PIL
 * resizes P and 1 images with NEAREST whatever filter was asked, and RGBA/LA premultiplied by alpha
 * (RGBa/La) then un-premultiplied; convert('RGB') afterwards drops alpha (Pillow Image.resize, Convert.c).
 * The common case (one filter over RGB) stays one kernel job; the others resize here first.
 */
function resizeInOrder(img: RgbImage, g: PreprocessGeometry, w: Window, config: ImagePreprocessConfig): ResizeJob {
  const src = config.order === 'openclip' ? img.source : undefined
  const resample = src?.mode === 'P' || src?.mode === '1' ? 0 : config.resample
  const alpha = src?.mode === 'RGBA' || src?.mode === 'LA' ? src.alpha : undefined
  if (resample === 0 || w.rows === 0 || w.cols === 0) return pixelsJob(resizeWindow(img, g, w, resample), w)
  if (!alpha) return windowJob(img, g, w, resample)
  const n = img.width * img.height
  const pre = new Uint8Array(n * 3)
  const planeA = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) {
    const a = alpha[i]
    for (let c = 0; c < 3; c++) {
      pre[i * 3 + c] = mulDiv255(img.data[i * 3 + c], a)
      planeA[i * 3 + c] = a
    }
  }
  const rgb = resizeWindow({ data: pre, width: img.width, height: img.height }, g, w, resample)
  const a = resizeWindow({ data: planeA, width: img.width, height: img.height }, g, w, resample)
  for (let p = 0; p < rgb.length; p++) {
    const al = a[p]
    if (al !== 0 && al !== 255) rgb[p] = Math.min(255, Math.trunc((255 * rgb[p]) / al))
  }
  return pixelsJob(rgb, w)
}

/**
 * The RGB bytes of the padding. OpenCLIP pads the image as opened with fill_color in every band, then converts
 * (open_clip transform.py center_crop_or_pad, torchvision F.pad): a palette image shows palette entry f (Pillow's
 * grey ramp beyond the table), a bilevel one white for any f > 0, CMYK (f, f, f, f) Pillow's cmyk2rgb (Convert.c).
 */
function padColour(img: RgbImage, config: ImagePreprocessConfig): [number, number, number] {
  const f = config.padFill ?? 0
  const src = config.order === 'openclip' ? img.source : undefined
  if (src?.mode === 'P' && src.palette && f * 3 + 2 < src.palette.length) return [src.palette[f * 3], src.palette[f * 3 + 1], src.palette[f * 3 + 2]]
  if (src?.mode === '1') return f ? [255, 255, 255] : [0, 0, 0]
  if (src?.mode === 'CMYK') {
    const nk = 255 - f
    const v = Math.max(0, nk - mulDiv255(f, nk))
    return [v, v, v]
  }
  return [f, f, f]
}

/**
 * Write the CHW float32 tensor of `img` into `out` starting at element `offset` (a batch slot of an
 * N×3×H×W buffer), with no intermediate copies of the tensor. Returns the geometry used.
 */
export function preprocessInto(img: RgbImage, config: ImagePreprocessConfig, out: Float32Array, offset = 0): PreprocessGeometry {
  checkImage(img)
  const g = preprocessGeometry(img.width, img.height, config)
  const plane = g.outWidth * g.outHeight
  if (offset < 0 || offset + 3 * plane > out.length) {
    throw new WorkbenchError({ code: 'internal', message: `Batch buffer of ${out.length} floats has no room for a 3×${g.outHeight}×${g.outWidth} tensor at ${offset}.` })
  }
  const w = cropWindow(g)
  // Padding (crop larger than the image) is padColour's bytes before rescale/normalise: zeros in transformers, fill_color in OpenCLIP.
  const pads = w.rows !== g.outHeight || w.cols !== g.outWidth
  const place = { outWidth: g.outWidth, outHeight: g.outHeight, dy: w.dy, dx: w.dx, ...(pads ? { fill: padColour(img, config) } : {}) }
  resizeToChw(resizeInOrder(img, g, w, config), tableFor(config), place, out, offset)
  return g
}

/** CLIP-preprocess one decoded image into a new CHW float32 tensor (3 × outHeight × outWidth). */
export function preprocessImage(img: RgbImage, config: ImagePreprocessConfig): Float32Array {
  checkImage(img)
  const g = preprocessGeometry(img.width, img.height, config)
  const out = new Float32Array(3 * g.outWidth * g.outHeight)
  preprocessInto(img, config, out, 0)
  return out
}

/** The resized-and-cropped 8-bit RGB pixels (HWC) before rescale/normalise: what PIL would hold. */
export function resizeAndCrop(img: RgbImage, config: ImagePreprocessConfig): RgbImage {
  checkImage(img)
  const g = preprocessGeometry(img.width, img.height, config)
  const w = cropWindow(g)
  const pixels = resizePixels(resizeInOrder(img, g, w, config))
  const data = new Uint8Array(g.outWidth * g.outHeight * 3)
  if (w.rows !== g.outHeight || w.cols !== g.outWidth) {
    const fill = padColour(img, config)
    for (let p = 0; p < data.length; p += 3) data.set(fill, p)
  }
  for (let y = 0; y < w.rows; y++) data.set(pixels.subarray(y * w.cols * 3, (y + 1) * w.cols * 3), ((y + w.dy) * g.outWidth + w.dx) * 3)
  return { data, width: g.outWidth, height: g.outHeight }
}
