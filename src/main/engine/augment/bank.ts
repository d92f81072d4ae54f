// Seeded views of an image: view k of item i under seed s draws its parameters from
// createRng(seedOf(i, k, s)), so it is the same pixels on every run, in any order and any process.
import { createRng, seedOf, shuffleInPlace, type Rng } from '../rng'
import { gaussianBlur } from './blur'
import { adjustBrightness, adjustContrast, adjustSaturation, adjustSharpness, autocontrast, posterize } from './color'
import { crop, flipHorizontal, flipVertical, rotate, roundHalfEven, sampleCropBox, translate } from './geometry'
import { assertRgbImage, type RgbImage } from './image'
import { resizeBilinear } from './pil-bilinear'
import { viewTransform, type AugBank, type AugTransform, type Range } from './spec'

const drawIn = (r: Range, rng: Rng): number => (r.lo === r.hi ? r.lo : rng.uniform(r.lo, r.hi))
const enabled = (r: Range): boolean => !(r.lo === 1 && r.hi === 1)

/**
 * torchvision ColorJitter(b, c, s): the order comes from a seeded permutation of the four slots
 * (brightness, contrast, saturation, hue — hue unused), as randperm(4) in torchvision, then one factor
 * per enabled adjustment; both are drawn from the view's seeded stream, so the order is reproducible.
 */
function colorJitter(image: RgbImage, t: { b: Range; c: Range; s: Range }, rng: Rng): RgbImage {
  const order = shuffleInPlace([0, 1, 2, 3], rng)
  const b = enabled(t.b) ? drawIn(t.b, rng) : undefined
  const c = enabled(t.c) ? drawIn(t.c, rng) : undefined
  const s = enabled(t.s) ? drawIn(t.s, rng) : undefined
  let out = image
  for (const slot of order) {
    if (slot === 0 && b !== undefined) out = adjustBrightness(out, b)
    if (slot === 1 && c !== undefined) out = adjustContrast(out, c)
    if (slot === 2 && s !== undefined) out = adjustSaturation(out, s)
  }
  return out === image ? { ...image, data: image.data.slice() } : out
}

/** torchvision RandomResizedCrop: sampled box, then PIL bilinear resize to `size`² (default: the input size). */
function randomResizedCrop(image: RgbImage, t: { scale: Range; ratio: Range; size?: number }, rng: Rng): RgbImage {
  const box = sampleCropBox(image.width, image.height, [t.scale.lo, t.scale.hi], [t.ratio.lo, t.ratio.hi], rng)
  return resizeBilinear(crop(image, box), t.size ?? image.width, t.size ?? image.height)
}

/** torchvision RandomAffine(degrees=0, translate=(f, f)): tx, ty = round(U(±f·W)), round(U(±f·H)). */
function randomTranslate(image: RgbImage, frac: number, rng: Rng): RgbImage {
  const maxDx = frac * image.width
  const maxDy = frac * image.height
  const tx = roundHalfEven(rng.uniform(-maxDx, maxDx))
  const ty = roundHalfEven(rng.uniform(-maxDy, maxDy))
  return translate(image, tx, ty)
}

/**
 * Apply one transform, drawing its random parameters from `rng` (flips are always applied: in a bank
 * each flip is a view of its own). Returns a new image; the input is not modified.
 */
export function applyTransform(image: RgbImage, t: AugTransform, rng: Rng): RgbImage {
  switch (t.name) {
    case 'rrc':
      return randomResizedCrop(image, t, rng)
    case 'rot':
      return rotate(image, drawIn(t.deg, rng), t.interp)
    case 'translate':
      return randomTranslate(image, t.frac, rng)
    case 'jitter':
      return colorJitter(image, t, rng)
    case 'blur':
      // torchvision draws sigma as a float32 tensor value.
      return gaussianBlur(image, t.k, Math.fround(drawIn(t.sigma, rng)))
    case 'hflip':
      return flipHorizontal(image)
    case 'vflip':
      return flipVertical(image)
    case 'autocontrast':
      return autocontrast(image)
    case 'sharpness':
      return adjustSharpness(image, t.f)
    case 'posterize':
      return posterize(image, t.bits)
  }
}

/**
 * View k of an item: k = 0 is (a copy of) the image, k ≥ 1 applies the bank's k-th transform with
 * parameters from createRng(seedOf(itemKey, k, seed)). Pass the image content hash as `itemKey` when
 * the result is cached by content hash, so equal bytes always give equal views.
 */
export function applyView(image: RgbImage, bank: AugBank, k: number, itemKey: string, seed: number): RgbImage {
  assertRgbImage(image, itemKey)
  if (k === 0) return { data: image.data.slice(), width: image.width, height: image.height }
  const t = viewTransform(bank, k)
  return applyTransform(image, t, createRng(seedOf(itemKey, k, seed)))
}
