#!/usr/bin/env python3
"""Single-node MatMulNBits / MatMulBnb4 graphs and their numpy results, for test/main/engine/models/quant4.test.ts.

  /usr/bin/python3 tools/clip-export/quant4_fixture.py --out test/fixtures/quant4-ops

Each case is Y = A @ W with W quantized by quant4.py; expected.json holds A and the numpy product with the
dequantized weights (float64), so the test checks that onnxruntime reads the bytes exactly as quant4.py wrote
them (nibble order, block layout, scales, code book). Shapes include a partial last block and an odd N*K.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

from quant4 import bnb4_node, q4_node

CASES = [
    # name, mode, K, N, block, bnb4 kind
    ('q4-block32', 'q4', 200, 24, 32, None),
    ('q4-block128', 'q4', 200, 24, 128, None),
    ('bnb4-nf4', 'bnb4', 33, 7, 64, 'nf4'),
    ('bnb4-fp4', 'bnb4', 96, 16, 64, 'fp4'),
]
M = 3


def build(mode, k, n, block, kind, w):
    make = q4_node if mode == 'q4' else bnb4_node
    args = (block,) if mode == 'q4' else (block, kind)
    node, inits, deq = make('W', 'A', 'Y', w, *args)
    graph = helper.make_graph([node], 'quant4', [helper.make_tensor_value_info('A', TensorProto.FLOAT, ['m', k])],
                              [helper.make_tensor_value_info('Y', TensorProto.FLOAT, ['m', n])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('com.microsoft', 1)])
    model.ir_version = 8
    return model, deq


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(18)
    expected = {}
    for name, mode, k, n, block, kind in CASES:
        w = rng.standard_normal((k, n)).astype(np.float32) * 0.05
        x = rng.standard_normal((M, k)).astype(np.float32)
        model, deq = build(mode, k, n, block, kind, w)
        onnx.save(model, os.path.join(a.out, name + '.onnx'))
        y = x.astype(np.float64) @ deq.astype(np.float64)
        exact = x.astype(np.float64) @ w.astype(np.float64)
        expected[name] = {'K': k, 'N': n, 'M': M, 'block': block, 'A': x.reshape(-1).tolist(), 'Y': y.reshape(-1).tolist(),
                          'maxAbsDequantizeError': float(np.abs(deq - w).max()),
                          'cosineToFloat': float((y * exact).sum() / np.sqrt((y * y).sum() * (exact * exact).sum()))}
    with open(os.path.join(a.out, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for name, e in expected.items():
        print(f"{name}: max |w - deq(w)| {e['maxAbsDequantizeError']:.5f}, cos(Y, float Y) {e['cosineToFloat']:.6f}")


if __name__ == '__main__':
    main()
