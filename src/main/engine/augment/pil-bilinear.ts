// Pillow's Image.resize(size, BILINEAR) for 8-bit RGB (libImaging/Resample.c, Pillow 9.4), ported so the
// resize inside RandomResizedCrop gives PIL's bytes. Same algorithm as preprocess/pil-resample.ts
// (which covers every filter); kept local so the augment module does not depend on that folder.
import { type RgbImage } from './image'

const PRECISION_BITS = 32 - 8 - 2
const SCALE = 1 << PRECISION_BITS
const HALF = 1 << (PRECISION_BITS - 1)

interface Taps {
  ksize: number
  bounds: Int32Array
  coeffs: Int32Array
}

/** precompute_coeffs + normalize_coeffs_8bpc for the bilinear (triangle, support 1) filter. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize
  const filterscale = scale < 1 ? 1 : scale
  const support = filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const bounds = new Int32Array(outSize * 2)
  const coeffs = new Int32Array(outSize * ksize)
  const k = new Float64Array(ksize)
  const ss = 1 / filterscale
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const xmin = Math.max(0, Math.trunc(center - support + 0.5))
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss)
      k[x] = t < 1 ? 1 - t : 0
      ww += k[x]
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x]
      coeffs[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * SCALE) : Math.trunc(0.5 + w * SCALE)
    }
    bounds[xx * 2] = xmin
    bounds[xx * 2 + 1] = xmax
  }
  return { ksize, bounds, coeffs }
}

function clip8(v: number): number {
  if (v <= 0) return 0
  const q = Math.floor(v / SCALE)
  return q > 255 ? 255 : q
}

/** Resample.c ImagingResampleHorizontal_8bpc: every row, `t` maps output columns to input taps. */
function horizontal(src: Uint8Array, inWidth: number, rows: number, t: Taps): Uint8Array {
  const { ksize, bounds, coeffs } = t
  const outWidth = bounds.length / 2
  const out = new Uint8Array(rows * outWidth * 3)
  let o = 0
  for (let y = 0; y < rows; y++) {
    const rowBase = y * inWidth * 3
    for (let xx = 0; xx < outWidth; xx++) {
      const xmax = bounds[xx * 2 + 1]
      const kb = xx * ksize
      let s0 = HALF, s1 = HALF, s2 = HALF
      let p = rowBase + bounds[xx * 2] * 3
      for (let x = 0; x < xmax; x++, p += 3) {
        const c = coeffs[kb + x]
        s0 += src[p] * c
        s1 += src[p + 1] * c
        s2 += src[p + 2] * c
      }
      out[o++] = clip8(s0)
      out[o++] = clip8(s1)
      out[o++] = clip8(s2)
    }
  }
  return out
}

/** Resample.c ImagingResampleVertical_8bpc: each output row is a weighted sum of whole input rows. */
function vertical(src: Uint8Array, width: number, t: Taps): Uint8Array {
  const { ksize, bounds, coeffs } = t
  const outRows = bounds.length / 2
  const stride = width * 3
  const out = new Uint8Array(outRows * stride)
  const acc = new Float64Array(stride)
  for (let yy = 0; yy < outRows; yy++) {
    acc.fill(HALF)
    const ymin = bounds[yy * 2]
    const ymax = bounds[yy * 2 + 1]
    for (let y = 0; y < ymax; y++) {
      const c = coeffs[yy * ksize + y]
      const base = (ymin + y) * stride
      for (let i = 0; i < stride; i++) acc[i] += src[base + i] * c
    }
    const o = yy * stride
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i])
  }
  return out
}

/** Resize an RGB image to width × height exactly as PIL's BILINEAR (antialiased when shrinking). */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  let data = image.data
  let w = image.width
  // Resample.c: horizontal pass first, then vertical; each only when that size changes.
  if (width !== w) {
    data = horizontal(data, w, image.height, taps(w, width))
    w = width
  }
  if (height !== image.height) {
    data = vertical(data, w, taps(image.height, height))
  }
  return { data: data === image.data ? data.slice() : data, width, height }
}
