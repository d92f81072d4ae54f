// Gaussian blur with torchvision.transforms.functional.gaussian_blur semantics: float32 kernel from
// linspace(-(k-1)/2, (k-1)/2), reflect padding, convolution, round half to even back to bytes.
import { roundHalfEven } from './geometry'
import { createRgbImage, type RgbImage } from './image'

const f32 = Math.fround

/** torchvision _get_gaussian_kernel1d in float32: exp(-0.5·(x/σ)²) normalised to sum 1. */
export function gaussianKernel1d(size: number, sigma: number): Float64Array {
  const s = f32(sigma)
  const half = (size - 1) * 0.5
  const pdf = new Float64Array(size)
  let sum = 0
  for (let i = 0; i < size; i++) {
    const x = i - half // linspace over integers (size is odd): exact
    const r = f32(x / s)
    pdf[i] = f32(Math.exp(f32(-0.5 * f32(r * r))))
    sum = f32(sum + pdf[i])
  }
  for (let i = 0; i < size; i++) pdf[i] = f32(pdf[i] / sum)
  return pdf
}

/** Reflect an index into [0, n) (torch 'reflect' padding, edge not repeated); repeats for tiny n. */
function reflect(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  let m = ((i % period) + period) % period
  if (m >= n) m = period - m
  return m
}

/** Byte offsets of the taps for every output position along an axis of n pixels, reflected at the edges. */
function tapOffsets(n: number, size: number, step: number): Int32Array {
  const half = (size - 1) / 2
  const out = new Int32Array(n * size)
  for (let i = 0; i < n; i++) for (let t = 0; t < size; t++) out[i * size + t] = reflect(i - half + t, n) * step
  return out
}

/**
 * Blur with a size×size Gaussian of standard deviation sigma (size odd). Separable in float64 with the
 * float32 taps, pairing the symmetric taps; torch sums a float32 2-D kernel, so a value can differ by 1
 * only at exact .5 ties.
 */
export function gaussianBlur(image: RgbImage, size: number, sigma: number): RgbImage {
  const { width, height, data } = image
  const k = gaussianKernel1d(size, sigma)
  const half = (size - 1) / 2
  const kc = k[half]
  const stride = width * 3
  const tmp = new Float64Array(data.length)
  const xOff = tapOffsets(width, size, 3)
  for (let y = 0; y < height; y++) {
    const row = y * stride
    for (let x = 0; x < width; x++) {
      const o = row + x * 3
      const tb = x * size
      const c = row + xOff[tb + half]
      let s0 = data[c] * kc,
        s1 = data[c + 1] * kc,
        s2 = data[c + 2] * kc
      for (let t = 0; t < half; t++) {
        const l = row + xOff[tb + t]
        const r = row + xOff[tb + size - 1 - t]
        const w = k[t]
        s0 += (data[l] + data[r]) * w
        s1 += (data[l + 1] + data[r + 1]) * w
        s2 += (data[l + 2] + data[r + 2]) * w
      }
      tmp[o] = s0
      tmp[o + 1] = s1
      tmp[o + 2] = s2
    }
  }
  const out = createRgbImage(width, height)
  const yOff = tapOffsets(height, size, stride)
  const acc = new Float64Array(stride)
  for (let y = 0; y < height; y++) {
    const yb = y * size
    const c = yOff[yb + half]
    for (let i = 0; i < stride; i++) acc[i] = tmp[c + i] * kc
    for (let t = 0; t < half; t++) {
      const u = yOff[yb + t]
      const d = yOff[yb + size - 1 - t]
      const w = k[t]
      for (let i = 0; i < stride; i++) acc[i] += (tmp[u + i] + tmp[d + i]) * w
    }
    const o = y * stride
    for (let i = 0; i < stride; i++) {
      const v = roundHalfEven(acc[i])
      out.data[o + i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  return out
}
