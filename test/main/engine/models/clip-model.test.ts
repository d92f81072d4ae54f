// End to end through the registry: ONNX embeddings of the reference tensors agree with PyTorch's.
import { afterAll, describe, expect, it } from 'vitest'
import { ModelRegistry } from '../../../../src/main/engine/models'
import { TINY_DIR, cosineRow, loadReference, referencePixels, referenceTokens } from './tiny-fixture'

const ref = loadReference()
const registry = new ModelRegistry({ session: { intraOpNumThreads: 1 } })
afterAll(() => registry.dispose())
const pixels = referencePixels(ref)
const tokens = referenceTokens(ref)

function minCosine(flat: Float32Array, rows: number[][]): number {
  return Math.min(...rows.map((r, i) => cosineRow(flat, i, r)))
}

describe.each([
  ['separate', 0.999, 0.9999],
  ['combined-fp16', 0.999, 0.999]
])('ClipModel %s', (variant, imageMin, textMin) => {
  it('embeds the reference images and captions like PyTorch', async () => {
    const model = await registry.open(`${TINY_DIR}@${variant}`)
    expect(model.provider).toBeNull()
    const images = await model.embedImages(pixels, ref.images.length)
    expect(images.length).toBe(ref.images.length * 16)
    expect(
      minCosine(
        images,
        ref.images.map((i) => i.image_embeds)
      )
    ).toBeGreaterThanOrEqual(imageMin)
    const texts = await model.embedTexts(tokens.ids, tokens.mask, tokens.n, tokens.L)
    expect(
      minCosine(
        texts,
        ref.captions.map((c) => c.text_embeds)
      )
    ).toBeGreaterThanOrEqual(textMin)
    expect(model.provider).toBe('cpu')
  })

  it('gives the same rows whether items are embedded together or one by one', async () => {
    const model = await registry.open(`${TINY_DIR}@${variant}`)
    const all = await model.embedTexts(tokens.ids, undefined, tokens.n, tokens.L)
    const L = tokens.L
    const last = await model.embedTexts(tokens.ids.slice((tokens.n - 1) * L), undefined, 1, L)
    expect(cosineRow(all, tokens.n - 1, Array.from(last))).toBeGreaterThan(0.99999)
    expect(await model.embedImages(new Float32Array(0), 0)).toEqual(new Float32Array(0))
  })
})

describe('ClipModel input checks', () => {
  it('rejects pixel and token arrays whose size does not match the count', async () => {
    const model = await registry.open(TINY_DIR)
    await expect(model.embedImages(new Float32Array(10), 1)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/1 × 3 × 224 × 224 = 150528 expected/) })
    await expect(model.embedTexts(new BigInt64Array(10), undefined, 1, 77)).rejects.toMatchObject({ message: expect.stringMatching(/got 10 ids for 1 captions of 77 tokens/) })
    // The separate text tower is fixed at 77 tokens (OpenAI-style export).
    await expect(model.embedTexts(new BigInt64Array(8), undefined, 1, 8)).rejects.toMatchObject({ code: 'inference-failed', message: expect.stringMatching(/dimension 1 must be 77/) })
  })

  it('reports the provider and the reason a GPU was not used once loaded', async () => {
    const model = await registry.open(TINY_DIR)
    await model.load()
    expect(model.provider).toBe('cpu')
    if (process.platform === 'linux' && process.arch === 'x64') expect(model.fallbackReason).toMatch(/CUDA/)
  })
})
