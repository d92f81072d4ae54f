// onnxruntime sessions: provider choice with a reason, feed checks with shapes, fp16 I/O, dispose.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderProbe } from '../../../../src/main/engine/models'
import { createSession, probeExecutionProviders, type OnnxSession } from '../../../../src/main/engine/models'
import { TINY_DIR, cosineRow, loadReference, referencePixels } from './tiny-fixture'

const ref = loadReference()
const sessions: OnnxSession[] = []
afterAll(async () => Promise.all(sessions.map((s) => s.dispose())))
async function open(name: string, providers?: Parameters<typeof createSession>[1]): Promise<OnnxSession> {
  const s = await createSession(path.join(TINY_DIR, 'onnx', name), providers ?? { intraOpNumThreads: 1 })
  sessions.push(s)
  return s
}
const failure = (p: Promise<unknown>): Promise<{ code?: string; message: string }> =>
  p.then(
    () => ({ message: 'no error' }),
    (e: { code?: string; message: string }) => e
  )

describe('execution providers', () => {
  let probe: ProviderProbe
  let gpuHere = false
  beforeAll(async () => {
    probe = await probeExecutionProviders()
    gpuHere = probe.auto.length > 1
  })

  it('always ends with cpu and explains every missing faster provider', () => {
    expect(probe.available.at(-1)).toBe('cpu')
    if (!gpuHere) expect(probe.fallbacks.length).toBeGreaterThan(0)
  })

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')('reports cpu and why CUDA is not used on this machine', async (ctx) => {
    if (gpuHere) ctx.skip()
    const s = await open('vision_model.onnx')
    expect(s.provider).toBe('cpu')
    expect(s.fallbackReason).toMatch(/CUDA execution provider (not installed|installed but no NVIDIA driver)/)
  })

  it('has no fallback reason when the CPU is what was asked for', async () => {
    const s = await open('vision_model.onnx', { providers: ['cpu'], intraOpNumThreads: 1 })
    expect(s.provider).toBe('cpu')
    expect(s.fallbackReason).toBeNull()
  })
})

describe('OnnxSession.run', () => {
  it('runs the vision tower on the reference pixels like PyTorch', async () => {
    const s = await open('vision_model.onnx')
    const n = ref.images.length
    const out = await s.run({ pixel_values: { data: referencePixels(ref), dims: [n, 3, 224, 224] } }, ['image_embeds'])
    expect(Object.keys(out)).toEqual(['image_embeds'])
    expect(out.image_embeds.dims).toEqual([n, 16])
    for (let i = 0; i < n; i++) expect(cosineRow(out.image_embeds.data as Float32Array, i, ref.images[i].image_embeds)).toBeGreaterThan(0.99999)
  })

  it('converts float32 feeds to float16 and float16 outputs back to float32', async () => {
    const s = await open('model_fp16.onnx')
    expect(s.inputs.find((i) => i.name === 'pixel_values')?.type).toBe('float16')
    const L = 2
    const out = await s.run({
      pixel_values: { data: referencePixels(ref), dims: [2, 3, 224, 224] },
      input_ids: { data: new BigInt64Array([49406n, 49407n]), dims: [1, L] },
      attention_mask: { data: new BigInt64Array([1n, 1n]), dims: [1, L] }
    })
    const img = out.image_embeds.data
    expect(img).toBeInstanceOf(Float32Array)
    for (let i = 0; i < 2; i++) expect(cosineRow(img as Float32Array, i, ref.images[i].image_embeds)).toBeGreaterThan(0.999)
    expect(out.logits_per_image.dims).toEqual([2, 1])
  })

  it('names the input and the expected vs given shape when a feed does not fit', async () => {
    const s = await open('vision_model.onnx')
    const px = (dims: number[], data = new Float32Array(dims.reduce((a, b) => a * b, 1))): Record<string, { data: Float32Array; dims: number[] }> => ({ pixel_values: { data, dims } })
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [s.run(px([1, 3, 32, 32])), /vision_model\.onnx: input `pixel_values` expects shape \[batch_size, 3, 224, 224\], got \[1, 3, 32, 32\]: dimension 2 must be 224/],
      [s.run(px([3, 224, 224])), /expects rank 4 \[batch_size, 3, 224, 224\], got \[3, 224, 224\]/],
      [s.run(px([2, 3, 224, 224], new Float32Array(10))), /has 10 values but shape \[2, 3, 224, 224\] needs 301056/],
      [s.run({ pixel_values: { data: new BigInt64Array(3 * 224 * 224), dims: [1, 3, 224, 224] } }), /input `pixel_values` is float32 but was fed BigInt64Array/],
      [s.run({}), /input `pixel_values` \[batch_size, 3, 224, 224\] was not fed/],
      [s.run({ ...px([1, 3, 224, 224]), pixels: { data: new Float32Array(1), dims: [1] } }), /has no input `pixels`; its inputs are: pixel_values/],
      [s.run(px([1, 3, 224, 224]), ['embeds']), /has no output `embeds`; its outputs are: image_embeds, last_hidden_state/]
    ]
    for (const [promise, message] of cases) {
      const err = await failure(promise)
      expect(err.code).toBe('inference-failed')
      expect(err.message).toMatch(message)
    }
  })

  it('refuses to run after dispose, and a file that is not ONNX fails to open as bad-model', async () => {
    const s = await createSession(path.join(TINY_DIR, 'onnx', 'vision_model.onnx'), { intraOpNumThreads: 1 })
    await s.dispose()
    expect((await failure(s.run({}))).message).toMatch(/disposed/)
    const err = await failure(createSession(path.join(TINY_DIR, 'reference.json')))
    expect(err.code).toBe('bad-model')
    expect(err.message).toMatch(/onnxruntime could not load reference\.json/)
  })
})
