// The WebGPU provider on SwiftShader, in process: selection, adapter facts, numerics against the CPU provider, fallbacks.
// This file's worker process sees only SwiftShader (env set before onnxruntime is loaded); see test/helpers/swiftshader.ts.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, probeExecutionProviders, OnnxSession, type ProviderProbe } from '../../../../src/main/engine/models'
import { REPO_ROOT } from '../../../../src/main/engine/config'
import { reportSkip, swiftshaderEnv, swiftshaderMissing } from '../../../helpers/swiftshader'
import { TINY_DIR, cosineRow, loadReference, referencePixels, referenceTokens } from '../models/tiny-fixture'

const skip = reportSkip(swiftshaderMissing())
if (!skip) Object.assign(process.env, swiftshaderEnv())

const sessions: OnnxSession[] = []
afterAll(async () => Promise.all(sessions.map((s) => s.dispose())))
async function open(file: string, providers: Array<'webgpu' | 'cpu'>): Promise<OnnxSession> {
  const s = await createSession(file, { providers, intraOpNumThreads: 1 })
  sessions.push(s)
  return s
}

/** Cosine of row i of two flat n × d matrices. */
function cosine(a: Float32Array, b: Float32Array, i: number, d: number): number {
  return cosineRow(a, i, Array.from(b.subarray(i * d, (i + 1) * d)))
}

/** A deterministic pseudo-random float32 array in [-2, 2) (normalised pixels span about that range). */
function pixels(n: number): Float32Array {
  let x = 12345
  return Float32Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return (x / 2147483648) * 4 - 2
  })
}

