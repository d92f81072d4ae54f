// Where a combined CLIP/SigLIP graph keeps its trained temperature and bias once the exporter has folded constants
// (optimum exports with torch.onnx's do_constant_folding=True): SiglipModel.forward's
// `text @ image.T * logit_scale.exp() + logit_bias` becomes MatMul → Mul(·, s) → Add(·, b), and s = exp(t) is a
// scalar under a generated name ("onnx::Mul_…") while `logit_scale` itself is gone. tools/clip-export/export_siglip.py
// --fold-combined writes such a graph; docs/attacks.md "CSA" says how the score uses t and b.

/** One node as onnx-info reads it: operator, input and output value names. */
export interface GraphNode {
  op: string
  inputs: string[]
  outputs: string[]
}

/** logits = multiplier · (MatMul output) [+ bias], read off the graph; names are the scalars' value names. */
export interface LogitAffine {
  multiplier: number
  multiplierName: string
  /** null when the logits have no Add (CLIP); SigLIP's logit_bias. */
  bias: number | null
  biasName: string | null
}

/** The logits outputs of a combined export (optimum / transformers.js naming). */
export const LOGIT_OUTPUTS = ['logits_per_image', 'logits_per_text']

const PASS_THROUGH = new Set(['Transpose', 'Identity'])
const PRODUCTS = new Set(['MatMul', 'Gemm'])

/** The operand of a binary node that is a known scalar, and the other operand; null unless exactly one is. */
function splitScalar(node: GraphNode, scalarOf: (name: string) => number | null): { value: number; name: string; other: string } | null {
  if (node.inputs.length !== 2) return null
  const [a, b] = node.inputs.map((n) => scalarOf(n))
  if (a !== null && b === null) return { value: a, name: node.inputs[0], other: node.inputs[1] }
  if (b !== null && a === null) return { value: b, name: node.inputs[1], other: node.inputs[0] }
  return null
}

/**
 * For each logits output, the scalar multiplier and bias applied to the image–text product, following the output
 * back through Transpose/Identity to Add(scalar)? ← Mul(scalar) ← MatMul. Outputs of any other shape of graph are
 * left out: the caller then says that t and b were not found rather than guessing.
 */
export function logitAffines(nodes: GraphNode[], outputs: string[], scalarOf: (name: string) => number | null): Record<string, LogitAffine> {
  const producer = new Map<string, GraphNode>()
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n)
  const found: Record<string, LogitAffine> = {}
  for (const out of outputs.filter((o) => LOGIT_OUTPUTS.includes(o))) {
    let node = producer.get(out)
    for (let hops = 0; node && PASS_THROUGH.has(node.op) && hops < 4; hops++) node = producer.get(node.inputs[0])
    let bias: { value: number; name: string } | null = null
    if (node?.op === 'Add') {
      const split = splitScalar(node, scalarOf)
      if (!split) continue
      bias = split
      node = producer.get(split.other)
    }
    if (node?.op !== 'Mul') continue
    const scale = splitScalar(node, scalarOf)
    if (!scale || !PRODUCTS.has(producer.get(scale.other)?.op ?? '')) continue
    found[out] = { multiplier: scale.value, multiplierName: scale.name, bias: bias?.value ?? null, biasName: bias?.name ?? null }
  }
  return found
}
