// Pixel-value transforms with PIL semantics (ImageEnhance, ImageOps, Image.blend, convert("L"), the
// SMOOTH 3×3 filter) as torchvision's functional ops call them on PIL images; float32 steps emulated.
import { createRgbImage, type RgbImage } from './image'

const f32 = Math.fround

/** convert("L") luma of one pixel: Convert.c L24, ITU-R 601-2 weights in 16-bit fixed point. */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
}

/** Blend.c for one byte pair: d + alpha·(p − d) in float32, truncated, clipped when extrapolating. */
function blendByte(d: number, p: number, alpha32: number): number {
  const v = f32(d + f32(alpha32 * (p - d)))
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v)
}

/**
 * Image.blend(degenerate, image, alpha) with `degenerate` one grey level (a 256-entry table) or an image
 * of its own (a 64 K table over byte pairs): the same per-byte formula, evaluated once per distinct pair.
 */
function blend(degenerate: Uint8Array | number, image: RgbImage, alpha: number): RgbImage {
  const out = createRgbImage(image.width, image.height)
  const a = f32(alpha)
  const src = image.data
  if (typeof degenerate === 'number') {
    const lut = new Uint8Array(256)
    for (let p = 0; p < 256; p++) lut[p] = blendByte(degenerate, p, a)
    for (let i = 0; i < src.length; i++) out.data[i] = lut[src[i]]
    return out
  }
  const lut = new Uint8Array(65536)
  for (let d = 0; d < 256; d++) for (let p = 0; p < 256; p++) lut[(d << 8) | p] = blendByte(d, p, a)
  for (let i = 0; i < src.length; i++) out.data[i] = lut[(degenerate[i] << 8) | src[i]]
  return out
}

/** ImageEnhance.Brightness: blend with black. */
export function adjustBrightness(image: RgbImage, factor: number): RgbImage {
  return blend(0, image, factor)
}

/** ImageEnhance.Contrast: blend with the grey level int(mean luma + 0.5). */
export function adjustContrast(image: RgbImage, factor: number): RgbImage {
  const d = image.data
  let sum = 0
  for (let i = 0; i < d.length; i += 3) sum += luma(d[i], d[i + 1], d[i + 2])
  const mean = Math.trunc(sum / (d.length / 3) + 0.5)
  return blend(mean, image, factor)
}

/** ImageEnhance.Color: blend with the image's own luma (convert("L").convert("RGB")). */
export function adjustSaturation(image: RgbImage, factor: number): RgbImage {
  const d = image.data
  const grey = new Uint8Array(d.length)
  for (let i = 0; i < d.length; i += 3) {
    const l = luma(d[i], d[i + 1], d[i + 2])
    grey[i] = l
    grey[i + 1] = l
    grey[i + 2] = l
  }
  return blend(grey, image, factor)
}

/**
 * ImageFilter.SMOOTH (3×3 kernel 1 1 1 / 1 5 1 / 1 1 1, scale 13) as Filter.c ImagingFilter3x3 applies it:
 * float32 taps summed left to right per row, rows y+1, y, y−1 added in that order, rounded (clip8 adds
 * 0.5); the one-pixel border is copied unfiltered. Per-row tap sums are shared by the rows around them.
 */
function smooth(image: RgbImage): Uint8Array {
  const { width, height, data } = image
  const out = data.slice()
  if (width < 3 || height < 3) return out
  const k1 = f32(f32(1) / f32(13))
  const k5 = f32(f32(5) / f32(13))
  const m1 = new Float32Array(256)
  const m5 = new Float32Array(256)
  for (let v = 0; v < 256; v++) {
    m1[v] = v * k1
    m5[v] = v * k5
  }
  const stride = width * 3
  // side[y]: float32 (v[x−1]·k1 + v[x]·k1) + v[x+1]·k1 for every inner byte of row y; centre: same with k5 in the middle.
  const rowSums = (y: number, mid: Float32Array): Float32Array => {
    const r = new Float32Array(stride)
    const base = y * stride
    for (let i = 3; i < stride - 3; i++) r[i] = f32(f32(m1[data[base + i - 3]] + mid[data[base + i]]) + m1[data[base + i + 3]])
    return r
  }
  let above = rowSums(0, m1)
  let here = rowSums(1, m1)
  for (let y = 1; y < height - 1; y++) {
    const below = rowSums(y + 1, m1)
    const centre = rowSums(y, m5)
    const base = y * stride
    for (let i = 3; i < stride - 3; i++) {
      const ss = f32(f32(below[i] + centre[i]) + above[i])
      out[base + i] = ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss + 0.5)
    }
    above = here
    here = below
  }
  return out
}

/** ImageEnhance.Sharpness: blend with the SMOOTH-filtered image (factor 2 sharpens). */
export function adjustSharpness(image: RgbImage, factor: number): RgbImage {
  return blend(smooth(image), image, factor)
}

/** Apply a 256-entry table per channel (Image.point with a band-interleaved LUT). */
function applyLut(image: RgbImage, luts: Uint8Array[]): RgbImage {
  const out = createRgbImage(image.width, image.height)
  const d = image.data
  for (let i = 0; i < d.length; i += 3) {
    out.data[i] = luts[0][d[i]]
    out.data[i + 1] = luts[1][d[i + 1]]
    out.data[i + 2] = luts[2][d[i + 2]]
  }
  return out
}

/** ImageOps.autocontrast(cutoff=0): per channel, stretch [min, max] to [0, 255] with int() truncation. */
export function autocontrast(image: RgbImage): RgbImage {
  const d = image.data
  const luts: Uint8Array[] = []
  for (let c = 0; c < 3; c++) {
    let lo = 255
    let hi = 0
    for (let i = c; i < d.length; i += 3) {
      const v = d[i]
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    const lut = new Uint8Array(256)
    const scale = 255 / (hi - lo)
    const offset = -lo * scale
    for (let ix = 0; ix < 256; ix++) {
      const v = hi <= lo ? ix : Math.trunc(ix * scale + offset)
      lut[ix] = v < 0 ? 0 : v > 255 ? 255 : v
    }
    luts.push(lut)
  }
  return applyLut(image, luts)
}

/** ImageOps.posterize: keep the top `bits` bits of every channel. */
export function posterize(image: RgbImage, bits: number): RgbImage {
  const mask = ~(2 ** (8 - bits) - 1) & 0xff
  const lut = new Uint8Array(256)
  for (let i = 0; i < 256; i++) lut[i] = i & mask
  return applyLut(image, [lut, lut, lut])
}