// Generous limits: SwiftShader is a software GPU and CI machines are shared; these check correctness, never speed.
describe.skipIf(skip)('WebGPU on SwiftShader', { timeout: 300_000 }, () => {
  let probe: ProviderProbe
  beforeAll(async () => {
    probe = await probeExecutionProviders()
  })

  it('lists webgpu, names the SwiftShader adapter, and keeps auto on the CPU (a software GPU is slower)', () => {
    expect(probe.available).toEqual(['webgpu', 'cpu'])
    expect(probe.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', backend: 'vulkan', software: true })
    expect(probe.auto).toEqual(['cpu'])
    expect(probe.fallbacks.join(' ')).toMatch(/SwiftShader .* `auto` skips it; ask for it with --provider webgpu/)
  })

  it('runs the tiny fixture on webgpu like PyTorch (cosine >= 0.99999 per image and caption)', async () => {
    const ref = loadReference()
    const vision = await open(path.join(TINY_DIR, 'onnx', 'vision_model.onnx'), ['webgpu'])
    expect(vision.provider).toBe('webgpu')
    expect(vision.fallbackReason).toBeNull()
    expect(vision.adapter?.architecture).toBe('swiftshader')
    const n = ref.images.length
    const img = (await vision.run({ pixel_values: { data: referencePixels(ref), dims: [n, 3, 224, 224] } }, ['image_embeds'])).image_embeds.data as Float32Array
    for (let i = 0; i < n; i++) expect(cosineRow(img, i, ref.images[i].image_embeds)).toBeGreaterThanOrEqual(0.99999)
    const text = await open(path.join(TINY_DIR, 'onnx', 'text_model.onnx'), ['webgpu'])
    const t = referenceTokens(ref)
    const out = await text.run({ input_ids: { data: t.ids, dims: [t.n, t.L] } }, ['text_embeds'])
    const txt = out.text_embeds.data as Float32Array
    for (let i = 0; i < t.n; i++) expect(cosineRow(txt, i, ref.captions[i].text_embeds)).toBeGreaterThanOrEqual(0.99999)
  })

  for (const model of ['demo-clip-s', 'demo-clip-l']) {
    it(`gives ${model}'s vision and text embeddings equal to the CPU provider's (cosine >= 0.99999 each)`, async () => {
      const dir = path.join(REPO_ROOT, 'resources', 'models', model, 'onnx')
      const n = 4
      const feeds = { pixel_values: { data: pixels(n * 3 * 32 * 32), dims: [n, 3, 32, 32] } }
      const [gpu, cpu] = [await open(path.join(dir, 'vision_model.onnx'), ['webgpu']), await open(path.join(dir, 'vision_model.onnx'), ['cpu'])]
      expect(gpu.provider).toBe('webgpu')
      const a = (await gpu.run(feeds, ['image_embeds'])).image_embeds
      const b = (await cpu.run(feeds, ['image_embeds'])).image_embeds
      for (let i = 0; i < n; i++) expect(cosine(a.data as Float32Array, b.data as Float32Array, i, a.dims[1])).toBeGreaterThanOrEqual(0.99999)
      const L = 32
      const ids = BigInt64Array.from({ length: n * L }, (_, k) => BigInt(k % L < 6 + (k % 3) ? 1 + ((k * 7) % 600) : 0))
      const mask = BigInt64Array.from(ids, (v) => (v === 0n ? 0n : 1n))
      const tf = { input_ids: { data: ids, dims: [n, L] }, attention_mask: { data: mask, dims: [n, L] } }
      const [tg, tc] = [await open(path.join(dir, 'text_model.onnx'), ['webgpu']), await open(path.join(dir, 'text_model.onnx'), ['cpu'])]
      const inputs = tg.inputs.map((i) => i.name)
      const feedsT = Object.fromEntries(Object.entries(tf).filter(([k]) => inputs.includes(k)))
      const x = (await tg.run(feedsT, ['text_embeds'])).text_embeds
      const y = (await tc.run(feedsT, ['text_embeds'])).text_embeds
      for (let i = 0; i < n; i++) expect(cosine(x.data as Float32Array, y.data as Float32Array, i, x.dims[1])).toBeGreaterThanOrEqual(0.99999)
    })
  }

  it('falls back to the CPU with the reason when the adapter cannot open a graph (SwiftShader has no float16 shaders)', async () => {
    const s = await open(path.join(TINY_DIR, 'onnx', 'model_fp16.onnx'), ['webgpu'])
    expect(s.provider).toBe('cpu')
    expect(s.adapter).toBeNull()
    expect(s.fallbackReason).toMatch(/WEBGPU execution provider failed to start for model_fp16\.onnx \(.*f16.*\)/)
  })
})

describe('first-batch fallback', () => {
  // A stand-in for onnxruntime's session: its first run fails the way a GPU out of memory or a missing kernel does.
  function fakeSession(fail: boolean[]): { run: () => Promise<Record<string, unknown>>; release: () => Promise<void>; inputMetadata: unknown[]; outputMetadata: unknown[]; calls: number } {
    const s = {
      calls: 0,
      inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: [1] }],
      outputMetadata: [{ name: 'y', isTensor: true, type: 'float32', shape: [1] }],
      run: async () => {
        if (fail[s.calls++]) throw new Error('device lost\nsecond line')
        return { y: { type: 'float32', data: new Float32Array([s.calls]), dims: [1] } }
      },
      release: async () => undefined
    }
    return s
  }
  const feed = { x: { data: new Float32Array([1]), dims: [1] } }
  const adapter = { vendor: 'nvidia', architecture: 'nvidia', description: 'GPU', backend: 'vulkan' as const, software: false, driver: null, source: 'vulkan-manifest' as const }

  it('moves a session whose first batch fails on the GPU to the CPU, and says why', async () => {
    const gpu = fakeSession([true])
    const cpu = fakeSession([false])
    const s = new OnnxSession('/m/vision_model.onnx', gpu as never, { provider: 'webgpu', fallbackReason: null, adapter, reopenOnCpu: async () => cpu as never })
    const out = await s.run(feed)
    expect(out.y.data).toEqual(new Float32Array([1]))
    expect(s.provider).toBe('cpu')
    expect(s.adapter).toBeNull()
    expect(s.fallbackReason).toBe('WEBGPU execution provider failed on the first batch of vision_model.onnx (device lost); it runs on the CPU.')
  })

  it('never switches provider after a batch has run: a later failure is an error naming the provider', async () => {
    const gpu = fakeSession([false, true])
    let reopened = false
    const s = new OnnxSession('/m/vision_model.onnx', gpu as never, {
      provider: 'webgpu',
      fallbackReason: null,
      adapter,
      reopenOnCpu: async () => {
        reopened = true
        return fakeSession([]) as never
      }
    })
    await s.run(feed)
    await expect(s.run(feed)).rejects.toMatchObject({ code: 'inference-failed', message: expect.stringMatching(/\(webgpu\).*device lost/s) })
    expect(reopened).toBe(false)
    expect(s.provider).toBe('webgpu')
  })
})
