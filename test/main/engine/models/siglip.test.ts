// SigLIP / SigLIP 2 (tools/clip-export/export_siglip.py): layout detection, tokenizer ids equal to the Python reference,
// embeddings equal to PyTorch's through every variant, the sigmoid score from the graph's logit_scale/logit_bias,
// and one-line refusals of tokenizer/graph/config combinations that cannot work.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pairwiseScores } from '../../../../src/main/engine/attacks'
import { ClipModel, describeModel, readOnnxInfo } from '../../../../src/main/engine/models'
import { tokenizerKind } from '../../../../src/main/engine/models/tokenizer-check'
import { decodeImage, loadTokenizer, resizeAndCrop, tokenize } from '../../../../src/main/engine/preprocess'
import { cosineRow } from './tiny-fixture'

const FIXTURES = path.resolve(__dirname, '../../../fixtures')
const FAMILIES = ['siglip', 'siglip2'] as const
type Family = (typeof FAMILIES)[number]

interface SiglipReference {
  embedDim: number
  contextLength: number
  imageSize: number
  logitScale: number
  logitBias: number
  scores: number[][]
  images: Array<{ file: string; pixels: string; image_embeds: number[] }>
  captions: Array<{ text: string; input_ids: number[]; text_embeds: number[] }>
}

const dirOf = (f: Family): string => path.join(FIXTURES, `tiny-${f}`)
const refOf = (f: Family): SiglipReference => JSON.parse(fs.readFileSync(path.join(dirOf(f), 'reference.json'), 'utf8')) as SiglipReference
const roots: string[] = []
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })))

