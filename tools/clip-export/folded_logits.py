#!/usr/bin/env python3
"""Write the two-input logits heads a constant-folded combined export ends in, with the scalar held by Constant nodes.

  /usr/bin/python3 tools/clip-export/folded_logits.py --out test/fixtures/folded-logits

torch.onnx folds `logit_scale.exp()` into an initializer (export_siglip.py --fold-combined); other exporters and
optimizers keep folded scalars as Constant nodes instead. Each graph takes text_embeds [T, D] and image_embeds [I, D]
and outputs logits_per_text = s * (text_embeds @ image_embeds^T) + b and its transpose logits_per_image:
  constant-tensor.onnx: s from a Constant node's `value` tensor (0-d), b a named initializer, Mul(prod, s), Add(x, b);
  constant-float.onnx:  s from a Constant node's `value_float`, b a Constant `value` tensor, operands reversed;
  no-bias.onnx:         CLIP's head: s only (a Constant `value` tensor), no Add.
expected.json gives s and b; test/main/engine/models/logit-affine.test.ts checks the values read from the protobuf
against them and against what onnxruntime computes with the graphs.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

GRAPHS = {
    'constant-tensor.onnx': {'s': 117.33, 'b': -12.93, 'how': 'tensor', 'reversed': False, 'bias': 'initializer'},
    'constant-float.onnx': {'s': 12.5, 'b': -6.75, 'how': 'float', 'reversed': True, 'bias': 'constant'},
    'no-bias.onnx': {'s': 100.0, 'b': None, 'how': 'tensor', 'reversed': False, 'bias': None},
}


def head(spec):
    s, b = spec['s'], spec['b']
    nodes, inits = [], []
    if spec['how'] == 'tensor':
        nodes.append(helper.make_node('Constant', [], ['onnx::Mul_7'], value=numpy_helper.from_array(np.array(s, np.float32))))
    else:
        nodes.append(helper.make_node('Constant', [], ['onnx::Mul_7'], value_float=s))
    nodes += [helper.make_node('Transpose', ['image_embeds'], ['image_t']),
              helper.make_node('MatMul', ['text_embeds', 'image_t'], ['prod'])]
    mul_in = ['onnx::Mul_7', 'prod'] if spec['reversed'] else ['prod', 'onnx::Mul_7']
    scaled = 'scaled' if b is not None else 'logits_per_text'
    nodes.append(helper.make_node('Mul', mul_in, [scaled]))
    if b is not None:
        if spec['bias'] == 'initializer':
            inits.append(numpy_helper.from_array(np.array(b, np.float32), 'logit_bias'))
        else:
            nodes.append(helper.make_node('Constant', [], ['logit_bias'], value=numpy_helper.from_array(np.array(b, np.float32))))
        add_in = ['logit_bias', scaled] if spec['reversed'] else [scaled, 'logit_bias']
        nodes.append(helper.make_node('Add', add_in, ['logits_per_text']))
    nodes.append(helper.make_node('Transpose', ['logits_per_text'], ['logits_per_image']))
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, 'folded_logits',
        [helper.make_tensor_value_info('text_embeds', f, ['T', 4]), helper.make_tensor_value_info('image_embeds', f, ['I', 4])],
        [helper.make_tensor_value_info('logits_per_image', f, ['I', 'T']), helper.make_tensor_value_info('logits_per_text', f, ['T', 'I'])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='mia-workbench folded_logits.py')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, spec in GRAPHS.items():
        onnx.save(head(spec), os.path.join(a.out, name))
    expected = {name: {'multiplier': float(np.float32(spec['s'])), 'bias': None if spec['b'] is None else float(np.float32(spec['b']))}
                for name, spec in GRAPHS.items()}
    with open(os.path.join(a.out, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
