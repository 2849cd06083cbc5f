#!/usr/bin/python3
"""Writes small ONNX models for the recognition tests (no weights can be
downloaded here): OUT_DIR/sface.onnx, shaped as OpenCV's FaceRecognizerSF
expects (input 1x3x112x112, a 128-float feature out: the mean of each
colour through a fixed 3x128 matrix); OUT_DIR/yunet.onnx, shaped as OpenCV
4.6's FaceDetectorYN expects at 160x160 (outputs loc, conf and iou, one
row a prior), which finds one face, always the same: a 64-pixel box at the
picture's centre with its eyes, nose and mouth corners in place; and
OUT_DIR/not-a-model.onnx (bytes that are no ONNX model)."""
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
# YuNet at 160x160: the priors of OpenCV's FaceDetectorYNImpl::generatePriors
W = H = 160
fm2 = ((W + 1) // 2 // 2, (H + 1) // 2 // 2)
fms = [(fm2[0] // 2, fm2[1] // 2)]
for _ in range(3):
    fms.append((fms[-1][0] // 2, fms[-1][1] // 2))
min_sizes = [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]]
steps = [8, 16, 32, 64]
priors = []
for (fw, fh), sizes, step in zip(fms, min_sizes, steps):
    for y in range(fh):
        for x in range(fw):
            for s in sizes:
                priors.append(((x + 0.5) * step / W, (y + 0.5) * step / H, s / W, s / H))
n = len(priors)
loc = np.zeros((n, 14), np.float32)
conf = np.zeros((n, 2), np.float32)
conf[:, 0] = 1
iou = np.zeros((n, 1), np.float32)
# the face: the 64-pixel prior nearest the centre, its landmarks spread in
# units of 0.1 prior widths (6.4 px) around the centre
best = min((i for i, p in enumerate(priors) if abs(p[2] * W - 64) < 1e-3),
           key=lambda i: (priors[i][0] - 0.5) ** 2 + (priors[i][1] - 0.5) ** 2)
loc[best, 4:14] = [-2, -1.5, 2, -1.5, 0, 0.5, -1.5, 2, 1.5, 2]
conf[best] = [0, 1]
iou[best] = 1
def yunet_model(loc, conf, iou):
    nodes = [helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
             helper.make_node("Flatten", ["pooled"], ["means"], axis=1)]
    inits = []
    for name, arr in (("loc", loc), ("conf", conf), ("iou", iou)):
        ns, init = const_out(name, arr)
        nodes += ns
        inits += init
    g = helper.make_graph(
        nodes, "tiny-yunet", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, H, W])],
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(a.shape)) for k, a in (("loc", loc), ("conf", conf), ("iou", iou))],
        initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)])
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m
def const_out(name, arr):
    # the constant plus 0 x the input's mean: an output that depends on the input
    # (1 x 3 colour means) x (3 x size zeros) + the constant, reshaped
    size = int(arr.size)
    return [
        helper.make_node("MatMul", ["means", name + "_w"], [name + "_z"]),
        helper.make_node("Add", [name + "_z", name + "_c"], [name + "_flat"]),
        helper.make_node("Reshape", [name + "_flat", name + "_shape"], [name]),
    ], [numpy_helper.from_array(np.zeros((3, size), np.float32), name + "_w"),
        numpy_helper.from_array(arr.reshape(1, size), name + "_c"),
        numpy_helper.from_array(np.array(arr.shape, np.int64), name + "_shape")]
onnx.save(yunet_model(loc, conf, iou), os.path.join(out, "yunet.onnx"))
# and one that never finds a face
no_conf = np.zeros((n, 2), np.float32)
no_conf[:, 0] = 1
onnx.save(yunet_model(loc, no_conf, np.zeros((n, 1), np.float32)), os.path.join(out, "yunet-blind.onnx"))
with open(os.path.join(out, "not-a-model.onnx"), "wb") as f:
    f.write(b"this is not a protobuf\n" * 10)
