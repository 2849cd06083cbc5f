#!/usr/bin/python3
"""Writes small ONNX models for the recognition tests (no weights can be
downloaded here): OUT_DIR/sface.onnx, shaped as OpenCV's FaceRecognizerSF
expects (input 1x3x112x112, a 128-float feature out: the mean of each
colour through a fixed 3x128 matrix), and OUT_DIR/not-a-model.onnx
(bytes that are no ONNX model)."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
w = numpy_helper.from_array(rng.standard_normal((3, 128)).astype(np.float32), "w")
b = numpy_helper.from_array(rng.standard_normal(128).astype(np.float32), "b")
graph = helper.make_graph(
    [
        helper.make_node("ReduceMean", ["data"], ["mean"], axes=[2, 3], keepdims=0),
        helper.make_node("MatMul", ["mean", "w"], ["proj"]),
        helper.make_node("Add", ["proj", "b"], ["fc1"]),
    ],
    "tiny-sface",
    [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 3, 112, 112])],
    [helper.make_tensor_value_info("fc1", TensorProto.FLOAT, [1, 128])],
    initializer=[w, b],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "sface.onnx"))
with open(os.path.join(out, "not-a-model.onnx"), "wb") as f:
    f.write(b"this is not a protobuf\n" * 10)
