// Byte-for-byte agreement of the augment ports with torchvision 0.14 / Pillow 9.4 on fixed parameters
// (fixture from fixtures/make-pil-reference.py; images regenerated here from the same formulas).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { gaussianBlur } from '../../../../src/main/engine/augment/blur'
import { adjustBrightness, adjustContrast, adjustSaturation, adjustSharpness, autocontrast, posterize } from '../../../../src/main/engine/augment/color'
import { crop, flipHorizontal, flipVertical, rotate, translate } from '../../../../src/main/engine/augment/geometry'
import { type RgbImage } from '../../../../src/main/engine/augment/image'
import { resizeBilinear } from '../../../../src/main/engine/augment/pil-bilinear'

interface Case {
  name: string
  image: string
  op: string
  params: Record<string, number | string>
  width: number
  height: number
  data: string
}
interface Fixture {
  generator: string
  images: Record<string, { kind: 'noise' | 'soft'; width: number; height: number }>
  cases: Case[]
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/pil-reference.json'), 'utf8')) as Fixture

/** Same formulas as make-pil-reference.py. */
function formula(kind: 'noise' | 'soft', width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * width + x) * 3 + c] = kind === 'noise' ? (x * 37 + y * 91 + c * 53 + ((x * y) % 7) * 29) % 256 : 40 + ((x * 5 + y * 3 + c * 20 + ((x * y) % 11)) % 150)
      }
    }
  }
  return { data, width, height }
}

function run(c: Case, img: RgbImage): RgbImage {
  const p = c.params as Record<string, number> & { interp: 'nearest' | 'bilinear' }
  switch (c.op) {
    case 'resizedCrop':
      return resizeBilinear(crop(img, { top: p.top, left: p.left, height: p.height, width: p.width }), p.outWidth, p.outHeight)
    case 'rotate':
      return rotate(img, p.degrees, p.interp)
    case 'translate':
      return translate(img, p.tx, p.ty)
    case 'brightness':
      return adjustBrightness(img, p.factor)
    case 'contrast':
      return adjustContrast(img, p.factor)
    case 'saturation':
      return adjustSaturation(img, p.factor)
    case 'blur':
      return gaussianBlur(img, p.size, p.sigma)
    case 'autocontrast':
      return autocontrast(img)
    case 'posterize':
      return posterize(img, p.bits)
    case 'sharpness':
      return adjustSharpness(img, p.factor)
    case 'hflip':
      return flipHorizontal(img)
    case 'vflip':
      return flipVertical(img)
  }
  throw new Error(`fixture op ${c.op} has no port`)
}

describe(`augment ports vs ${fixture.generator}`, () => {
  const images = Object.fromEntries(Object.entries(fixture.images).map(([k, v]) => [k, formula(v.kind, v.width, v.height)]))
  it.each(fixture.cases.map((c) => [`${c.image}: ${c.name}`, c] as const))('%s', (_label, c) => {
    const out = run(c, images[c.image])
    expect([out.width, out.height]).toEqual([c.width, c.height])
    const want = Buffer.from(c.data, 'base64')
    let diff = 0
    let maxDiff = 0
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(out.data[i] - want[i])
      if (d > 0) diff++
      if (d > maxDiff) maxDiff = d
    }
    // torch sums the blur in float32 with its own order: allow ±1 at rare .5 ties, nothing else.
    if (c.op === 'blur') {
      expect(maxDiff).toBeLessThanOrEqual(1)
      expect(diff).toBeLessThanOrEqual(Math.ceil(want.length * 0.01))
    } else {
      expect({ diff, maxDiff }).toEqual({ diff: 0, maxDiff: 0 })
    }
  })
})
