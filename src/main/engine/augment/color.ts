// Pixel-value transforms with PIL semantics (ImageEnhance, ImageOps, Image.blend, convert("L"), the
// SMOOTH 3×3 filter) as torchvision's functional ops call them on PIL images; float32 steps emulated.
import { createRgbImage, type RgbImage } from './image'

const f32 = Math.fround

/** convert("L") luma of one pixel: Convert.c L24, ITU-R 601-2 weights in 16-bit fixed point. */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16
}

/**
 * Image.blend(degenerate, image, alpha) (Blend.c): out = d + alpha·(p − d) in float32, truncated, clipped
 * when extrapolating; `degenerate` is a per-byte array or one grey level for every byte.
 */
function blend(degenerate: Uint8Array | number, image: RgbImage, alpha: number): RgbImage {
  const out = createRgbImage(image.width, image.height)
  const a = f32(alpha)
  const src = image.data
  const n = src.length
  const flat = typeof degenerate === 'number'
  for (let i = 0; i < n; i++) {
    const d = flat ? degenerate : degenerate[i]
    const v = f32(d + f32(a * (src[i] - d)))
    out.data[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v)
  }
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
 * float32 sums of rows y+1, y, y−1, rounded (clip8 adds 0.5); the one-pixel border is copied unfiltered.
 */
function smooth(image: RgbImage): Uint8Array {
  const { width, height, data } = image
  const out = data.slice()
  const k1 = f32(f32(1) / f32(13))
  const k5 = f32(f32(5) / f32(13))
  const row3 = (p: number, k: number): number => f32(f32(f32(data[p - 3] * k1) + f32(data[p] * k)) + f32(data[p + 3] * k1))
  const stride = width * 3
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      for (let b = 0; b < 3; b++) {
        const p = y * stride + x * 3 + b
        let ss = f32(0 + row3(p + stride, k1))
        ss = f32(ss + row3(p, k5))
        ss = f32(ss + row3(p - stride, k1))
        out[p] = ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss + 0.5)
      }
    }
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
      if (d[i] < lo) lo = d[i]
      if (d[i] > hi) hi = d[i]
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
