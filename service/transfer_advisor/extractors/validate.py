"""Is a candidate ONNX model what its metadata says? Checked before anything is stored.

A model is refused (ExtractorRejected, 422) unless it loads in onnxruntime, its declared input
and output names, dtypes and shapes match the graph, and a dry run on a small synthetic batch
gives finite outputs of the declared dim.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from ..errors import ExtractorRejected, FieldError, PayloadTooLarge
from .runtime import open_session, short_error
from .spec import ORT_TYPES, TEXT_INPUT_NAMES, ExtractorSpec
from .text import DEFAULT_MAX_LENGTH, TextTokenizer, synthetic_token_batch

FLOAT_OUTPUTS = {"tensor(float)", "tensor(double)", "tensor(float16)"}
DRY_RUN_ROWS = 2


@dataclass(frozen=True)
class ValidatedModel:
    """Content addresses of a model (and its tokenizer) that passed validation."""

    sha256: str
    tokenizer_sha256: str | None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate_model(model: bytes, spec: ExtractorSpec, tokenizer: bytes | None, *,
                   max_model_bytes: int, max_tokenizer_bytes: int) -> ValidatedModel:
    """Check a candidate model against its declared spec; raise ExtractorRejected (422) if not.

    The dry run feeds `DRY_RUN_ROWS` synthetic items (seeded) and needs finite float outputs
    of shape (rows, output_dim).
    """
    if len(model) > max_model_bytes:
        raise PayloadTooLarge.over("file", f"a model of {len(model)} bytes",
                                   "max_extractor_bytes", max_model_bytes)
    if tokenizer is not None and len(tokenizer) > max_tokenizer_bytes:
        raise PayloadTooLarge.over("tokenizer", f"{len(tokenizer)} bytes", "max_tokenizer_bytes",
                                   max_tokenizer_bytes)
    if not model:
        raise _reject("file", "is empty")
    try:
        session = open_session(model, intra_op_threads=1)
    except Exception as exc:  # onnxruntime raises several unrelated types for bad files
        raise _reject("file", f"does not load in onnxruntime: {short_error(exc)}") from None

    tok: TextTokenizer | None = None
    tok_sha: str | None = None
    if spec.modality == "text":
        if tokenizer is None:
            raise _reject("tokenizer", "a text extractor needs its tokenizer.json")
        try:
            tok = TextTokenizer.from_bytes(tokenizer, DEFAULT_MAX_LENGTH)
        except Exception as exc:
            raise _reject("tokenizer",
                          f"is not a loadable tokenizer.json: {short_error(exc)}") from None
        tok_sha = sha256_bytes(tokenizer)
    elif tokenizer is not None:
        raise _reject("tokenizer", f"only text extractors take a tokenizer, not {spec.modality}")

    _check_inputs(session, spec)
    _check_output(session, spec)
    out = _dry_run(session, spec, tok)
    expected = (DRY_RUN_ROWS, spec.output_dim)
    if out.shape != expected:
        raise _reject("metadata.output.dim",
                      f"the dry run gave shape {list(out.shape)}, expected {list(expected)}")
    if not np.isfinite(out).all():
        raise _reject("file", "the dry run on a synthetic batch produced NaN or Inf")
    return ValidatedModel(sha256_bytes(model), tok_sha)


def _reject(field_name: str, message: str) -> ExtractorRejected:
    return ExtractorRejected(f"{field_name}: {message}",
                             errors=[FieldError(field_name, message)])


def _dims(shape: Sequence[Any]) -> list[int | None]:
    return [d if isinstance(d, int) and d > 0 else None for d in shape]


def _by_name(nodes: Sequence[Any], wanted: str, kind: str, verb: str) -> dict[str, Any]:
    """The graph's inputs (or outputs) by name; rejects a declared name the graph lacks."""
    named = {node.name: node for node in nodes}
    if wanted not in named:
        raise _reject(f"metadata.{kind}.name",
                      f"'{wanted}' is not a graph {kind}; the graph {verb} {sorted(named)}")
    return named


