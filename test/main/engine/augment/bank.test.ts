// Seeded views: determinism (calls, order, processes), sensitivity to k/seed/item, and each transform's
// semantics on small hand-checkable images.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyTransform, applyView, AUG_VERSION, defaultBank, parseBank, parseTransform, viewCount, type RgbImage } from '../../../../src/main/engine/augment'
import { sampleCropBox } from '../../../../src/main/engine/augment/geometry'
import { createRng } from '../../../../src/main/engine/rng'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { testImage } from './fixtures/test-image'

const sha = (img: RgbImage): string => createHash('sha256').update(img.data).digest('hex')
const px = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3))
const one = (spec: string, img: RgbImage, seed = 1): RgbImage => applyTransform(img, parseTransform(spec), createRng(seed))
const mean = (img: RgbImage): number => img.data.reduce((s, v) => s + v, 0) / img.data.length

/** Image whose pixel (x, y) is (x, y, 100 + x + y·width): every pixel is distinguishable. */
function coords(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 100 + x + y * width], (y * width + x) * 3)
  return { data, width, height }
}

describe('determinism', () => {
  const bank = defaultBank()
  const image = testImage(48, 36)
  const K = viewCount(bank)
  const views = (item: string, seed: number, ks: number[]): string[] => ks.map((k) => sha(applyView(image, bank, k, item, seed)))
  const all = Array.from({ length: K + 1 }, (_, k) => k)

  it('gives byte-identical views on repeated calls and in any order', () => {
    const first = views('item-1', 7, all)
    expect(views('item-1', 7, all)).toEqual(first)
    expect(views('item-1', 7, [...all].reverse()).reverse()).toEqual(first)
  })

  it('gives the same views in a separate process', () => {
    const script = path.join(__dirname, 'fixtures/view-hashes.ts')
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', script, '7', 'item-1', 'item-2'], { encoding: 'utf8', timeout: 60_000 })
    const child = JSON.parse(stdout) as Record<string, string[]>
    expect(child['item-1']).toEqual(views('item-1', 7, all))
    expect(child['item-2']).toEqual(views('item-2', 7, all))
  })

  it('changes the random views with k, seed and item', () => {
    const random = [1, 2, 3, 4, 5] // rrc, rot, translate, jitter, blur
    const base = views('item-1', 7, random)
    const otherSeed = views('item-1', 8, random)
    const otherItem = views('item-2', 7, random)
    random.forEach((_, i) => {
      expect(otherSeed[i]).not.toBe(base[i])
      expect(otherItem[i]).not.toBe(base[i])
    })
    const rots = parseBank('rot x3')
    const r = [1, 2, 3].map((k) => sha(applyView(image, rots, k, 'item-1', 7)))
    expect(new Set(r).size).toBe(3)
  })

  it('view 0 is the original and the input is never modified', () => {
    const before = sha(image)
    expect(sha(applyView(image, bank, 0, 'item-1', 7))).toBe(before)
    views('item-1', 7, all)
    expect(sha(image)).toBe(before)
  })

  it('pins the pixels of the default bank (changing them must bump AUG_VERSION)', () => {
    // If this fails the transforms produce new pixels: cached embeddings would be stale. Bump
    // AUG_VERSION in spec.ts, then update this hash and the version below together.
    const digest = createHash('sha256')
      .update(views('item-1', 7, all).join())
      .digest('hex')
    expect({ version: AUG_VERSION, digest }).toEqual({ version: 1, digest: '8f5c14f57b947322abb74cf3dc725e5f7d6d0b2298ce35894fbbba8f429eafc7' })
  })

  it('handles 1×1 and very thin images in every view', () => {
    for (const [w, h] of [
      [1, 1],
      [1, 9],
      [40, 2],
      [3, 3]
    ]) {
      const img = testImage(w, h)
      for (let k = 1; k <= K; k++) {
        const out = applyView(img, bank, k, 'thin', 7)
        expect([out.width, out.height, out.data.length]).toEqual([w, h, w * h * 3])
      }
    }
  })

  it('rejects a malformed image and a view outside the bank', () => {
    const bad = { data: new Uint8Array(10), width: 4, height: 4 }
    expect(() => applyView(bad, bank, 1, 'item-1', 7)).toThrow(WorkbenchError)
    expect(() => applyView(image, bank, K + 1, 'item-1', 7)).toThrow(/does not exist/)
  })
})

