// SigLIP 2 was trained on lowercased captions and its exported tokenizer.json does not lowercase (a plain Gemma
// tokenizer), so the workbench lowercases before tokenizing, as transformers' Siglip2Tokenizer does. Checked here
// against the tokenizer and the text tower run by hand on the lowercased caption; SigLIP (v1) is left as written.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDataset, type Item } from '../../../../src/main/engine/datasets'
import { ModelRegistry } from '../../../../src/main/engine/models'
import { loadTokenizer, tokenize } from '../../../../src/main/engine/preprocess'
import { embedItems } from '../../../../src/main/engine/runner'
import { openWorkspaceStore, type WorkspaceStore } from '../../../../src/main/engine/store'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir } from '../../../helpers/workspace'

const SIGLIP2 = path.resolve('test/fixtures/tiny-siglip2')
const SIGLIP = path.resolve('test/fixtures/tiny-siglip')
const ws = tempDir('mia-siglip2-case-')
const registry = new ModelRegistry()
let store: WorkspaceStore
let items: Item[]

beforeAll(async () => {
  const dir = await miniDataset(path.join(ws.dir, 'mini'), { members: 2, nonmembers: 1, reference: 0 })
  const all: Item[] = []
  for await (const it of (await openDataset(dir)).items()) all.push(it)
  // One image under a caption as written and under its lowercase form.
  items = [
    { ...all[0], id: 'upper', caption: 'An EMOJI of a Grinning CAT' },
    { ...all[0], id: 'lower', caption: 'an emoji of a grinning cat' }
  ]
  store = openWorkspaceStore(path.join(ws.dir, 'workspace'))
}, 60_000)

afterAll(async () => {
  store?.close()
  await registry.dispose()
  ws.cleanup()
})

const l2 = (v: Float32Array): Float32Array => {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

describe('SigLIP 2 captions', () => {
  it('are lowercased before tokenization: one embedding for both spellings, equal to the tower run on the lowercase ids', async () => {
    const model = await registry.open(SIGLIP2)
    expect(model.description.captionCase).toBe('lowercase')
    const emb = await embedItems({ model, items, store, bank: null, seed: 0, preprocessThreads: 0, emit: () => undefined })
    expect(emb.computed.text).toBe(1)
    const upper = emb.text('upper')!
    expect(Array.from(emb.text('lower')!)).toEqual(Array.from(upper))

    const tok = await loadTokenizer(SIGLIP2, { contextLength: model.description.contextLength! })
    const asWritten = tokenize(tok, [items[0].caption])
    const lowered = tokenize(tok, [items[0].caption.toLowerCase()])
    // Gemma's pieces are case-sensitive: without lowercasing the ids, and the embedding, would differ.
    expect(Array.from(asWritten.ids)).not.toEqual(Array.from(lowered.ids))
    const byHand = l2(await model.embedTexts(lowered.ids, lowered.attentionMask, 1, tok.contextLength))
    upper.forEach((x, i) => expect(x).toBeCloseTo(byHand[i], 6))
    const unlowered = l2(await model.embedTexts(asWritten.ids, asWritten.attentionMask, 1, tok.contextLength))
    expect(Math.max(...upper.map((x, i) => Math.abs(x - unlowered[i])))).toBeGreaterThan(1e-3)
  })

  it('SigLIP (v1) keeps captions as written', async () => {
    const model = await registry.open(SIGLIP)
    expect(model.description.captionCase).toBeNull()
  })
})
