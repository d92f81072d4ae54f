import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { blindBaseline, blindWarning, captionFeatures, imageFeatureVector, imageStats, IMAGE_FEATURE_DIM, stratifiedFolds, type ImageStats } from '../../../../src/main/engine/attacks'
import { createRng, type Rng } from '../../../../src/main/engine/rng'
import { rankAuc } from './synthetic-embeddings'

const VOCAB = Array.from({ length: 300 }, (_, i) => `w${(i * 7919).toString(36)}x${i}`)
const caption = (rng: Rng, words = 8): string => Array.from({ length: words }, () => VOCAB[rng.int(VOCAB.length)]).join(' ')
const labelsOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0))

describe('imageStats', () => {
  it('reads size, format, mean colour and the 4×4×4 histogram of a PNG', async () => {
    // Left half pure red, right half pure blue.
    const raw = Buffer.alloc(8 * 4 * 3)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) raw.set(x < 4 ? [255, 0, 0] : [0, 0, 255], (y * 8 + x) * 3)
    const png = await sharp(raw, { raw: { width: 8, height: 4, channels: 3 } })
      .png()
      .toBuffer()
    const s = await imageStats(png)
    expect(s).toMatchObject({ width: 8, height: 4, fileSize: png.length, format: 'png' })
    expect(s.meanRgb[0]).toBeCloseTo(0.5, 10)
    expect(s.meanRgb[1]).toBeCloseTo(0, 10)
    expect(s.meanRgb[2]).toBeCloseTo(0.5, 10)
    expect(s.histogram[3 * 16]).toBeCloseTo(0.5, 10) // r bin 3, g 0, b 0
    expect(s.histogram[3]).toBeCloseTo(0.5, 10) // r 0, g 0, b bin 3
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('handles JPEG and grayscale images', async () => {
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .jpeg({ quality: 95 })
      .toBuffer()
    const j = await imageStats(jpeg)
    expect(j).toMatchObject({ width: 20, height: 10, format: 'jpeg' })
    expect(j.meanRgb[0]).toBeCloseTo(200 / 255, 1)
    expect(j.meanRgb[1]).toBeCloseTo(100 / 255, 1)
    const grey = await sharp(Buffer.alloc(6 * 6, 128), { raw: { width: 6, height: 6, channels: 1 } })
      .png()
      .toBuffer()
    const g = await imageStats(grey)
    expect(g.meanRgb.map((v) => Math.round(v * 255))).toEqual([128, 128, 128])
    expect(g.histogram[2 * 16 + 2 * 4 + 2]).toBeCloseTo(1, 12)
    const f = imageFeatureVector(j)
    expect(f.length).toBe(IMAGE_FEATURE_DIM)
    expect(f[2]).toBeCloseTo(Math.log(2), 12)
    expect(f[4]).toBe(1) // jpeg one-hot
  })

  it('names the item when the bytes are not an image', async () => {
    await expect(imageStats(Buffer.from('not an image'), 'item-7')).rejects.toMatchObject({ code: 'bad-item', item: 'item-7' })
  })
})

describe('captionFeatures', () => {
  it('gives L2-normalised tf-idf rows in which a shared word weighs less than a rare one', () => {
    const f = captionFeatures(['red cat', 'red dog', 'red bird'], { buckets: 1 << 20, charNgrams: [3, 3] })
    for (let i = 0; i < 3; i++) {
      const row = f.values.subarray(f.indptr[i], f.indptr[i + 1])
      expect(Math.sqrt(row.reduce((s, v) => s + v * v, 0))).toBeCloseTo(1, 12)
    }
    const weight = (i: number, word: string): number => {
      const other = captionFeatures([word], { buckets: 1 << 20, charNgrams: [3, 3] })
      const b = other.indices[0]
      const q = Array.from(f.indices.subarray(f.indptr[i], f.indptr[i + 1])).indexOf(b)
      return q >= 0 ? f.values[f.indptr[i] + q] : 0
    }
    expect(weight(0, 'cat')).toBeGreaterThan(weight(0, 'red'))
  })
})

describe('stratifiedFolds', () => {
  it('keeps class proportions in every fold and is seeded', () => {
    const labels = Uint8Array.from({ length: 103 }, (_, i) => (i < 31 ? 1 : 0))
    const folds = stratifiedFolds(labels, 5, 1)
    for (let f = 0; f < 5; f++) {
      const members = [...folds.keys()].filter((i) => folds[i] === f && labels[i] === 1).length
      const non = [...folds.keys()].filter((i) => folds[i] === f && labels[i] === 0).length
      expect([6, 7]).toContain(members)
      expect([14, 15]).toContain(non)
    }
    expect(stratifiedFolds(labels, 5, 1)).toEqual(folds)
    expect(stratifiedFolds(labels, 5, 2)).not.toEqual(folds)
    expect(() => stratifiedFolds(Uint8Array.from([1, 1, 0, 0, 0, 0, 0]), 5, 1)).toThrow(/at least 5 members/)
  })
})

describe('blindBaseline', () => {
  const n = 300
  const labels = labelsOf(n)

  it('finds a telltale caption word (high AUC) with out-of-fold scores for every item', async () => {
    const rng = createRng(1)
    const captions = Array.from(labels, (y) => `${caption(rng, 6)}${y === 1 && rng.next() < 0.9 ? ' laion' : ''}`)
    const r = await blindBaseline({ captions, labels, seed: 3 })
    expect(r.scores.length).toBe(n)
    expect(r.folds).toEqual(stratifiedFolds(labels, 5, 3))
    expect(rankAuc(r.scores, labels)).toBeGreaterThan(0.8)
    expect(r.converged).toBe(true)
    expect(r.nImageFeatures).toBe(0)
  })

  it('is near chance on i.i.d. random captions and images', async () => {
    const rng = createRng(2)
    const captions = Array.from(labels, () => caption(rng))
    const images = Array.from(labels, () => randomStats(rng, 0))
    const r = await blindBaseline({ captions, images, labels, seed: 4 })
    expect(Math.abs(rankAuc(r.scores, labels) - 0.5)).toBeLessThan(0.1)
    expect(r.nImageFeatures).toBe(IMAGE_FEATURE_DIM)
  })

  it('finds an image-file shift (members brighter) without any caption signal', async () => {
    const rng = createRng(5)
    const captions = Array.from(labels, () => caption(rng))
    const images = Array.from(labels, (y) => randomStats(rng, y === 1 ? 0.15 : 0))
    const r = await blindBaseline({ captions, images, labels, seed: 4 })
    expect(rankAuc(r.scores, labels)).toBeGreaterThan(0.8)
  })

  it('is deterministic', async () => {
    const rng = createRng(6)
    const captions = Array.from(labels, () => caption(rng))
    const a = await blindBaseline({ captions, labels, seed: 8 })
    const b = await blindBaseline({ captions, labels, seed: 8 })
    expect(Buffer.from(a.scores.buffer).equals(Buffer.from(b.scores.buffer))).toBe(true)
  })
})

describe('blindWarning', () => {
  it('warns at blind AUC ≥ 0.60 or when the attack is within 0.05 of it', () => {
    expect(blindWarning(0.6, 0.9)).toMatch(/AUC 0\.600/)
    expect(blindWarning(0.55, 0.6)).toMatch(/within 0\.05/)
    expect(blindWarning(0.55, 0.58)).toMatch(/within 0\.05/)
    expect(blindWarning(0.58, 0.52)).toMatch(/within 0\.05/)
    expect(blindWarning(0.5, 0.6)).toBeNull()
    expect(blindWarning(0.52, 0.75)).toBeNull()
    // Issue 22: 20 items, blind AUC 0.610 [0.360, 0.850] — the interval includes chance, so no shift is claimed.
    const wide = blindWarning(0.61, 0.9, { lo: 0.36, hi: 0.85 })
    expect(wide).toMatch(/^Distribution shift inconclusive: .* AUC 0\.610 \[0\.360, 0\.850\] .* includes chance/)
    expect(wide).not.toMatch(/measures that difference/)
    expect(blindWarning(0.61, 0.9, { lo: 0.55, hi: 0.67 })).toMatch(/^Distribution shift: .* 0\.610 \[0\.550, 0\.670\].*measures that difference/)
  })
})

/** Image statistics of a random 64×64 JPEG whose colours are shifted up by `bright`. */
function randomStats(rng: Rng, bright: number): ImageStats {
  const mean: [number, number, number] = [0, 1, 2].map(() => Math.min(1, rng.uniform(0.2, 0.7) + bright)) as [number, number, number]
  const histogram = new Float64Array(64)
  for (let k = 0; k < 50; k++) histogram[Math.min(63, rng.int(48) + (bright > 0 ? 16 : 0))] += 1 / 50
  return { width: 64, height: 64, fileSize: 2000 + rng.int(500), format: 'jpeg', meanRgb: mean, histogram }
}
