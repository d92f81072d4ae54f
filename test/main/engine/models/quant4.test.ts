// 4-bit variants as transformers.js publishes them (tools/clip-export/quant4.py): onnxruntime-node's CPU kernels
// read MatMulNBits / MatMulBnb4 exactly as the numpy generator wrote them, and the tiny model's _q4 / _bnb4
// towers load with --variant, are marked quantized and stay within the README's 4-bit tolerance of fp32.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../../../src/main/engine'
import { ClipModel, createSession, describeModel } from '../../../../src/main/engine/models'
import { miniDataset } from '../../../helpers/mini-dataset'
import { testConfig } from '../../../helpers/workspace'
import { TINY_DIR, cosineRow, loadReference, referencePixels, referenceTokens } from './tiny-fixture'

const OPS = path.resolve(__dirname, '../../../fixtures/quant4-ops')
const FOURBIT = path.resolve(__dirname, '../../../fixtures/tiny-layouts/hf-4bit')
// README "Models: layouts and variants": q4/bnb4 tolerance vs fp32 (tiny model measured 0.945–0.996).
const FOUR_BIT_MIN = 0.93
const ref = loadReference()
const roots: string[] = []
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })))

interface OpCase {
  K: number
  N: number
  M: number
  A: number[]
  Y: number[]
}

/** tiny-clip's configs and tokenizer with the committed 4-bit towers as its only graphs. */
function fourBitFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-q4-'))
  roots.push(root)
  const dir = path.join(root, 'tiny-4bit')
  fs.cpSync(TINY_DIR, dir, { recursive: true, filter: (src) => !/(onnx|broken|reference)$/.test(path.basename(src)) || src === TINY_DIR })
  fs.cpSync(path.join(FOURBIT, 'onnx'), path.join(dir, 'onnx'), { recursive: true })
  return dir
}

describe('4-bit contrib operators on onnxruntime-node (CPU)', () => {
  const cases = JSON.parse(fs.readFileSync(path.join(OPS, 'expected.json'), 'utf8')) as Record<string, OpCase>
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: Y equals A · dequantize(W) computed in numpy`, async () => {
      const session = await createSession(path.join(OPS, `${name}.onnx`), { providers: ['cpu'] })
      const { Y } = await session.run({ A: { data: Float32Array.from(c.A), dims: [c.M, c.K] } })
      expect(Y.dims).toEqual([c.M, c.N])
      const y = Y.data as Float32Array
      const worst = Math.max(...c.Y.map((v, i) => Math.abs(y[i] - v) / (1 + Math.abs(v))))
      expect(worst).toBeLessThan(1e-5)
      await session.dispose()
    })
  }
})

describe('tiny CLIP, q4 and bnb4 variants', () => {
  it('lists both variants, picks one with --variant and marks it quantized', async () => {
    const dir = fourBitFolder()
    const d = await describeModel(dir)
    expect(d.variants).toEqual(['separate-q4', 'separate-bnb4'])
    expect(d).toMatchObject({ variant: 'separate-q4', weights: 'q4', precision: 'quantized', quantized: true, embeddingDim: 16, error: null })
    expect(await describeModel(dir, { variant: 'bnb4' })).toMatchObject({ variant: 'separate-bnb4', weights: 'bnb4', quantized: true })
  })

  for (const variant of ['q4', 'bnb4']) {
    it(`${variant}: embeddings within the documented tolerance of the fp32 PyTorch reference, and not equal to it`, async () => {
      const d = await describeModel(fourBitFolder(), { variant })
      const model = new ClipModel(d, { providers: ['cpu'] })
      const im = await model.embedImages(referencePixels(ref), ref.images.length)
      const t = referenceTokens(ref)
      const tx = await model.embedTexts(t.ids, t.mask, t.n, t.L)
      const cos = [...ref.images.map((r, i) => cosineRow(im, i, r.image_embeds)), ...ref.captions.map((r, i) => cosineRow(tx, i, r.text_embeds))]
      expect(Math.min(...cos)).toBeGreaterThanOrEqual(FOUR_BIT_MIN)
      expect(Math.min(...cos)).toBeLessThan(0.9999)
      await model.dispose()
    }, 30_000)
  }
})

describe('a 4-bit variant in an experiment record', () => {
  it('is part of the model name, the variant and the quantized flag (DIR@bnb4)', async () => {
    const dir = fourBitFolder()
    const root = path.dirname(dir)
    const dataset = await miniDataset(path.join(root, 'mini'), { members: 4, nonmembers: 4, reference: 2 })
    const engine = createEngine(testConfig(path.join(root, 'ws')))
    try {
      const record = await engine.invoke('experiments.create', { spec: { model: `${dir}@bnb4`, dataset, attack: 'csa' } })
      expect(record.spec).toMatchObject({ modelName: 'tiny-4bit@bnb4', modelVariant: 'separate-bnb4', quantized: true })
      expect(record.name).toContain('tiny-4bit@bnb4')
    } finally {
      await engine.dispose()
    }
  }, 60_000)
})
