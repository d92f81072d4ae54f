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

/**
 * Blur with a size×size Gaussian of standard deviation sigma (size odd). Separable in float64 with the
 * float32 taps; torch sums a float32 2-D kernel, so a value can differ by 1 only at exact .5 ties.
 */
export function gaussianBlur(image: RgbImage, size: number, sigma: number): RgbImage {
  const { width, height, data } = image
  const k = gaussianKernel1d(size, sigma)
  const half = (size - 1) / 2
  const tmp = new Float64Array(data.length)
  const xIdx = Int32Array.from({ length: width + 2 * half }, (_, i) => reflect(i - half, width) * 3)
  const yIdx = Int32Array.from({ length: height + 2 * half }, (_, i) => reflect(i - half, height) * width * 3)
  for (let y = 0; y < height; y++) {
    const row = y * width * 3
    for (let x = 0; x < width; x++) {
      for (let b = 0; b < 3; b++) {
        let s = 0
        for (let t = 0; t < size; t++) s += data[row + xIdx[x + t] + b] * k[t]
        tmp[row + x * 3 + b] = s
      }
    }
  }
  const out = createRgbImage(width, height)
  const stride = width * 3
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < stride; i++) {
      let s = 0
      for (let t = 0; t < size; t++) s += tmp[yIdx[y + t] + i] * k[t]
      const v = roundHalfEven(s)
      out.data[y * stride + i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  return out
}
