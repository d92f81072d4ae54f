// Caption tokenization against CLIP's own ids, using the real CLIP vocabulary in ../shared/fixtures/clip-tokenizer.

import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { loadTokenizer, tokenize, type CaptionTokenizer, type TokenizedBatch } from '../../../../src/main/engine/preprocess'

const repoRoot = path.resolve(__dirname, '../../../..')
const CLIP_DIR = path.resolve(repoRoot, '../shared/fixtures/clip-tokenizer')
const haveClip = existsSync(path.join(CLIP_DIR, 'tokenizer.json'))
if (!haveClip) console.log(`SKIPPED CLIP tokenizer tests: ${CLIP_DIR} is absent (the shared fixtures folder is not next to the repo).`)

const reference = JSON.parse(readFileSync(path.resolve(__dirname, '../../../fixtures/preprocess/clip-token-ids.json'), 'utf8')) as {
  cases: Array<{ caption: string; ids: number[]; truncated: boolean }>
}

// transformers tests/models/clip/test_tokenization_clip.py: input_string and expected_token_ids
// (openai/clip-vit-base-patch32), reproduced here as test data.
const HF_INPUT = `This is a test
I was born in 92000, and this is falsé.
生活的真谛是
Hi  Hello
Hi   Hello

 
  
 Hello
<s>
hi<s>there
The following string should be properly encoded: Hello.
But ird and ปี   ird   ด
Hey how are you doing`
const HF_IDS = [
  49406, 589, 533, 320, 1628, 328, 739, 2683, 530, 280, 273, 271, 271, 271, 267, 537, 589, 533, 2778, 82, 4166, 269, 33375, 162, 112, 119, 163, 248, 226, 41570, 164, 108, 249, 42891, 363, 1883, 3306,
  1883, 3306, 3306, 283, 338, 285, 1883, 283, 338, 285, 997, 518, 3473, 9696, 1535, 655, 12560, 524, 33703, 281, 3306, 269, 767, 2770, 537, 1777, 505, 20278, 2770, 38825, 2189, 829, 631, 592, 1960,
  49407
]

const row = (b: TokenizedBatch, i: number, L = 77): number[] => Array.from(b.ids.subarray(i * L, (i + 1) * L), Number)
const kept = (b: TokenizedBatch, i: number, L = 77): number[] => row(b, i, L).slice(0, b.lengths[i])

