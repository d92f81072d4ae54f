// Parity self-test: the same random weights in every layout (tools/clip-export/layouts.py) give the same
// embeddings as the Hugging Face layout's PyTorch reference, and broken folders are refused with every problem.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ClipModel, describeModel } from '../../../../src/main/engine/models'
import { createEngine } from '../../../../src/main/engine'
import { testConfig } from '../../../helpers/workspace'
import { TINY_DIR, cosineRow, loadReference, referencePixels, referenceTokens } from './tiny-fixture'

const LAYOUTS = path.resolve(__dirname, '../../../fixtures/tiny-layouts')
const ref = loadReference()
const roots: string[] = []
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })))

function temp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-layouts-'))
  roots.push(root)
  return root
}

/** The committed immich fixture plus the tokenizer it shares with tiny-clip (kept once in the repository). */
function immich(): string {
  const dir = path.join(temp(), 'immich')
  fs.cpSync(path.join(LAYOUTS, 'immich'), dir, { recursive: true })
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TINY_DIR, f), path.join(dir, 'textual', f))
  return dir
}

/** visual.onnx (symbolic embedding size, `input` -> `output`) + textual.onnx (immich's int32 text graph) + tokenizer only. */
function clipAsService(): string {
  const dir = path.join(temp(), 'cas')
  fs.mkdirSync(dir)
  fs.copyFileSync(path.join(LAYOUTS, 'clip-as-service', 'visual.onnx'), path.join(dir, 'visual.onnx'))
  fs.copyFileSync(path.join(LAYOUTS, 'immich', 'textual', 'model.onnx'), path.join(dir, 'textual.onnx'))
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TINY_DIR, f), path.join(dir, f))
  return dir
}

async function embedReference(dir: string): Promise<{ model: ClipModel; images: number[]; texts: number[] }> {
  const d = await describeModel(dir)
  expect(d.problems).toEqual([])
  const model = new ClipModel(d, { providers: ['cpu'] })
  const im = await model.embedImages(referencePixels(ref), ref.images.length)
  const t = referenceTokens(ref)
  const tx = await model.embedTexts(t.ids, t.mask, t.n, t.L)
  return { model, images: ref.images.map((r, i) => cosineRow(im, i, r.image_embeds)), texts: ref.captions.map((r, i) => cosineRow(tx, i, r.text_embeds)) }
}

describe('OpenCLIP (immich) layout', () => {
  it('is described from config.json, preprocess_cfg.json and textual/, with its fixed batch and int32 ids', async () => {
    const d = await describeModel(immich())
    expect(d).toMatchObject({
      format: 'openclip',
      variant: 'separate',
      weights: 'fp32',
      precision: 'fp32',
      embeddingDim: 16,
      imageSize: 224,
      contextLength: 77,
      preprocessOrder: 'openclip',
      preprocessSource: 'visual/preprocess_cfg.json',
      error: null
    })
    expect(d.towers.vision).toMatchObject({ file: 'visual/model.onnx', input: 'image', output: 'embedding', fixedBatch: 1 })
    expect(d.towers.text).toMatchObject({ file: 'textual/model.onnx', input: 'text', inputType: 'int32', mask: null, output: 'embedding', fixedBatch: 1 })
    expect(d.preprocess).toMatchObject({ resample: 3, size: { shortestEdge: 224 }, doCenterCrop: true, cropRounding: 'half-even' })
    expect(d.tokenizerDir).toBe(path.join(d.path, 'textual'))
  })

  it('embeds like the Hugging Face layout of the same weights, batching around the fixed batch of 1', async () => {
    const { model, images, texts } = await embedReference(immich())
    expect(Math.min(...images)).toBeGreaterThanOrEqual(0.9999)
    expect(Math.min(...texts)).toBeGreaterThanOrEqual(0.9999)
    await model.dispose()
  }, 30_000)
})

