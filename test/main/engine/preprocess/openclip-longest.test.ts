// OpenCLIP resize_mode "longest" (ResizeKeepRatio(longest=1) + CenterCropOrPad(fill_color), then convert('RGB'))
// against tools/preprocess-reference/openclip_longest.py (PIL + torchvision), pixel for pixel.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { openclipPreprocess } from '../../../../src/main/engine/models/formats/openclip'
import { decodeImage, preprocessImage, resizeAndCrop } from '../../../../src/main/engine/preprocess'

const SRC = path.resolve(__dirname, '../../../fixtures/preprocess')
const DIR = path.resolve(__dirname, '../../../fixtures/preprocess-longest')

interface Case {
  file: string
  pilMode: string
  size: [number, number]
  interpolation: string
  fill_color: number
  resized: [number, number]
  padLTRB: [number, number, number, number]
  png: string
}

const cases = (JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as { images: Case[] }).images

function configOf(c: Case) {
  const raw = { size: c.size, interpolation: c.interpolation, resize_mode: 'longest', fill_color: c.fill_color }
  return { ...openclipPreprocess(raw, DIR, 'preprocess_cfg.json'), order: 'openclip' as const }
}

/** Is (x, y) in the padding open_clip adds (left, top, right, bottom)? */
function inPadding(c: Case, x: number, y: number): boolean {
  const [l, t, r, b] = c.padLTRB
  return x < l || y < t || x >= c.size[1] - r || y >= c.size[0] - b
}

/** Cosine of two HWC byte images after ToTensor + Normalize with CLIP's mean and std. */
function normalisedCosine(a: Uint8Array, b: Uint8Array): number {
  const mean = [0.48145466, 0.4578275, 0.40821073]
  const std = [0.26862954, 0.26130258, 0.27577711]
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] / 255 - mean[i % 3]) / std[i % 3]
    const y = (b[i] / 255 - mean[i % 3]) / std[i % 3]
    ab += x * y
    aa += x * x
    bb += y * y
  }
  return ab / Math.sqrt(aa * bb)
}

describe('OpenCLIP resize_mode "longest" equals open_clip + torchvision', () => {
  const rows: string[] = []
  for (const c of cases) {
    it(`${c.file} (PIL ${c.pilMode}) into ${c.size.join('×')} ${c.interpolation}, fill ${c.fill_color}`, async () => {
      const img = await decodeImage(readFileSync(path.join(SRC, c.file)))
      const ours = resizeAndCrop(img, configOf(c))
      const theirs = new Uint8Array(await sharp(path.join(DIR, c.png)).raw().toBuffer())
      expect([ours.height, ours.width]).toEqual(c.size)
      let interior = 0
      let padding = 0
      for (let y = 0; y < ours.height; y++) {
        for (let x = 0; x < ours.width; x++) {
          for (let ch = 0; ch < 3; ch++) {
            const i = (y * ours.width + x) * 3 + ch
            const d = Math.abs(ours.data[i] - theirs[i])
            if (inPadding(c, x, y)) padding = Math.max(padding, d)
            else interior = Math.max(interior, d)
          }
        }
      }
      // Padding is exact in every mode (palette entry fill_color for P, cmyk2rgb for CMYK); the CMYK and 16-bit
      // grey (PIL mode I) interiors differ as in the shortest-edge fixtures (image-reference.test.ts).
      expect(padding).toBe(0)
      if (c.pilMode === 'I') expect(normalisedCosine(ours.data, theirs)).toBeGreaterThanOrEqual(0.9999)
      else expect(interior).toBeLessThanOrEqual(c.pilMode === 'CMYK' ? 1 : 0)
      rows.push(`${c.file.padEnd(28)} PIL ${c.pilMode.padEnd(4)} ${c.size.join('×').padEnd(7)} max byte diff: interior ${interior}, padding ${padding}`)
    })
  }

  it('prints the agreement table', () => {
    console.log(`resize_mode "longest" vs open_clip + torchvision:\n${rows.join('\n')}`)
    expect(rows.length).toBe(cases.length)
  })

  it('fills the padding of the tensor with the normalised fill colour', async () => {
    const c = cases.find((x) => x.fill_color === 128)!
    const config = configOf(c)
    const img = await decodeImage(readFileSync(path.join(SRC, c.file)))
    const t = preprocessImage(img, config)
    const [h, w] = c.size
    const expected = (ch: number): number => Math.fround(Math.fround(Math.fround(128 / 255) - Math.fround(config.imageMean[ch])) / Math.fround(config.imageStd[ch]))
    for (let ch = 0; ch < 3; ch++) expect(t[ch * h * w + (h - 1) * w + 0]).toBe(expected(ch))
    expect(inPadding(c, 0, h - 1)).toBe(true)
  })

  it('refuses an unknown resize_mode and a fill_color outside 0–255, naming the file', () => {
    expect(() => openclipPreprocess({ size: 224, resize_mode: 'pad' }, '/m', 'visual/preprocess_cfg.json')).toThrow(/visual\/preprocess_cfg\.json: resize_mode "pad" is not one of/)
    expect(() => openclipPreprocess({ size: 224, resize_mode: 'longest', fill_color: 300 }, '/m', 'visual/preprocess_cfg.json')).toThrow(/fill_color must be an integer from 0 to 255, got 300/)
  })
})