def _check_inputs(session: ort.InferenceSession, spec: ExtractorSpec) -> None:
    inputs = _by_name(session.get_inputs(), spec.input_name, "input", "takes")
    if spec.modality == "text":
        extra = sorted(set(inputs) - set(TEXT_INPUT_NAMES))
        if extra:
            raise _reject("file", f"a text extractor can only be fed {list(TEXT_INPUT_NAMES)}; "
                                  f"the graph also needs {extra}")
        for name, node in inputs.items():
            if ORT_TYPES.get(node.type) != "int64" or len(node.shape) != 2:
                raise _reject("file", f"text input '{name}' must be int64 [batch, seq], "
                                      f"the graph has {node.type} {node.shape}")
    elif len(inputs) != 1:
        raise _reject("file", f"the graph takes {len(inputs)} inputs {sorted(inputs)}; "
                              "a non-text extractor must take exactly one")
    node = inputs[spec.input_name]
    graph_dtype = ORT_TYPES.get(node.type, node.type)
    if graph_dtype != spec.input_dtype:
        raise _reject("metadata.input.dtype",
                      f"declared {spec.input_dtype}, the graph input is {graph_dtype}")
    graph_shape = _dims(node.shape)
    if len(graph_shape) != len(spec.input_shape):
        raise _reject("metadata.input.shape",
                      f"declared rank {len(spec.input_shape)}, the graph input has rank "
                      f"{len(graph_shape)} {list(node.shape)}")
    if graph_shape[0] is not None:
        raise _reject("file", f"the graph's batch dimension is fixed at {graph_shape[0]}; "
                              "export it with a dynamic batch axis")
    for i, (declared, actual) in enumerate(zip(spec.input_shape, graph_shape, strict=True)):
        if actual is not None and declared != actual:
            raise _reject(f"metadata.input.shape[{i}]",
                          f"declared {declared}, the graph fixes it to {actual}")
    if spec.modality == "text":
        return
    if any(d is None for d in spec.input_shape[1:]):
        raise _reject("metadata.input.shape",
                      "non-batch dimensions must be fixed so items can be checked and batched")


def _check_output(session: ort.InferenceSession, spec: ExtractorSpec) -> None:
    outputs = _by_name(session.get_outputs(), spec.output_name, "output", "gives")
    node = outputs[spec.output_name]
    if node.type not in FLOAT_OUTPUTS:
        raise _reject("metadata.output.name", f"output must be a float tensor, not {node.type}")
    shape = _dims(node.shape) if node.shape is not None else []
    if shape and shape[-1] is not None and shape[-1] != spec.output_dim:
        raise _reject("metadata.output.dim",
                      f"declared {spec.output_dim}, the graph output's last dimension is "
                      f"{shape[-1]}")


def _synthetic_images(spec: ExtractorSpec, rows: int) -> NDArray[Any]:
    rng = np.random.default_rng(0)
    shape = (rows, *(int(d) for d in spec.input_shape[1:] if d is not None))
    lo, hi = spec.preprocessing.get("input_range", (0, 255 if spec.input_dtype == "uint8" else 1))
    values = rng.uniform(float(lo), float(hi), size=shape)
    return values.astype(spec.numpy_dtype)


def _dry_run(session: ort.InferenceSession, spec: ExtractorSpec,
             tok: TextTokenizer | None) -> NDArray[np.float64]:
    try:
        if spec.modality == "text":
            batch = synthetic_token_batch(tok, DRY_RUN_ROWS)
            feeds: dict[str, NDArray[Any]] = batch.feeds([i.name for i in session.get_inputs()])
        else:
            feeds = {spec.input_name: _synthetic_images(spec, DRY_RUN_ROWS)}
        (out,) = session.run([spec.output_name], feeds)
    except Exception as exc:
        raise _reject("file",
                      f"the dry run on a synthetic batch failed: {short_error(exc)}") from None
    arr = np.asarray(out, dtype=np.float64)
    if arr.ndim != 2:
        raise _reject("metadata.output.name",
                      f"the output must be (batch, dim); the dry run gave shape {list(arr.shape)}")
    return arr
