// Geometric transforms with torchvision-on-PIL semantics: crop sampling, crop, flips, rotation
// (Image.rotate → Geometry.c affine), integer translation (RandomAffine translate), 90° transposes.
import { type Rng } from '../rng'
import { createRgbImage, type RgbImage } from './image'

/** A crop box in pixels: top row, left column, height, width. */
export interface CropBox {
  top: number
  left: number
  height: number
  width: number
}

/** Python's round(): half to even, so sampled sizes match torchvision's int(round(...)). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v) // rounds .5 up; r − v is exact, so a tie shows as exactly 0.5
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * torchvision RandomResizedCrop.get_params: 10 attempts at area ∈ scale·A and log-uniform aspect in
 * ratio, then the central fallback crop clamped to the ratio range.
 */
export function sampleCropBox(width: number, height: number, scale: [number, number], ratio: [number, number], rng: Rng): CropBox {
  const area = width * height
  const logLo = Math.log(ratio[0])
  const logHi = Math.log(ratio[1])
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(scale[0], scale[1])
    const aspect = Math.exp(rng.uniform(logLo, logHi))
    const w = roundHalfEven(Math.sqrt(targetArea * aspect))
    const h = roundHalfEven(Math.sqrt(targetArea / aspect))
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1)
      const left = rng.int(width - w + 1)
      return { top, left, height: h, width: w }
    }
  }
  const inRatio = width / height
  const rMin = Math.min(ratio[0], ratio[1])
  const rMax = Math.max(ratio[0], ratio[1])
  let w = width
  let h = height
  if (inRatio < rMin) h = roundHalfEven(w / rMin)
  else if (inRatio > rMax) w = roundHalfEven(h * rMax)
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w }
}

/** Copy out a box (must lie inside the image). */
export function crop(image: RgbImage, box: CropBox): RgbImage {
  const out = createRgbImage(box.width, box.height)
  const rowBytes = box.width * 3
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * image.width + box.left) * 3
    out.data.set(image.data.subarray(from, from + rowBytes), y * rowBytes)
  }
  return out
}

/** Mirror left ↔ right (PIL FLIP_LEFT_RIGHT). */
export function flipHorizontal(image: RgbImage): RgbImage {
  const { width, height, data } = image
  const out = createRgbImage(width, height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3
      const d = (y * width + (width - 1 - x)) * 3
      out.data[d] = data[s]
      out.data[d + 1] = data[s + 1]
      out.data[d + 2] = data[s + 2]
    }
  }
  return out
}

/** Mirror top ↔ bottom (PIL FLIP_TOP_BOTTOM). */
export function flipVertical(image: RgbImage): RgbImage {
  const { width, height, data } = image
  const out = createRgbImage(width, height)
  const rowBytes = width * 3
  for (let y = 0; y < height; y++) {
    out.data.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), (height - 1 - y) * rowBytes)
  }
  return out
}

/** Rotate by a multiple of 90° counter-clockwise (PIL transpose ROTATE_90/180/270); quarterTurns ∈ {1,2,3}. */
export function rotateQuarter(image: RgbImage, quarterTurns: 1 | 2 | 3): RgbImage {
  const { width, height, data } = image
  const swap = quarterTurns !== 2
  const out = createRgbImage(swap ? height : width, swap ? width : height)
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      // Source pixel of output (x, y) for a counter-clockwise turn.
      let sx: number, sy: number
      if (quarterTurns === 1) {
        sx = width - 1 - y
        sy = x
      } else if (quarterTurns === 2) {
        sx = width - 1 - x
        sy = height - 1 - y
      } else {
        sx = y
        sy = height - 1 - x
      }
      const s = (sy * width + sx) * 3
      const d = (y * out.width + x) * 3
      out.data[d] = data[s]
      out.data[d + 1] = data[s + 1]
      out.data[d + 2] = data[s + 2]
    }
  }
  return out
}

