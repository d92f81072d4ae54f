// Model-free features for the blind baseline (Das, Zhang & Tramèr 2024): hashed tf-idf caption
// n-grams, and image statistics read from the file bytes with sharp (never the attacked model).
import sharp from 'sharp'
import { WorkbenchError } from '../../../shared/contract/errors'

/** Sparse rows in CSR form. */
export interface SparseRows {
  rows: number
  cols: number
  indptr: Int32Array
  indices: Int32Array
  values: Float64Array
}

/** Caption featurisation options (defaults follow scikit-learn's HashingVectorizer / char_wb). */
export interface CaptionFeatureOptions {
  /** Hash buckets; default 2^18. */
  buckets?: number
  /** Character n-gram sizes inside word boundaries; default [3, 5]. */
  charNgrams?: [number, number]
}

/** FNV-1a over UTF-16 code units; a fixed hash keeps features identical on every machine. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Lower-cased word tokens (letters and digits). */
export function captionTokens(caption: string): string[] {
  return caption.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

/** Term counts of one caption: words ("w:" namespace) and padded character n-grams ("c:"). */
function termCounts(caption: string, buckets: number, [lo, hi]: [number, number]): Map<number, number> {
  const counts = new Map<number, number>()
  const add = (term: string): void => {
    const b = hash(term) % buckets
    counts.set(b, (counts.get(b) ?? 0) + 1)
  }
  for (const word of captionTokens(caption)) {
    add(`w:${word}`)
    const padded = ` ${word} `
    for (let n = lo; n <= hi; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`)
    }
  }
  return counts
}

/**
 * Hashed bag of words + character n-grams with smooth idf (ln((1+n)/(1+df)) + 1, fitted on these
 * captions without labels) and L2-normalised rows, as scikit-learn's TfidfTransformer does.
 */
export function captionFeatures(captions: string[], options: CaptionFeatureOptions = {}): SparseRows {
  const buckets = options.buckets ?? 1 << 18
  const ngrams = options.charNgrams ?? [3, 5]
  const perRow = captions.map((c) => termCounts(c, buckets, ngrams))
  const df = new Map<number, number>()
  for (const counts of perRow) for (const b of counts.keys()) df.set(b, (df.get(b) ?? 0) + 1)
  const n = captions.length
  const indptr = new Int32Array(n + 1)
  const indices: number[] = []
  const values: number[] = []
  perRow.forEach((counts, i) => {
    const keys = [...counts.keys()].sort((a, b) => a - b)
    const row = keys.map((b) => (counts.get(b) ?? 0) * (Math.log((1 + n) / (1 + (df.get(b) ?? 0))) + 1))
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0))
    keys.forEach((b, k) => {
      indices.push(b)
      values.push(norm > 0 ? row[k] / norm : 0)
    })
    indptr[i + 1] = indices.length
  })
  return { rows: n, cols: buckets, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) }
}

/** What the blind baseline may know about an image without the model. */
export interface ImageStats {
  width: number
  height: number
  fileSize: number
  format: string
  /** Mean R, G, B in [0, 1]. */
  meanRgb: [number, number, number]
  /** 4×4×4 RGB histogram (index r·16 + g·4 + b with 64-level bins), fractions summing to 1. */
  histogram: Float64Array
}

/** Formats with their own one-hot column; anything else counts as "other". */
export const IMAGE_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'other']

/** Decode the image bytes with sharp (as sRGB, alpha dropped) and summarise them. */
export async function imageStats(bytes: Uint8Array, item?: string): Promise<ImageStats> {
  try {
    const image = sharp(bytes, { failOn: 'error' })
    const meta = await image.metadata()
    const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    const channels = info.channels
    const pixels = info.width * info.height
    const histogram = new Float64Array(64)
    const sum = [0, 0, 0]
    for (let p = 0; p < pixels; p++) {
      const o = p * channels
      const r = data[o]
      const g = channels >= 3 ? data[o + 1] : r
      const b = channels >= 3 ? data[o + 2] : r
      sum[0] += r
      sum[1] += g
      sum[2] += b
      histogram[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)]++
    }
    for (let i = 0; i < 64; i++) histogram[i] /= pixels
    return {
      width: meta.width ?? info.width,
      height: meta.height ?? info.height,
      fileSize: bytes.length,
      format: meta.format ?? 'other',
      meanRgb: [sum[0] / pixels / 255, sum[1] / pixels / 255, sum[2] / pixels / 255],
      histogram
    }
  } catch (err) {
    throw new WorkbenchError(
      {
        code: 'bad-item',
        message: `The image${item ? ` of item ${item}` : ''} could not be decoded for the blind baseline: ${err instanceof Error ? err.message : String(err)}`,
        item,
        hint: 'Check that the file is a complete image in a format sharp reads (JPEG, PNG, WebP, GIF, TIFF, AVIF).'
      },
      { cause: err }
    )
  }
}

/** Number of dense image features per item. */
export const IMAGE_FEATURE_DIM = 4 + IMAGE_FORMATS.length + 3 + 64

/** Dense feature row: log width, log height, log aspect, log file size, format one-hot, mean RGB, histogram. */
export function imageFeatureVector(stats: ImageStats): Float64Array {
  const out = new Float64Array(IMAGE_FEATURE_DIM)
  out[0] = Math.log(stats.width)
  out[1] = Math.log(stats.height)
  out[2] = Math.log(stats.width / stats.height)
  out[3] = Math.log(stats.fileSize)
  const format = stats.format === 'jpg' ? 'jpeg' : stats.format === 'avif' ? 'heif' : stats.format
  const slot = IMAGE_FORMATS.indexOf(format)
  out[4 + (slot >= 0 ? slot : IMAGE_FORMATS.length - 1)] = 1
  out.set(stats.meanRgb, 4 + IMAGE_FORMATS.length)
  out.set(stats.histogram, 7 + IMAGE_FORMATS.length)
  return out
}
