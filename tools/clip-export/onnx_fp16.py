"""float32 -> float16 conversion of an ONNX graph, including its inputs and outputs.

Equivalent to onnxconverter-common's float16 conversion with keep_io_types=False (the shape of
`*_fp16.onnx` files in Hugging Face exports); onnxruntime inserts casts around CPU ops that lack
float16 kernels.
"""
import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

FLOAT, FLOAT16 = TensorProto.FLOAT, TensorProto.FLOAT16


def _tensor_to_fp16(t: onnx.TensorProto) -> None:
    if t.data_type != FLOAT:
        return
    with np.errstate(over='ignore'):
        arr = numpy_helper.to_array(t).astype(np.float16)
    t.CopyFrom(numpy_helper.from_array(arr, t.name))


def _value_infos(graph):
    yield from graph.input
    yield from graph.output
    yield from graph.value_info


def convert_to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    g = model.graph
    for init in g.initializer:
        _tensor_to_fp16(init)
    for node in g.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR:
                _tensor_to_fp16(attr.t)
            if node.op_type == 'Cast' and attr.name == 'to' and attr.i == FLOAT:
                attr.i = FLOAT16
    for vi in _value_infos(g):
        if vi.type.tensor_type.elem_type == FLOAT:
            vi.type.tensor_type.elem_type = FLOAT16
    return model
