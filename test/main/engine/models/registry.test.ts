// Model discovery and validation on real folders: variants, facts for the UI, load errors, fingerprints.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ModelRegistry, describeModel, listModels, parseModelRef } from '../../../../src/main/engine/models'
import { TINY_DIR, copyTiny, loadReference } from './tiny-fixture'

const ref = loadReference()
const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))
function tiny(drop: string[] = []): { dir: string; root: string } {
  const t = copyTiny(drop)
  cleanups.push(t.cleanup)
  return t
}

describe('describeModel', () => {
  it('describes the separate fp32 towers with the facts the UI shows', async () => {
    const d = await describeModel(TINY_DIR, { source: 'bundled' })
    expect(d.error).toBeNull()
    expect(d).toMatchObject({
      name: 'tiny-clip',
      source: 'bundled',
      variant: 'separate',
      variants: ['separate', 'combined-fp16'],
      layout: 'separate',
      precision: 'fp32',
      quantized: false,
      embeddingDim: 16,
      imageSize: 224,
      contextLength: 77,
      hasAttentionMask: false,
      parameterCount: ref.parameterCount.vision + ref.parameterCount.text,
      parameterCountExact: true
    })
    expect(d.files.map((f) => f.path)).toEqual(['onnx/vision_model.onnx', 'onnx/text_model.onnx', 'tokenizer.json', 'preprocessor_config.json'])
    expect(d.files[0].bytes).toBe(fs.statSync(path.join(TINY_DIR, 'onnx/vision_model.onnx')).size)
    expect(d.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(d.card).toMatchObject({ parameterCount: ref.parameterCount.total })
  })

  it('describes the combined fp16 variant (attention_mask input, parameters = PyTorch count less logit_scale)', async () => {
    const d = await describeModel(TINY_DIR, { variant: 'combined-fp16' })
    expect(d.error).toBeNull()
    expect(d).toMatchObject({ layout: 'combined', precision: 'fp16', hasAttentionMask: true, embeddingDim: 16, contextLength: 77 })
    expect(d.parameterCount).toBe(ref.parameterCount.total - 1)
    // Loss-grad's temperature comes from the export: exp of the graph's logit_scale initializer (CLIP's initial
    // ln(1/0.07), rounded to fp16 here), not a default.
    expect(d.logitScale!.source).toMatch(/^exp\(onnx\/model_fp16\.onnx initializer logit_scale\)$/)
    expect(d.logitScale!.value).toBeCloseTo(1 / 0.07, 1)
    const separate = await describeModel(TINY_DIR)
    // The separate towers hold no logit_scale: the folder's combined graph of the same model states it for them.
    expect(separate.logitScale).toEqual(d.logitScale)
    expect(d.fingerprint).not.toBe(separate.fingerprint)
  })

  it('uses a folder holding only the combined graph, and flags *_quantized files as quantized', async () => {
    const { dir } = tiny(['onnx/vision_model.onnx', 'onnx/text_model.onnx'])
    expect(await describeModel(dir)).toMatchObject({ variant: 'combined-fp16', variants: ['combined-fp16'], error: null })
    fs.copyFileSync(path.join(dir, 'onnx/model_fp16.onnx'), path.join(dir, 'onnx/model_quantized.onnx'))
    const q = await describeModel(dir, { variant: 'combined-quantized' })
    expect(q).toMatchObject({ precision: 'quantized', quantized: true, parameterCountExact: false, error: null })
  })

  it('explains a missing tower, tokenizer or preprocessor config, naming the file', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['onnx/text_model.onnx', 'onnx/model_fp16.onnx'], /onnx\/text_model\.onnx is missing from .*found vision_model\.onnx only/],
      [['tokenizer.json'], /tokenizer\.json is missing from .*captions cannot be tokenized/],
      [['preprocessor_config.json'], /preprocessor_config\.json is missing from .*resize, crop and normalisation/],
      [['onnx'], /No CLIP ONNX files in .*expected onnx\/vision_model\.onnx \+ onnx\/text_model\.onnx or onnx\/model\.onnx/]
    ]
    for (const [drop, message] of cases) {
      const d = await describeModel(tiny(drop).dir)
      expect(d.error?.code, drop[0]).toBe('bad-model')
      expect(d.error?.message).toMatch(message)
      expect(d.error?.hint).toBeTruthy()
      expect(d.fingerprint).toBeNull()
    }
    // With a complete variant beside the broken one, that one is used unless the broken one is asked for.
    const { dir } = tiny(['onnx/text_model.onnx'])
    expect(await describeModel(dir)).toMatchObject({ variant: 'combined-fp16', variants: ['combined-fp16', 'separate'], error: null })
    expect((await describeModel(dir, { variant: 'separate' })).error?.message).toMatch(/text_model\.onnx is missing/)
    expect((await describeModel(dir, { variant: 'separate-fp16' })).error).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/has no variant "separate-fp16"; it has: combined-fp16, separate/)
    })
  })

  it('explains a tower that is not ONNX, a renamed input, and towers that disagree', async () => {
    const notOnnx = tiny()
    fs.writeFileSync(path.join(notOnnx.dir, 'onnx/text_model.onnx'), '<!DOCTYPE html><title>404</title>')
    expect((await describeModel(notOnnx.dir)).error?.message).toMatch(/^text_model\.onnx is not an ONNX model: it is text starting with "<!DOCTYPE html>/)

    // Same-length rename inside the protobuf keeps the file valid ONNX with an input called `pixel_inputs`.
    const renamed = tiny()
    const file = path.join(renamed.dir, 'onnx/vision_model.onnx')
    const bytes = fs.readFileSync(file)
    fs.writeFileSync(file, Buffer.from(bytes.toString('latin1').replaceAll('pixel_values', 'pixel_inputs'), 'latin1'))
    const d = await describeModel(renamed.dir)
    expect(d.error).toMatchObject({ code: 'bad-model', message: 'onnx/vision_model.onnx has no input `pixel_values`; found: pixel_inputs.' })

    const mismatched = tiny()
    fs.copyFileSync(path.join(TINY_DIR, 'broken/vision_model_dim24.onnx'), path.join(mismatched.dir, 'onnx/vision_model.onnx'))
    expect((await describeModel(mismatched.dir)).error?.message).toMatch(/^towers disagree: image 24 vs text 16/)
  })

  it('rejects a preprocessor crop that the graph cannot take', async () => {
    const { dir } = tiny()
    const file = path.join(dir, 'preprocessor_config.json')
    const pre = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
    fs.writeFileSync(file, JSON.stringify({ ...pre, crop_size: { height: 336, width: 336 } }))
    expect((await describeModel(dir)).error?.message).toMatch(/graph takes 224×224 pixels but preprocessor_config\.json produces 336×336/)
  })
})