describe('transform semantics', () => {
  it('flips move pixels to the mirrored position', () => {
    const img = coords(3, 2)
    expect(px(one('hflip', img), 0, 0)).toEqual(px(img, 2, 0))
    expect(px(one('hflip', img), 2, 1)).toEqual(px(img, 0, 1))
    expect(px(one('vflip', img), 1, 0)).toEqual(px(img, 1, 1))
    expect(sha(one('hflip', one('hflip', img)))).toBe(sha(img))
  })

  it('posterize keeps only the top bits', () => {
    const img = testImage(20, 10)
    const out = one('posterize(bits=4)', img)
    out.data.forEach((v, i) => expect(v).toBe(img.data[i] & 0xf0))
    expect(new Set(one('posterize(bits=1)', img).data)).toEqual(new Set([0, 128]))
  })

  it('autocontrast stretches every channel to 0..255 (PIL truncates, so the top may land on 254)', () => {
    const img = testImage(30, 20)
    const out = one('autocontrast', img)
    for (let c = 0; c < 3; c++) {
      const ch = out.data.filter((_, i) => i % 3 === c)
      expect(Math.min(...ch)).toBe(0)
      expect(Math.max(...ch)).toBeGreaterThanOrEqual(254)
    }
  })

  it('crop boxes stay inside the image with area and aspect in range over many draws', () => {
    const rng = createRng(3)
    for (let i = 0; i < 2000; i++) {
      const b = sampleCropBox(200, 150, [0.5, 1], [0.75, 4 / 3], rng)
      expect(b.top >= 0 && b.left >= 0 && b.top + b.height <= 150 && b.left + b.width <= 200).toBe(true)
      const area = (b.width * b.height) / (200 * 150)
      expect(area).toBeGreaterThan(0.49)
      expect(area).toBeLessThanOrEqual(1)
      expect(b.width / b.height).toBeGreaterThan(0.74)
      expect(b.width / b.height).toBeLessThan(1.35)
    }
    // Impossible aspect → torchvision's central fallback clamped to the ratio range.
    expect(sampleCropBox(20, 20, [1, 1], [10, 10], createRng(1))).toEqual({ top: 9, left: 0, height: 2, width: 20 })
  })

  it('random resized crop keeps the input size unless a size is given', () => {
    const img = testImage(40, 30)
    const out = one('rrc', img)
    expect([out.width, out.height]).toEqual([40, 30])
    expect(sha(out)).not.toBe(sha(img))
    const sized = one('rrc(size=24)', img)
    expect([sized.width, sized.height]).toEqual([24, 24])
    expect(sha(one('rrc(scale=1,ratio=1.333:1.334)', img))).toBe(sha(img)) // whole image, no resize
  })

  it('rotation by a forced 90° on a square is transpose then vertical flip', () => {
    const img = coords(4, 4)
    const want = coords(4, 4)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) want.data.set(px(img, y, x), ((3 - y) * 4 + x) * 3)
    expect(sha(one('rot(deg=90:90)', img))).toBe(sha(want))
    expect(sha(one('rot(deg=90:90,interp=bilinear)', img))).toBe(sha(want))
  })

  it('a small rotation keeps the size and blackens corners only', () => {
    const img = testImage(41, 41)
    const out = one('rot(deg=10:10)', img)
    expect([out.width, out.height]).toEqual([41, 41])
    expect(px(out, 0, 0)).toEqual([0, 0, 0])
    expect(px(out, 20, 20)).toEqual(px(img, 20, 20))
  })

  it('translation shifts by whole pixels within ±frac and fills black', () => {
    const img = coords(20, 10)
    for (let seed = 0; seed < 20; seed++) {
      const out = one('translate(frac=0.1)', img, seed)
      // Find the shift from a pixel that survives: the one that came from (10, 5).
      const idx = out.data.findIndex((_, i) => i % 3 === 2 && out.data[i] === 100 + 10 + 5 * 20 && out.data[i - 2] === 10)
      const p = idx / 3 - 0.5
      const tx = (Math.round(p) % 20) - 10
      const ty = Math.floor(Math.round(p) / 20) - 5
      expect(Math.abs(tx)).toBeLessThanOrEqual(2)
      expect(Math.abs(ty)).toBeLessThanOrEqual(1)
      expect(px(out, (10 + 20 + tx) % 20, 5 + ty)).toEqual([10, 5, 210])
      if (tx > 0) expect(px(out, 0, 5)).toEqual([0, 0, 0])
    }
  })

  it('jitter with only a fixed brightness of 0.5 halves every value', () => {
    const img = testImage(16, 8)
    const out = one('jitter(b=0.5:0.5,c=0,s=0)', img)
    out.data.forEach((v, i) => expect(v).toBe(Math.floor(img.data[i] / 2)))
    expect(sha(one('jitter(b=0,c=0,s=0)', img))).toBe(sha(img))
  })

  it('blur keeps the mean and lowers the variation', () => {
    const img = testImage(64, 48)
    const out = one('blur(k=5,sigma=2)', img)
    expect(Math.abs(mean(out) - mean(img))).toBeLessThan(1)
    const tv = (m: RgbImage): number => m.data.reduce((s, v, i) => (i >= 3 && i % (m.width * 3) >= 3 ? s + Math.abs(v - m.data[i - 3]) : s), 0)
    expect(tv(out)).toBeLessThan(tv(img) * 0.7)
  })

  it('sharpness 1 is the identity and 2 changes only inner pixels', () => {
    const img = testImage(24, 16)
    expect(sha(one('sharpness(f=1)', img))).toBe(sha(img))
    const out = one('sharpness(f=2)', img)
    expect(px(out, 0, 5)).toEqual(px(img, 0, 5))
    expect(sha(out)).not.toBe(sha(img))
  })
})
