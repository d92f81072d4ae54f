"""Writes the WebGPU probe graph that src/main/engine/models/probe-graph.ts embeds as base64.

y = Relu(x @ W) with x: float32[1, 4] and W = arange(16) / 8 as a 4x4 initializer: one MatMul and one Relu,
both with WebGPU kernels, so a session on that provider compiles shaders and dispatches work in a few ms.
Run: /usr/bin/python3 tools/webgpu-probe/make_probe.py  (prints the base64 string)
"""
import base64

import numpy as np
import onnx
from onnx import TensorProto, helper

w = helper.make_tensor('w', TensorProto.FLOAT, [4, 4], (np.arange(16) / 8).astype('float32').tolist())
graph = helper.make_graph(
    [helper.make_node('MatMul', ['x', 'w'], ['m']), helper.make_node('Relu', ['m'], ['y'])],
    'probe',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4])],
    [w],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='mia-workbench')
model.ir_version = 8
onnx.checker.check_model(model)
print(base64.b64encode(model.SerializeToString()).decode())
