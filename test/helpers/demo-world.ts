// The committed demo world (emoji-demo dataset, demo-clip models) read through the app's own engine code:
// datasets (openDataset), preprocess (decodeImage, preprocessInto, loadTokenizer, tokenize), models (ModelRegistry)
// and attacks (l2NormalizeRows). Only the zero-shot retrieval rate has no engine counterpart and is computed here.

import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { l2NormalizeRows } from '../../src/main/engine/attacks'
import { openDataset, type Item } from '../../src/main/engine/datasets'
import type { ClipModel } from '../../src/main/engine/models'
import { decodeImage, loadTokenizer, preprocessInto, readPreprocessorConfig, tokenize, type CaptionTokenizer, type ImagePreprocessConfig, type RgbImage } from '../../src/main/engine/preprocess'

/** Repository root (two folders above test/helpers). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The demo dataset folder. */
export const datasetDir = path.join(repoRoot, 'resources/datasets/emoji-demo')
/** The bundled models folder holding the demo models. */
export const modelsDir = path.join(repoRoot, 'resources/models')
/** The demo model names, small first. */
export const demoModels = ['demo-clip-s', 'demo-clip-l'] as const
/** Fixtures written by the generator (tools/demo-world/train.py). */
export const fixturesDir = path.join(repoRoot, 'tools/demo-world/fixtures')

/** Parsed JSON file of a model folder. */
export function readModelJson<T = Record<string, unknown>>(model: string, file: string): T {
  return JSON.parse(readFileSync(path.join(modelsDir, model, file), 'utf8')) as T
}

/** Raw torch embeddings of a few items, as tools/demo-world/export.py writes them. */
export interface EmbeddingFixture {
  model: string
  items: Array<{ id: string; caption: string; image_embeds: number[]; text_embeds: number[] }>
}

/**
 * Embeds the fixture's items through the app (decode, preprocess, tokenize, ONNX) with the model folder `dir`, and
 * returns the captions found for its ids and the largest absolute deviation from the Python embeddings per tower.
 */
export async function fixtureDeviation(model: ClipModel, dir: string, fixture: EmbeddingFixture, items: Item[]): Promise<{ captions: string[]; image: number; text: number }> {
  const config = readPreprocessorConfig(readFileSync(path.join(dir, 'preprocessor_config.json'), 'utf8'))
  const chosen = fixture.items.map((f) => items.find((i) => i.id === f.id)!)
  const img = await model.embedImages(pixelBatch(await Promise.all(chosen.map((i) => decodeFile(i.imagePath, i.id))), config), chosen.length)
  const tok = await loadTokenizer(dir)
  const batch = tokenize(
    tok,
    chosen.map((i) => i.caption)
  )
  const txt = await model.embedTexts(batch.ids, batch.attentionMask, chosen.length, tok.contextLength)
  const worst = (got: Float32Array, want: number[][]): number => Math.max(...want.flat().map((w, k) => Math.abs(w - got[k])))
  return {
    captions: chosen.map((i) => i.caption),
    image: worst(
      img,
      fixture.items.map((f) => f.image_embeds)
    ),
    text: worst(
      txt,
      fixture.items.map((f) => f.text_embeds)
    )
  }
}

/** Parsed JSON file of tools/demo-world/fixtures. */
export function readFixture<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir, file), 'utf8')) as T
}

/** Every item of emoji-demo in manifest order, read with the app's dataset reader (throws on any reader error). */
export async function readDemoItems(): Promise<{ items: Item[]; hash: string }> {
  const dataset = await openDataset(datasetDir)
  const items: Item[] = []
  for await (const item of dataset.items()) items.push(item)
  return { items, hash: dataset.info.hash }
}

/** Decode one image file with the app's decoder (PIL semantics, 8-bit RGB). */
export async function decodeFile(file: string, itemId: string): Promise<RgbImage> {
  return decodeImage(await readFile(file), { itemId })
}

/** CLIP-preprocess decoded images into one N×3×H×W batch, as the app does before embedding. */
export function pixelBatch(images: RgbImage[], config: ImagePreprocessConfig): Float32Array {
  const plane = 3 * config.cropSize.height * config.cropSize.width
  const out = new Float32Array(images.length * plane)
  images.forEach((img, i) => preprocessInto(img, config, out, i * plane))
  return out
}

/** L2-normalised image embeddings (n × dim) of a preprocessed batch. */
export async function imageEmbeddings(model: ClipModel, pixels: Float32Array, n: number): Promise<Float32Array> {
  return l2NormalizeRows(await model.embedImages(pixels, n), n, model.dim)
}

/** L2-normalised text embeddings (n × dim) of captions, tokenized with the model's tokenizer. */
export async function textEmbeddings(model: ClipModel, tok: CaptionTokenizer, captions: string[]): Promise<Float32Array> {
  const batch = tokenize(tok, captions)
  return l2NormalizeRows(await model.embedTexts(batch.ids, batch.attentionMask, captions.length, tok.contextLength), captions.length, model.dim)
}

/**
 * Zero-shot retrieval: the fraction of `rows` (image i with own caption own[i]) whose own caption ranks in the top
 * `k` of all captions by cosine (ties against the own caption count in its favour). Embeddings are unit rows.
 */
export function topKRate(img: Float32Array, txt: Float32Array, dim: number, rows: number[], own: number[], k: number): number {
  const nCaptions = txt.length / dim
  const sim = (i: number, c: number): number => {
    let s = 0
    for (let j = 0; j < dim; j++) s += img[i * dim + j] * txt[c * dim + j]
    return s
  }
  let hits = 0
  for (const i of rows) {
    const mine = sim(i, own[i])
    let better = 0
    for (let c = 0; c < nCaptions && better < k; c++) if (sim(i, c) > mine) better++
    if (better < k) hits++
  }
  return hits / rows.length
}