describe('fingerprint', () => {
  it('is stable, content-based (same for a copy, unaffected by mtime) and changes with any used file', async () => {
    const a = tiny()
    const b = tiny()
    const fa = (await describeModel(a.dir)).fingerprint
    expect((await describeModel(b.dir)).fingerprint).toBe(fa)
    const future = new Date(Date.now() + 60_000)
    fs.utimesSync(path.join(a.dir, 'tokenizer.json'), future, future)
    expect((await describeModel(a.dir)).fingerprint).toBe(fa)

    for (const rel of ['tokenizer.json', 'preprocessor_config.json', 'onnx/text_model.onnx']) {
      const c = tiny()
      const file = path.join(c.dir, rel)
      const bytes = fs.readFileSync(file)
      bytes[bytes.length - 2] ^= 1
      fs.writeFileSync(file, bytes)
      expect((await describeModel(c.dir)).fingerprint, rel).not.toBe(fa)
    }
    // Files the model does not use do not count.
    fs.writeFileSync(path.join(b.dir, 'README.md'), 'notes')
    fs.writeFileSync(path.join(b.dir, 'model_card.json'), '{"changed": true}')
    expect((await describeModel(b.dir)).fingerprint).toBe(fa)
  })
})

describe('listModels / ModelRegistry', () => {
  it('lists every folder under a root, broken ones with their error, variants on request', async () => {
    const { root } = tiny()
    fs.mkdirSync(path.join(root, 'empty-model'))
    fs.mkdirSync(path.join(root, '.hidden'))
    const models = await listModels([
      { dir: root, source: 'user' },
      { dir: path.join(root, 'absent'), source: 'bundled' }
    ])
    expect(models.map((m) => [m.name, m.error?.code ?? null])).toEqual([
      ['empty-model', 'bad-model'],
      ['tiny-clip', null]
    ])
    expect(models[1]).toMatchObject({ layout: 'separate', precision: 'fp32', embeddingDim: 16, source: 'user' })
    const all = await listModels([{ dir: root, source: 'user' }], { allVariants: true })
    expect(all.map((m) => m.name)).toEqual(['empty-model', 'tiny-clip', 'tiny-clip@combined-fp16'])
    expect(parseModelRef('/m/tiny-clip@combined-fp16')).toEqual({ dir: '/m/tiny-clip', variant: 'combined-fp16' })
    expect(parseModelRef('/m/tiny-clip')).toEqual({ dir: '/m/tiny-clip' })
  })

  it('caches one model per fingerprint, and replaces it when the files change', async () => {
    const { dir } = tiny()
    const registry = new ModelRegistry({ session: { intraOpNumThreads: 1 } })
    try {
      const m1 = await registry.open(dir)
      expect(await registry.open(dir)).toBe(m1)
      expect(await registry.open(`${dir}@combined-fp16`)).not.toBe(m1)
      const file = path.join(dir, 'preprocessor_config.json')
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"do_resize": true', '"do_resize":  true'))
      const m2 = await registry.open(dir)
      expect(m2).not.toBe(m1)
      await expect(m1.embedImages(new Float32Array(0), 0)).rejects.toMatchObject({ message: expect.stringMatching(/was disposed/) })
      fs.rmSync(path.join(dir, 'tokenizer.json'))
      await expect(registry.open(dir)).rejects.toMatchObject({ code: 'bad-model', message: expect.stringMatching(/tokenizer\.json is missing/) })
    } finally {
      await registry.dispose()
    }
  })

  it('keeps one model per provider order an experiment asks for, and drops them all when the files change (issue 19)', async () => {
    const { dir } = tiny()
    const registry = new ModelRegistry({ session: { intraOpNumThreads: 1 } })
    try {
      const engineDefault = await registry.open(dir)
      const onCpu = await registry.open(dir, { providers: ['cpu'] })
      expect(onCpu).not.toBe(engineDefault)
      expect(await registry.open(dir, { providers: ['cpu'] })).toBe(onCpu)
      await onCpu.load()
      // Asked for the CPU and given it: no fallback to explain, whatever `auto` would have tried first.
      expect(onCpu.provider).toBe('cpu')
      expect(onCpu.fallbackReason).toBeNull()
      const onWebgpu = await registry.open(dir, { providers: ['webgpu', 'cpu'] })
      await onWebgpu.load()
      if (onWebgpu.provider === 'cpu') expect(onWebgpu.fallbackReason).toMatch(/webgpu/i)
      else expect(onWebgpu.provider).toBe('webgpu')
      const file = path.join(dir, 'preprocessor_config.json')
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"do_resize": true', '"do_resize":  true'))
      expect(await registry.open(dir, { providers: ['cpu'] })).not.toBe(onCpu)
      expect(onCpu.isDisposed && onWebgpu.isDisposed && engineDefault.isDisposed).toBe(true)
    } finally {
      await registry.dispose()
    }
  })
})