/** A temp copy of a fixture, changed by `edit`. */
function copy(f: Family, edit: (dir: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-siglip-'))
  roots.push(root)
  const dir = path.join(root, f)
  fs.cpSync(dirOf(f), dir, { recursive: true })
  edit(dir)
  return dir
}

/** (u8 / 255 − 0.5) / 0.5, CHW: SiglipImageProcessor's rescale and normalise of the stored resized pixels. */
function pixels(f: Family, ref: SiglipReference): Float32Array {
  const s = ref.imageSize
  const out = new Float32Array(ref.images.length * 3 * s * s)
  ref.images.forEach((im, i) => {
    const u8 = fs.readFileSync(path.join(dirOf(f), im.pixels))
    for (let c = 0; c < 3; c++) for (let p = 0; p < s * s; p++) out[(i * 3 + c) * s * s + p] = (u8[p * 3 + c] / 255 - 0.5) / 0.5
  })
  return out
}

function unit(v: ArrayLike<number>, from = 0, d = v.length): number[] {
  const row = Array.from({ length: d }, (_, j) => v[from + j])
  const n = Math.hypot(...row)
  return row.map((x) => x / n)
}

/** Embeddings (cos ≥ 0.9999) and the sigmoid scores of every image–caption pair (to 1e-5) equal PyTorch's. */
async function expectPyTorchParity(dir: string, family: Family, variant: string): Promise<void> {
  const ref = refOf(family)
  const d = await describeModel(dir, { variant })
  expect(d.problems).toEqual([])
  const model = new ClipModel(d, { providers: ['cpu'] })
  try {
    const images = await model.embedImages(pixels(family, ref), ref.images.length)
    expect(model.dim).toBe(ref.embedDim)
    const ids = BigInt64Array.from(ref.captions.flatMap((c) => c.input_ids.map(BigInt)))
    const texts = await model.embedTexts(ids, undefined, ref.captions.length, 64)
    ref.images.forEach((im, i) => expect(cosineRow(images, i, im.image_embeds)).toBeGreaterThanOrEqual(0.9999))
    ref.captions.forEach((c, i) => expect(cosineRow(texts, i, c.text_embeds)).toBeGreaterThanOrEqual(0.9999))
    // The pairwise score through the project equals PyTorch's sigmoid(exp(t)·cos + b) for every image–text pair.
    const d2 = ref.embedDim
    for (let i = 0; i < ref.images.length; i++) {
      const cos = Float64Array.from(ref.captions, (_, j) => unit(images, i * d2, d2).reduce((a, x, k) => a + x * unit(texts, j * d2, d2)[k], 0))
      const scores = pairwiseScores(cos, d.scoreRule)
      scores.forEach((s, j) => expect(s).toBeCloseTo(ref.scores[i][j], 5))
    }
  } finally {
    await model.dispose()
  }
}

describe.each(FAMILIES)('%s export (transformers.js layout)', (family) => {
  const ref = refOf(family)

  it('is detected from config.json and its tokenizer, read through pooler_output with no attention mask', async () => {
    const d = await describeModel(dirOf(family))
    expect(d.problems).toEqual([])
    expect(d).toMatchObject({ format: family, variant: 'separate', variants: ['separate', 'combined'], contextLength: 64, imageSize: ref.imageSize, preprocessOrder: 'huggingface' })
    expect(d.towers.vision).toMatchObject({ output: 'pooler_output', mask: null })
    expect(d.towers.text).toMatchObject({ output: 'pooler_output', mask: null, inputType: 'int64' })
    expect(d.preprocess).toMatchObject({ size: { height: ref.imageSize, width: ref.imageSize }, doCenterCrop: false, resample: family === 'siglip' ? 3 : 2, imageMean: [0.5, 0.5, 0.5] })
    expect(d.tokenizerKind).toMatch(family === 'siglip' ? /^Unigram \(SentencePiece; .*Metaspace\)$/ : /^BPE \(byte fallback; Replace\)$/)
    // SigLIP 2's fixture names the embedding size symbolically; SigLIP's fixes it.
    expect(d.embeddingDim).toBe(family === 'siglip' ? ref.embedDim : null)
  })

  it("resizes like the processor's PIL squash resize (the stored 8-bit pixels, exactly)", async () => {
    const d = await describeModel(dirOf(family))
    for (const im of ref.images) {
      const ours = resizeAndCrop(await decodeImage(fs.readFileSync(path.join(dirOf(family), im.file))), d.preprocess!)
      const pil = fs.readFileSync(path.join(dirOf(family), im.pixels))
      expect([ours.width, ours.height]).toEqual([ref.imageSize, ref.imageSize])
      expect(Math.max(...Array.from(ours.data, (v, k) => Math.abs(v - pil[k])))).toBe(0)
    }
  })

  it('tokenizes to the Python reference ids: padded to 64 with the pad id, end token kept on truncation, unknowns fused', async () => {
    const tok = await loadTokenizer(dirOf(family))
    expect(tok.contextLength).toBe(64)
    expect(tok.padId).toBe(family === 'siglip' ? 1 : 0)
    // SigLIP 2's reference tokenizes the lowercased caption (as the workbench's embedding pass does, runner/embed.ts).
    const batch = tokenize(
      tok,
      ref.captions.map((c) => (family === 'siglip2' ? c.text.toLowerCase() : c.text))
    )
    ref.captions.forEach((c, i) => expect(Array.from(batch.ids.subarray(i * 64, (i + 1) * 64), Number), c.text).toEqual(c.input_ids))
    expect(batch.truncated).toEqual(ref.captions.map((c) => c.text.startsWith('a very long caption')))
  })

  it.each(['separate', 'combined'])(
    'embeds like PyTorch through the %s variant (cos ≥ 0.9999), learning a symbolic size from the first batch',
    (variant) => expectPyTorchParity(dirOf(family), family, variant),
    30_000
  )

  it("reads logit_scale and logit_bias from the combined graph's initializers, for the separate towers too", async () => {
    const d = await describeModel(dirOf(family))
    expect(d.scoreRule).toMatchObject({ kind: 'sigmoid', source: 'onnx/model.onnx initializers logit_scale, logit_bias' })
    if (d.scoreRule.kind !== 'sigmoid') return
    expect(d.scoreRule.logitScale).toBeCloseTo(ref.logitScale, 6)
    expect(d.scoreRule.logitBias).toBeCloseTo(ref.logitBias, 6)
  })
})

describe('SigLIP score rule', () => {
  it('is sigmoid(exp(t)·cos + b), strictly increasing in the cosine (closed form)', () => {
    const rule = { kind: 'sigmoid' as const, logitScale: Math.log(117.33), logitBias: -12.93, source: 'test' }
    const cos = Float64Array.from([-0.3, 0.02, 0.1, 0.11, 0.2])
    const s = pairwiseScores(cos, rule)
    cos.forEach((c, i) => expect(s[i]).toBeCloseTo(1 / (1 + Math.exp(12.93 - 117.33 * c)), 12))
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1])
    expect(pairwiseScores(cos, { kind: 'cosine' })).toBe(cos)
  })

  it('falls back to the cosine, with a note, when no graph or card holds t and b', async () => {
    const d = await describeModel(copy('siglip', (dir) => fs.rmSync(path.join(dir, 'onnx', 'model.onnx'))))
    expect(d.problems).toEqual([])
    expect(d.scoreRule).toEqual({ kind: 'cosine' })
    expect(d.notes.join('\n')).toMatch(/logit_scale and logit_bias were not found.*ranks items the same/)
  })

  it('takes t and b from model_card.json when the export has no combined graph', async () => {
    const d = await describeModel(
      copy('siglip', (dir) => {
        fs.rmSync(path.join(dir, 'onnx', 'model.onnx'))
        // Cards state the multiplier exp(t), as for loss-grad (resources/models/*/model_card.json).
        fs.writeFileSync(path.join(dir, 'model_card.json'), JSON.stringify({ logit_scale: 117.33, logit_bias: -12.9 }))
      })
    )
    expect(d.scoreRule).toEqual({ kind: 'sigmoid', logitScale: Math.log(117.33), logitBias: -12.9, source: 'model_card.json logit_scale (= exp(t)), logit_bias' })
  })
})

