"""Tiny ONNX models built with onnx.helper for extractor tests (no files, no torch)."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IMAGE_SHAPE = (4, 4, 1)
FEATURE_DIM = 8


def image_model(
    input_name: str = "images",
    output_name: str = "features",
    dim: int = FEATURE_DIM,
    produce_nan: bool = False,
    seed: int = 0,
    scale: float = 1.0,
) -> bytes:
    """images float32 [batch, 4, 4, 1] → flatten → (× W + b) → features [batch, dim].

    With `produce_nan`, the output is multiplied by 0/0 (a NaN constant), so every value is NaN.
    """
    rng = np.random.default_rng(seed)
    flat = int(np.prod(IMAGE_SHAPE))
    weight = numpy_helper.from_array((scale * rng.normal(size=(flat, dim))).astype(np.float32), "W")
    bias = numpy_helper.from_array(rng.normal(size=(dim,)).astype(np.float32), "B")
    shape = numpy_helper.from_array(np.array([-1, flat], dtype=np.int64), "flat_shape")
    inits = [weight, bias, shape]
    nodes = [
        helper.make_node("Reshape", [input_name, "flat_shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "W"], ["proj"]),
        helper.make_node("Add", ["proj", "B"], ["pre" if produce_nan else output_name]),
    ]
    if produce_nan:
        inits.append(numpy_helper.from_array(np.array([np.nan], dtype=np.float32), "nan"))
        nodes.append(helper.make_node("Mul", ["pre", "nan"], [output_name]))
    graph = helper.make_graph(
        nodes, "tiny_image",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", *IMAGE_SHAPE])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", dim])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def image_metadata(name: str = "tiny-image", **overrides: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "name": name,
        "version": "1",
        "modality": "image",
        "input": {"name": "images", "dtype": "float32", "shape": [None, *IMAGE_SHAPE]},
        "output": {"name": "features", "dim": FEATURE_DIM},
        "preprocessing": {"input_range": [0, 255]},
    }
    meta.update(overrides)
    return meta


def image_reference(model: bytes, images: np.ndarray) -> np.ndarray:
    """What the model computes, in numpy (for exactness checks without onnxruntime)."""
    m = onnx.load_from_string(model)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    flat = images.reshape(len(images), -1).astype(np.float32)
    return flat @ inits["W"] + inits["B"]
