// `mia models inspect` text for SigLIP exports: the layout, the tokenizer's kind and the score CSA reports (issue 18).
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { inspectionText } from '../../src/cli/model-commands'
import { describeModel, toModelInspection } from '../../src/main/engine/models'

const FIXTURES = path.resolve(__dirname, '../fixtures')

describe('models inspect text', () => {
  it('names the SigLIP layout, its Unigram tokenizer and the sigmoid score with t and b', async () => {
    const text = inspectionText(toModelInspection(await describeModel(path.join(FIXTURES, 'tiny-siglip'))))
    expect(text).toMatch(/^layout {9}siglip · separate · variant separate/m)
    expect(text).toMatch(/^tokenizer {6}tokenizer\.json · Unigram \(SentencePiece; Lowercase; Replace; Strip; Metaspace\)$/m)
    expect(text).toMatch(/^score {10}sigmoid\(12\.5000·cos − 6\.75000\) \(logit_scale 2\.52573, logit_bias -6\.75000; from onnx\/model\.onnx initializers logit_scale, logit_bias\)$/m)
  })

  it('names SigLIP 2 and its byte-fallback BPE, and CLIP keeps the cosine', async () => {
    const siglip2 = inspectionText(toModelInspection(await describeModel(path.join(FIXTURES, 'tiny-siglip2'))))
    expect(siglip2).toMatch(/^layout {9}siglip2 · /m)
    expect(siglip2).toMatch(/^tokenizer {6}tokenizer\.json · BPE \(byte fallback; Replace\)$/m)
    expect(siglip2).toMatch(/^embedding {6}symbolic \(read from the first batch\)/m)
    const clip = inspectionText(toModelInspection(await describeModel(path.join(FIXTURES, 'tiny-clip'))))
    expect(clip).toMatch(/^layout {9}huggingface · /m)
    expect(clip).toMatch(/^score {10}cosine ⟨ê_I, ê_T⟩$/m)
  })
})