describe('a constant-folded combined graph (export_siglip.py --fold-combined, as optimum exports)', () => {
  // tiny-siglip-folded/model.onnx: the tiny SigLIP's weights, exported with do_constant_folding=True (torch 1.13).
  const folded = (): string => copy('siglip', (dir) => fs.copyFileSync(path.join(FIXTURES, 'tiny-siglip-folded', 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')))

  it("has lost the logit_scale initializer, yet t and b are read from its logits and equal PyTorch's", async () => {
    const dir = folded()
    const info = await readOnnxInfo(path.join(dir, 'onnx', 'model.onnx'))
    expect(Object.keys(info.scalars)).not.toContain('logit_scale')
    const ref = refOf('siglip')
    for (const variant of ['separate', 'combined']) {
      const d = await describeModel(dir, { variant })
      expect(d.scoreRule).toMatchObject({ kind: 'sigmoid', source: expect.stringMatching(/^onnx\/model\.onnx logits = cos · .+ \(= exp\(logit_scale\)\) \+ .+, a constant-folded graph$/) })
      if (d.scoreRule.kind !== 'sigmoid') return
      expect(d.scoreRule.logitScale).toBeCloseTo(ref.logitScale, 6)
      expect(d.scoreRule.logitBias).toBeCloseTo(ref.logitBias, 6)
      expect(d.logitScale?.value).toBeCloseTo(Math.exp(ref.logitScale), 4)
    }
  })

  it('embeds and scores like PyTorch through its combined variant', () => expectPyTorchParity(folded(), 'siglip', 'combined'), 30_000)
})

describe('SigLIP folders that cannot work are refused with one line each', () => {
  const problems = async (dir: string): Promise<string[]> => (await describeModel(dir)).problems.map((p) => p.message)

  it("CLIP's byte-level BPE tokenizer in a SigLIP folder", async () => {
    const clip = path.join(FIXTURES, 'tiny-clip', 'tokenizer.json')
    const msgs = await problems(copy('siglip', (dir) => fs.copyFileSync(clip, path.join(dir, 'tokenizer.json'))))
    expect(msgs).toEqual([expect.stringMatching(/^tokenizer\.json: is a byte-level BPE without byte fallback \(CLIP's\), but SigLIP uses a SentencePiece Unigram tokenizer/)])
  })

  it("SigLIP 2's larger Gemma vocabulary with SigLIP's text graph", async () => {
    const gemma = path.join(dirOf('siglip2'), 'tokenizer.json')
    const msgs = await problems(copy('siglip', (dir) => fs.copyFileSync(gemma, path.join(dir, 'tokenizer.json'))))
    expect(msgs).toEqual([expect.stringMatching(/tokenizer\.json does not fit the text graph: it produces token ids up to \d+, but no weight table of onnx\/text_model\.onnx has more than \d+ rows/)])
  })

  it('a Unigram tokenizer where config.json says siglip2', async () => {
    const msgs = await problems(
      copy('siglip', (dir) => {
        const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>
        fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'siglip2' }))
      })
    )
    expect(msgs).toEqual([expect.stringMatching(/^tokenizer\.json: is a Unigram model, but SigLIP 2 uses Gemma's SentencePiece BPE/)])
  })

  it('a NaFlex SigLIP 2 processor', async () => {
    const msgs = await problems(
      copy('siglip2', (dir) => {
        const file = path.join(dir, 'preprocessor_config.json')
        const pre = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
        fs.writeFileSync(file, JSON.stringify({ ...pre, image_processor_type: 'Siglip2ImageProcessorFast' }))
      })
    )
    expect(msgs).toEqual([expect.stringMatching(/^preprocessor_config\.json: Siglip2ImageProcessorFast \(NaFlex: variable patch counts\) is not supported/)])
  })

  it('a tokenizer context longer than the text positions', async () => {
    const msgs = await problems(
      copy('siglip', (dir) => {
        const file = path.join(dir, 'tokenizer_config.json')
        const tok = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
        fs.writeFileSync(file, JSON.stringify({ ...tok, model_max_length: 77 }))
      })
    )
    expect(msgs).toEqual(["tokenizer_config.json: model_max_length 77 exceeds the text model's 64 positions (config.json)."])
  })

  it('a tokenizer with no pad token named anywhere', async () => {
    const msgs = await problems(copy('siglip2', (dir) => fs.rmSync(path.join(dir, 'tokenizer_config.json'))))
    expect(msgs).toEqual([expect.stringMatching(/^tokenizer_config\.json: names no pad_token \(nor does tokenizer\.json "padding"\)/)])
  })
})

describe('tokenizerKind', () => {
  it('says a Precompiled normalizer is applied as NFKC (tokenizers.js ignores the charsmap)', () => {
    const json = {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Precompiled', precompiled_charsmap: 'AA==' }, { type: 'Replace' }] },
      pre_tokenizer: { type: 'Metaspace' },
      model: { type: 'Unigram', vocab: [['<pad>', 0]] }
    }
    expect(tokenizerKind(json)).toBe('Unigram (SentencePiece; Precompiled (as NFKC); Replace; Metaspace)')
  })
})