/** Geometry.c affine_fixed / AFFINE_TRANSFORM: inverse-mapped nearest neighbour, 16.16 fixed point, fill 0. */
function affineNearest(image: RgbImage, a: number[]): RgbImage {
  const { width, height, data } = image
  const out = createRgbImage(width, height)
  const corners = [
    [0, 0],
    [width, 0],
    [0, height],
    [width, height]
  ]
  const fixedOk = corners.every(([x, y]) => Math.abs(x * a[0] + y * a[1] + a[2]) < 32768 && Math.abs(x * a[3] + y * a[4] + a[5]) < 32768)
  const fix = (v: number): number => Math.floor(v * 65536 + 0.5)
  const coord = (v: number): number => (v < 0 ? -1 : Math.trunc(v))
  const a0 = fix(a[0]),
    a1 = fix(a[1]),
    a3 = fix(a[3]),
    a4 = fix(a[4])
  let xo = fixedOk ? fix(a[2] + a[1] * 0.5 + a[0] * 0.5) : a[2] + a[1] * 0.5 + a[0] * 0.5
  let yo = fixedOk ? fix(a[5] + a[4] * 0.5 + a[3] * 0.5) : a[5] + a[4] * 0.5 + a[3] * 0.5
  for (let y = 0; y < height; y++) {
    let xx = xo
    let yy = yo
    for (let x = 0; x < width; x++) {
      const xin = fixedOk ? xx >> 16 : coord(xx)
      const yin = fixedOk ? yy >> 16 : coord(yy)
      if (xin >= 0 && xin < width && yin >= 0 && yin < height) {
        const s = (yin * width + xin) * 3
        const d = (y * width + x) * 3
        out.data[d] = data[s]
        out.data[d + 1] = data[s + 1]
        out.data[d + 2] = data[s + 2]
      }
      xx = fixedOk ? (xx + a0) | 0 : xx + a[0]
      yy = fixedOk ? (yy + a3) | 0 : yy + a[3]
    }
    xo = fixedOk ? (xo + a1) | 0 : xo + a[1]
    yo = fixedOk ? (yo + a4) | 0 : yo + a[4]
  }
  return out
}

/** Geometry.c ImagingGenericTransform with bilinear_filter32RGB: edge-clamped taps, outside → 0. */
function affineBilinear(image: RgbImage, a: number[]): RgbImage {
  const { width, height, data } = image
  const out = createRgbImage(width, height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let xin = a[0] * (x + 0.5) + a[1] * (y + 0.5) + a[2]
      let yin = a[3] * (x + 0.5) + a[4] * (y + 0.5) + a[5]
      if (xin < 0 || xin >= width || yin < 0 || yin >= height) continue
      xin -= 0.5
      yin -= 0.5
      const ix = Math.floor(xin)
      const iy = Math.floor(yin)
      const dx = xin - ix
      const dy = yin - iy
      const x0 = (ix < 0 ? 0 : ix >= width ? width - 1 : ix) * 3
      const x1 = (ix + 1 < 0 ? 0 : ix + 1 >= width ? width - 1 : ix + 1) * 3
      const r0 = (iy < 0 ? 0 : iy >= height ? height - 1 : iy) * width * 3
      const hasR1 = iy + 1 >= 0 && iy + 1 < height
      const r1 = (iy + 1) * width * 3
      const d = (y * width + x) * 3
      for (let b = 0; b < 3; b++) {
        const p = data[r0 + x0 + b]
        const v1 = p + (data[r0 + x1 + b] - p) * dx
        const q = hasR1 ? data[r1 + x0 + b] : 0
        const v2 = hasR1 ? q + (data[r1 + x1 + b] - q) * dx : v1
        const v = v1 + (v2 - v1) * dy
        out.data[d + b] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v)
      }
    }
  }
  return out
}

/**
 * PIL Image.rotate(angle, resample, expand=False, center=None, fillcolor=0) as torchvision's
 * RandomRotation calls it: counter-clockwise degrees, same size, corners filled black.
 */
export function rotate(image: RgbImage, degrees: number, interp: 'nearest' | 'bilinear'): RgbImage {
  let angle = degrees % 360
  if (angle < 0) angle += 360 // Python's float modulo
  if (angle === 0) return { ...image, data: image.data.slice() }
  if (angle === 180) return rotateQuarter(image, 2)
  if ((angle === 90 || angle === 270) && image.width === image.height) return rotateQuarter(image, angle === 90 ? 1 : 3)
  const rad = -(angle * (Math.PI / 180))
  const r15 = (v: number): number => Number(v.toFixed(15)) // Python round(v, 15)
  const m = [r15(Math.cos(rad)), r15(Math.sin(rad)), 0, r15(-Math.sin(rad)), r15(Math.cos(rad)), 0]
  const cx = image.width / 2
  const cy = image.height / 2
  m[2] = m[0] * -cx + m[1] * -cy + m[2] + cx
  m[5] = m[3] * -cx + m[4] * -cy + m[5] + cy
  return interp === 'nearest' ? affineNearest(image, m) : affineBilinear(image, m)
}

/** Shift by whole pixels (RandomAffine translate on PIL: ImagingScaleAffine), uncovered pixels black. */
export function translate(image: RgbImage, tx: number, ty: number): RgbImage {
  const { width, height, data } = image
  const out = createRgbImage(width, height)
  const x0 = Math.max(0, tx)
  const x1 = Math.min(width, width + tx)
  if (x1 <= x0) return out
  for (let y = Math.max(0, ty); y < Math.min(height, height + ty); y++) {
    const src = ((y - ty) * width + (x0 - tx)) * 3
    out.data.set(data.subarray(src, src + (x1 - x0) * 3), (y * width + x0) * 3)
  }
  return out
}
