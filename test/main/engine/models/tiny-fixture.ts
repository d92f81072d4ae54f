// The committed tiny real-architecture CLIP (tools/clip-export) and its PyTorch reference, for model tests.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** test/fixtures/tiny-clip: separate fp32 towers (text fixed at 77 tokens) + combined fp16 model_fp16.onnx. */
export const TINY_DIR = path.resolve(__dirname, '../../../fixtures/tiny-clip')

/** reference.json as written by tools/clip-export/reference.py. */
export interface Reference {
  embedDim: number
  contextLength: number
  imageSize: number
  parameterCount: { vision: number; text: number; logit_scale: number; total: number }
  pixels: { mean: number[]; std: number[] }
  images: Array<{ file: string; pixels: string; image_embeds: number[] }>
  captions: Array<{ text: string; input_ids: number[]; attention_mask: number[]; text_embeds: number[] }>
}

/** Parse a model folder's reference.json. */
export function loadReference(dir = TINY_DIR): Reference {
  return JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Reference
}

/** CHW float32 pixels of all reference images: (u8 / 255 - mean) / std, as torchvision's ToTensor + Normalize. */
export function referencePixels(ref: Reference, dir = TINY_DIR): Float32Array {
  const s = ref.imageSize
  const out = new Float32Array(ref.images.length * 3 * s * s)
  ref.images.forEach((image, i) => {
    const u8 = fs.readFileSync(path.join(dir, image.pixels))
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < s * s; p++) out[(i * 3 + c) * s * s + p] = (u8[p * 3 + c] / 255 - ref.pixels.mean[c]) / ref.pixels.std[c]
    }
  })
  return out
}

/** Token ids and attention masks of the reference captions, row-major n × L. */
export function referenceTokens(ref: Reference): { ids: BigInt64Array; mask: BigInt64Array; n: number; L: number } {
  const L = ref.captions[0].input_ids.length
  return {
    ids: BigInt64Array.from(ref.captions.flatMap((c) => c.input_ids.map(BigInt))),
    mask: BigInt64Array.from(ref.captions.flatMap((c) => c.attention_mask.map(BigInt))),
    n: ref.captions.length,
    L
  }
}

/** Cosine similarity of row `row` of a flat n × d matrix with `expected`. */
export function cosineRow(flat: Float32Array, row: number, expected: number[]): number {
  const d = expected.length
  let dot = 0
  let a = 0
  let b = 0
  for (let j = 0; j < d; j++) {
    const x = flat[row * d + j]
    dot += x * expected[j]
    a += x * x
    b += expected[j] * expected[j]
  }
  return dot / Math.sqrt(a * b)
}

/** A temp copy of the fixture folder (optionally dropping some relative paths), removed by cleanup(). */
export function copyTiny(drop: string[] = []): { dir: string; root: string; cleanup(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-models-'))
  const dir = path.join(root, 'tiny-clip')
  fs.cpSync(TINY_DIR, dir, { recursive: true })
  for (const rel of drop) fs.rmSync(path.join(dir, rel), { recursive: true, force: true })
  return { dir, root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) }
}