describe('clip-as-service layout', () => {
  it('takes the embedding size from the tower that fixes it, assuming OpenAI preprocessing at the graph size', async () => {
    const dir = clipAsService()
    const d = await describeModel(dir)
    expect(d).toMatchObject({ format: 'clip-as-service', embeddingDim: 16, imageSize: 224, preprocessSource: null, preprocessOrder: 'openclip', error: null })
    expect(d.towers.vision).toMatchObject({ file: 'visual.onnx', input: 'input', output: 'output', fixedBatch: null })
    expect(d.notes.join(' ')).toMatch(/OpenAI CLIP's transform at 224 px/)
    const { model, images, texts } = await embedReference(dir)
    expect(Math.min(...images, ...texts)).toBeGreaterThanOrEqual(0.9999)
    await model.dispose()
  }, 30_000)

  it('learns a symbolic embedding size from the first batch (no "expected [n, 0]")', async () => {
    const d = { ...(await describeModel(clipAsService())), embeddingDim: null }
    const model = new ClipModel(d, { providers: ['cpu'] })
    expect(model.dim).toBe(0)
    const im = await model.embedImages(referencePixels(ref), ref.images.length)
    expect(model.dim).toBe(16)
    expect(im.length).toBe(ref.images.length * 16)
    await model.dispose()
  }, 30_000)
})

describe('refusals, one line per problem', () => {
  it('names a missing tower', async () => {
    const dir = immich()
    fs.rmSync(path.join(dir, 'textual', 'model.onnx'))
    expect((await describeModel(dir)).error?.message).toMatch(/the text tower is missing .*found model\.onnx only/)
  })

  it('names embedding sizes that disagree with config.json', async () => {
    const dir = immich()
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, embed_dim: 24 }))
    expect((await describeModel(dir)).problems.map((p) => p.message)).toEqual(['config.json says the embedding has 24 dimensions but the graphs output 16.'])
  })

  it('names towers whose embedding sizes disagree', async () => {
    const dir = clipAsService()
    fs.copyFileSync(path.join(TINY_DIR, 'broken', 'vision_model_dim24.onnx'), path.join(dir, 'visual.onnx'))
    const d = await describeModel(dir)
    expect(d.problems.map((p) => p.message)).toEqual(['towers disagree: image 24 vs text 16 (image_embeds and embedding of visual.onnx and textual.onnx must have the same size).'])
  })

  it('names a tokenizer that does not fit the text graph', async () => {
    const dir = immich()
    const file = path.join(dir, 'textual', 'tokenizer.json')
    const tok = JSON.parse(fs.readFileSync(file, 'utf8')) as { added_tokens: Array<Record<string, unknown>> }
    tok.added_tokens.push({ ...tok.added_tokens[0], id: 60000, content: '<extra>' })
    fs.writeFileSync(file, JSON.stringify(tok))
    expect((await describeModel(dir)).problems.map((p) => p.message)).toEqual([
      'textual/tokenizer.json does not fit the text graph: it produces token ids up to 60000, but no weight table of textual/model.onnx has more than 49408 rows.'
    ])
  })

  it('lists every unknown input and output name of both towers', async () => {
    const dir = immich()
    fs.copyFileSync(path.join(TINY_DIR, 'onnx', 'vision_model.onnx'), path.join(dir, 'visual', 'model.onnx'))
    fs.copyFileSync(path.join(TINY_DIR, 'onnx', 'text_model.onnx'), path.join(dir, 'textual', 'model.onnx'))
    const d = await describeModel(dir)
    expect(d.problems.map((p) => p.message)).toEqual([
      'visual/model.onnx has no input `image`; found: pixel_values.',
      'visual/model.onnx has no output `embedding`; found: image_embeds, last_hidden_state.',
      'textual/model.onnx has no input `text`; found: input_ids.',
      'textual/model.onnx has no output `embedding`; found: text_embeds, last_hidden_state.'
    ])
    expect(d.problems[0].hint).toMatch(/immich exports visual\/model\.onnx with input `image`/)
    expect(d.problems.map((p) => p.item)).toEqual([...Array(2).fill(path.join(dir, 'visual', 'model.onnx')), ...Array(2).fill(path.join(dir, 'textual', 'model.onnx'))])
    expect(d.fingerprint).toBeNull()
  })
})

describe('embed through the engine', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it("gives the Hugging Face layout's vectors for an immich folder (RGB images)", async () => {
    const root = temp()
    const ds = path.join(root, 'ds')
    fs.mkdirSync(ds)
    const lines = ref.images.map((im, i) => JSON.stringify({ id: `scene-${i}`, image: path.join(TINY_DIR, im.file), caption: ref.captions[i].text }))
    fs.writeFileSync(path.join(ds, 'manifest.jsonl'), lines.join('\n') + '\n')
    const engine = createEngine(testConfig(path.join(root, 'ws')))
    cleanups.push(() => void engine.dispose())
    const read = (file: string): Array<{ id: string; image_embeds: number[]; text_embeds: number[] }> =>
      fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    await engine.invoke('embed', { model: TINY_DIR, dataset: ds, out: path.join(root, 'hf.jsonl') })
    await engine.invoke('embed', { model: immich(), dataset: ds, out: path.join(root, 'immich.jsonl') })
    const hf = read(path.join(root, 'hf.jsonl'))
    const oc = read(path.join(root, 'immich.jsonl'))
    expect(oc.map((r) => r.id)).toEqual(hf.map((r) => r.id))
    hf.forEach((h, i) => {
      expect(cosineRow(Float32Array.from(oc[i].image_embeds), 0, h.image_embeds)).toBeGreaterThanOrEqual(0.9999)
      expect(cosineRow(Float32Array.from(oc[i].text_embeds), 0, h.text_embeds)).toBeGreaterThanOrEqual(0.9999)
    })
  }, 60_000)
})