describe.skipIf(!haveClip)('CLIP tokenizer (real vocabulary)', () => {
  let tok: CaptionTokenizer
  beforeAll(async () => {
    tok = await loadTokenizer(CLIP_DIR)
  })

  it('reads context length, pad id and special tokens from the model files', () => {
    expect([tok.contextLength, tok.padId, tok.prefix, tok.suffix]).toEqual([77, 49407, [49406], [49407]])
  })

  it('"a photo of a cat" → 49406 320 1125 539 320 2368 49407, padded with 49407 to 77', () => {
    const b = tokenize(tok, ['a photo of a cat', 'a photo of a dog'])
    expect(kept(b, 0)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407])
    expect(kept(b, 1)).toEqual([49406, 320, 1125, 539, 320, 1929, 49407])
    expect(row(b, 0).slice(7)).toEqual(new Array(70).fill(49407))
    expect(Array.from(b.attentionMask.subarray(0, 77), Number)).toEqual([...new Array(7).fill(1), ...new Array(70).fill(0)])
    expect(b.ids.length).toBe(2 * 77)
  })

  it("matches transformers' CLIP integration test (unicode, Thai, CJK, whitespace runs)", () => {
    expect(kept(tokenize(tok, [HF_INPUT]), 0)).toEqual(HF_IDS)
  })

  it('matches the independent Python BPE reference on every caption', () => {
    const b = tokenize(
      tok,
      reference.cases.map((c) => c.caption)
    )
    reference.cases.forEach((c, i) => {
      expect(kept(b, i), c.caption).toEqual(c.ids)
      expect(b.truncated[i], c.caption).toBe(c.truncated)
    })
  })

  it('truncates long captions to 77 keeping <|endoftext|> at position 76', () => {
    const b = tokenize(tok, ['a cat '.repeat(200)])
    expect(b.truncated[0]).toBe(true)
    expect(b.lengths[0]).toBe(77)
    expect(row(b, 0)[0]).toBe(49406)
    expect(row(b, 0)[76]).toBe(49407)
    expect(row(b, 0).slice(1, 5)).toEqual([320, 2368, 320, 2368])
  })

  it('empty and whitespace-only captions are start + end', () => {
    const b = tokenize(tok, ['', ' \n\t '])
    expect([kept(b, 0), kept(b, 1)]).toEqual([
      [49406, 49407],
      [49406, 49407]
    ])
  })

  it('non-UTF-8 bytes and lone surrogates become U+FFFD and are flagged, not thrown', () => {
    const bytes = new Uint8Array([0x61, 0x20, 0xff, 0xfe, 0x20, 0x63, 0x61, 0x74])
    const b = tokenize(tok, [bytes, 'a \uFFFD\uFFFD cat', 'a \uD800 cat', 'a \uFFFD cat', new TextEncoder().encode('a photo of a cat')])
    expect(b.invalidText).toEqual([true, false, true, false, false])
    expect(kept(b, 0)).toEqual(kept(b, 1))
    expect(kept(b, 2)).toEqual(kept(b, 3))
    expect(kept(b, 4)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407])
  })

  it('10,000-character captions are cut quickly and flagged, with the same ids as the full text', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i % 97}x`).join(' ')
    const cases = [words, 'a'.repeat(10_000), '😂'.repeat(5000), '!'.repeat(10_000), ' '.repeat(9_990) + 'a cat', 'x'.repeat(200_000)]
    const t0 = performance.now()
    const b = tokenize(tok, cases)
    const ms = performance.now() - t0
    console.log(`tokenize ${cases.length} long captions (10k–200k chars): ${ms.toFixed(0)} ms`)
    expect(ms).toBeLessThan(5000)
    expect(b.truncated).toEqual([true, true, true, true, false, true])
    for (let i = 0; i < cases.length; i++) expect(row(b, i)[b.lengths[i] - 1]).toBe(49407)
    expect(kept(b, 4)).toEqual([49406, 320, 2368, 49407])
    const full = tok.tokenizer.encode(words, { add_special_tokens: false }).ids.slice(0, 75)
    expect(kept(b, 0)).toEqual([49406, ...full, 49407])
  })

  it('takes a shorter context length per call or at load', async () => {
    const b = tokenize(tok, ['a photo of a cat'], 5)
    expect([row(b, 0, 5), b.truncated[0]]).toEqual([[49406, 320, 1125, 539, 49407], true])
    const short = await loadTokenizer(CLIP_DIR, { contextLength: 16 })
    expect(tokenize(short, ['a']).ids.length).toBe(16)
  })

  it('loads from tokenizer.json text with the config text', async () => {
    const json = readFileSync(path.join(CLIP_DIR, 'tokenizer.json'), 'utf8')
    const cfg = readFileSync(path.join(CLIP_DIR, 'tokenizer_config.json'), 'utf8')
    const fromText = await loadTokenizer(json, { configJson: cfg })
    expect(kept(tokenize(fromText, ['a photo of a cat']), 0)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407])
  })
})

describe('loadTokenizer errors', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mia-tokenizer-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function expectBadModel(source: string, pattern: RegExp): Promise<void> {
    const err = await loadTokenizer(source).then(
      () => null,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(WorkbenchError)
    expect((err as WorkbenchError).code).toBe('bad-model')
    expect((err as WorkbenchError).message).toMatch(pattern)
    expect((err as WorkbenchError).hint).toMatch(/Re-export/)
  }

  it('a folder without tokenizer.json', async () => {
    await expectBadModel(dir, /no readable tokenizer\.json/)
  })

  it('a tokenizer.json that does not parse', async () => {
    await writeFile(path.join(dir, 'tokenizer.json'), '{"version": "1.0", "model": {"type": "BPE", "vocab": {')
    await expectBadModel(dir, /tokenizer\.json does not parse: .*; re-export the model's tokenizer/)
  })

  it('a tokenizer.json with an unknown model type', async () => {
    await writeFile(path.join(dir, 'tokenizer.json'), '{"version": "1.0", "model": {"type": "NoSuchModel"}}')
    await expectBadModel(dir, /tokenizer\.json cannot be used/)
  })
})

describe('loadTokenizer reuse', () => {
  const demo = path.resolve(repoRoot, 'resources/models/demo-clip-s')
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mia-tokenizer-reuse-'))
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) await writeFile(path.join(dir, f), readFileSync(path.join(demo, f)))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reuses a tokenizer for unchanged files and rebuilds it when a file or the context length changes', async () => {
    const a = await loadTokenizer(dir)
    expect(await loadTokenizer(dir)).toBe(a)
    const short = await loadTokenizer(dir, { contextLength: 8 })
    expect(short).not.toBe(a)
    expect(short.contextLength).toBe(8)
    // Same length, other content: the "emoji" token now has another piece's id, and the ids must follow the file.
    const json = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }
    const vocab = json.model.vocab
    const [x, y] = ['emoji', 'of'].map((t) => vocab[t])
    expect(x).not.toBe(y)
    ;[vocab.emoji, vocab.of] = [y, x]
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(json))
    const b = await loadTokenizer(dir)
    expect(b).not.toBe(a)
    expect(tokenize(b, ['an emoji of']).ids.slice(0, 5)).not.toEqual(tokenize(a, ['an emoji of']).ids.slice(0, 5))
  })
})
