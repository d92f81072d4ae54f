"""4-bit weight-only quantization as transformers.js publishes it (`*_q4.onnx`, `*_bnb4.onnx`), in numpy.

onnxruntime's Python quantizers (MatMul4BitsQuantizer, MatMulBnb4Quantizer) are not installed here, so the
com.microsoft contrib nodes are written by hand, with the tensor layouts onnxruntime's CPU kernels read
(contrib_ops/cpu/quantization/matmul_nbits.cc, matmul_bnb4.cc):

- q4, MatMulNBits: W [K, N] is stored transposed, per output column n in blocks of `block_size` along K:
  B uint8 [N, ceil(K / block), block / 2] (two 4-bit codes per byte, the lower k in the low nibble),
  scales float [N * ceil(K / block)], no zero_points input (symmetric: the kernel's default zero point 8).
  w = (q - 8) * scale; as onnxruntime's symmetric block quantizer, scale = (value of largest |w|) / -8, so
  that value is exactly q = 0 and the rest rounds into [0, 15].
- bnb4, MatMulBnb4: W^T [N, K] flattened, blocks of `block_size` elements, absmax float [ceil(N*K / block)],
  B uint8 [ceil(N*K / 2)] with the *first* element of a pair in the high nibble (bitsandbytes' order);
  w = table[q] * absmax, q the nearest entry of the NF4 (quant_type 1) or FP4 (quant_type 0) table.

`dequantize_*` give the float weights each node computes with; test fixtures compare onnxruntime against them.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

# bitsandbytes' NF4 code book (QLoRA, Dettmers et al. 2023) and its FP4 (e2m1) table, as onnxruntime's kernels hold them.
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], np.float32)
FP4 = np.array([0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25,
                -0.0, -0.005208333333, -0.66666667, -1.0, -0.33333333, -0.5, -0.16666667, -0.25], np.float32)
BNB4_TYPES = {'fp4': (0, FP4), 'nf4': (1, NF4)}


def q4_quantize(w, block):
    """W [K, N] float32 -> (B uint8 [N, blocks, block/2], scales float32 [N * blocks])."""
    k, n = w.shape
    blocks = -(-k // block)
    wt = np.zeros((n, blocks * block), np.float32)
    wt[:, :k] = w.T  # K padded with zeros up to a whole block, as onnxruntime's quantizer pads
    wb = wt.reshape(n, blocks, block)
    idx = np.abs(wb).argmax(axis=2)
    peak = np.take_along_axis(wb, idx[..., None], axis=2)[..., 0]
    scale = (peak / -8).astype(np.float32)
    safe = np.where(scale == 0, 1, scale)
    q = np.clip(np.rint(wb / safe[..., None]) + 8, 0, 15).astype(np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    return packed, scale.reshape(-1)


def q4_dequantize(packed, scales, k, block):
    n, blocks, _ = packed.shape
    q = np.empty((n, blocks, block), np.float32)
    q[..., 0::2] = packed & 0x0F
    q[..., 1::2] = packed >> 4
    w = (q - 8) * scales.reshape(n, blocks)[..., None]
    return w.reshape(n, blocks * block)[:, :k].T.copy()


def bnb4_quantize(w, block, table):
    """W [K, N] float32 -> (B uint8 [ceil(N*K/2)], absmax float32 [ceil(N*K/block)])."""
    flat = w.T.reshape(-1).astype(np.float32)
    numel = flat.size
    nblocks = -(-numel // block)
    padded = np.zeros(nblocks * block, np.float32)
    padded[:numel] = flat
    absmax = np.abs(padded.reshape(nblocks, block)).max(axis=1).astype(np.float32)
    safe = np.where(absmax == 0, 1, absmax)
    scaled = (padded.reshape(nblocks, block) / safe[:, None]).reshape(-1)
    q = np.abs(scaled[:, None] - table[None, :]).argmin(axis=1).astype(np.uint8)
    if q.size % 2:
        q = np.append(q, np.uint8(0))
    packed = ((q[0::2] << 4) | q[1::2]).astype(np.uint8)
    return packed[:(numel + 1) // 2], absmax


def bnb4_dequantize(packed, absmax, k, n, block, table):
    q = np.empty(packed.size * 2, np.uint8)
    q[0::2] = packed >> 4
    q[1::2] = packed & 0x0F
    q = q[:n * k]
    w = table[q] * np.repeat(absmax, block)[:n * k]
    return w.reshape(n, k).T.astype(np.float32)


def q4_node(name, a, out, w, block):
    """A MatMulNBits node and its initializers replacing MatMul(a, W)."""
    k, n = w.shape
    packed, scales = q4_quantize(w, block)
    inits = [numpy_helper.from_array(packed, name + '_Q4'), numpy_helper.from_array(scales, name + '_scales')]
    node = helper.make_node('MatMulNBits', [a, name + '_Q4', name + '_scales'], [out], name=name + '_Q4',
                            domain='com.microsoft', K=k, N=n, bits=4, block_size=block, accuracy_level=0)
    return node, inits, q4_dequantize(packed, scales, k, block)


def bnb4_node(name, a, out, w, block, kind):
    k, n = w.shape
    quant_type, table = BNB4_TYPES[kind]
    packed, absmax = bnb4_quantize(w, block, table)
    inits = [numpy_helper.from_array(packed, name + '_Bnb4'), numpy_helper.from_array(absmax, name + '_absmax')]
    node = helper.make_node('MatMulBnb4', [a, name + '_Bnb4', name + '_absmax'], [out], name=name + '_Bnb4',
                            domain='com.microsoft', K=k, N=n, block_size=block, quant_type=quant_type)
    return node, inits, bnb4_dequantize(packed, absmax, k, n, block, table)


def quantize_model(model, mode, block, kind='nf4'):
    """Replace every MatMul whose B is a 2-D float32 initializer by MatMulNBits (mode 'q4') or MatMulBnb4 ('bnb4').

    Gemm, Gather (token embedding) and Conv (patch embedding) stay float, as in the published q4/bnb4 files.
    Returns the number of MatMuls replaced.
    """
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    used = {}
    for node in g.node:
        for name in node.input:
            used[name] = used.get(name, 0) + 1
    replaced = 0
    nodes = []
    for node in g.node:
        t = inits.get(node.input[1]) if node.op_type == 'MatMul' and len(node.input) == 2 else None
        if t is None or t.data_type != TensorProto.FLOAT or len(t.dims) != 2:
            nodes.append(node)
            continue
        w = numpy_helper.to_array(t)
        make = q4_node if mode == 'q4' else bnb4_node
        args = (block,) if mode == 'q4' else (block, kind)
        new, new_inits, _ = make(node.name or t.name, node.input[0], node.output[0], w, *args)
        nodes.append(new)
        g.initializer.extend(new_inits)
        used[t.name] -= 1
        replaced += 1
    del g.node[:]
    g.node.extend(nodes)
    keep = [t for t in g.initializer if used.get(t.name, 1) > 0]
    del g.initializer[:]
    g.initializer.extend(keep)
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return replaced
