// logitAffines on hand-built node lists: the shapes a constant-folded combined export takes (SigLIP with a bias,
// CLIP without, operands in either order, a Constant node instead of an initializer) and the shapes it must refuse;
// then the same read from ONNX files (tools/clip-export/folded_logits.py) and checked against onnxruntime's output.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSession, readOnnxInfo } from '../../../../src/main/engine/models'
import { logitAffines, type GraphNode } from '../../../../src/main/engine/models/logit-affine'

const node = (op: string, inputs: string[], outputs: string[]): GraphNode => ({ op, inputs, outputs })
const OUTPUTS = ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds']

/** SiglipModel.forward after folding: text @ imageᵀ → Mul(s) → Add(b) = logits_per_text, transposed for images. */
function siglipNodes(mul: [string, string] = ['prod', 'onnx::Mul_9'], add: [string, string] = ['scaled', 'logit_bias']): GraphNode[] {
  return [
    node('Transpose', ['image_embeds'], ['image_t']),
    node('MatMul', ['text_embeds', 'image_t'], ['prod']),
    node('Mul', mul, ['scaled']),
    node('Add', add, ['logits_per_text']),
    node('Transpose', ['logits_per_text'], ['logits_per_image'])
  ]
}

describe('logitAffines', () => {
  const scalars: Record<string, number> = { 'onnx::Mul_9': 12.5, logit_bias: -6.75 }
  const scalarOf = (n: string): number | null => scalars[n] ?? null

  it('reads exp(t) and b off both logits outputs of a folded SigLIP graph', () => {
    const want = { multiplier: 12.5, multiplierName: 'onnx::Mul_9', bias: -6.75, biasName: 'logit_bias' }
    expect(logitAffines(siglipNodes(), OUTPUTS, scalarOf)).toEqual({ logits_per_image: want, logits_per_text: want })
  })

  it('takes the scalars in either operand position', () => {
    const found = logitAffines(siglipNodes(['onnx::Mul_9', 'prod'], ['logit_bias', 'scaled']), OUTPUTS, scalarOf)
    expect(found.logits_per_text).toEqual({ multiplier: 12.5, multiplierName: 'onnx::Mul_9', bias: -6.75, biasName: 'logit_bias' })
  })

  it('reads a CLIP graph with no bias, and a scalar held by a Constant node (the caller resolves its value)', () => {
    const nodes = [node('MatMul', ['text_embeds', 'image_t'], ['prod']), node('Mul', ['prod', 'c0'], ['logits_per_text'])]
    const found = logitAffines(nodes, OUTPUTS, (n) => (n === 'c0' ? 100 : null))
    expect(found).toEqual({ logits_per_text: { multiplier: 100, multiplierName: 'c0', bias: null, biasName: null } })
  })

  it('refuses graphs of any other shape rather than guess', () => {
    // Exp still in the graph (unfolded): the multiplier is not a known scalar.
    const unfolded = [...siglipNodes().slice(0, 2), node('Exp', ['logit_scale'], ['s']), node('Mul', ['prod', 's'], ['scaled']), ...siglipNodes().slice(3)]
    expect(logitAffines(unfolded, OUTPUTS, scalarOf)).toEqual({})
    // The scaled value does not come from the image–text product.
    const notProduct = siglipNodes().map((n) => (n.op === 'MatMul' ? node('Add', n.inputs, n.outputs) : n))
    expect(logitAffines(notProduct, OUTPUTS, scalarOf)).toEqual({})
    // A bias that is a tensor, not a scalar.
    expect(logitAffines(siglipNodes(undefined, ['scaled', 'bias_vector']), OUTPUTS, scalarOf)).toEqual({})
    // Outputs not named as logits are never read.
    expect(logitAffines(siglipNodes(), ['text_embeds'], scalarOf)).toEqual({})
  })
})

describe('folded logits heads read from the protobuf (tools/clip-export/folded_logits.py)', () => {
  const DIR = path.resolve(__dirname, '../../../fixtures/folded-logits')
  const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, { multiplier: number; bias: number | null }>

  it.each(Object.keys(expected))("%s: the scalars read are the generator's and reproduce onnxruntime's logits", async (name) => {
    const info = await readOnnxInfo(path.join(DIR, name))
    const e = expected[name]
    for (const out of ['logits_per_image', 'logits_per_text']) expect(info.logitAffine[out]).toMatchObject({ multiplier: e.multiplier, bias: e.bias })
    const [T, I, D] = [3, 2, 4]
    const text = Float32Array.from({ length: T * D }, (_, k) => Math.sin(k + 1))
    const image = Float32Array.from({ length: I * D }, (_, k) => Math.cos(3 * k))
    const session = await createSession(path.join(DIR, name), { providers: ['cpu'], intraOpNumThreads: 1 })
    try {
      const out = await session.run({ text_embeds: { data: text, dims: [T, D] }, image_embeds: { data: image, dims: [I, D] } })
      const a = info.logitAffine.logits_per_text
      for (let t = 0; t < T; t++)
        for (let i = 0; i < I; i++) {
          let dot = 0
          for (let k = 0; k < D; k++) dot += text[t * D + k] * image[i * D + k]
          expect(out.logits_per_text.data[t * I + i]).toBeCloseTo(a.multiplier * dot + (a.bias ?? 0), 3)
        }
    } finally {
      await session.dispose()
    }
  })
})
