"""What an extractor declares about itself: the metadata part of POST /extractors, checked.

An `ExtractorSpec` is plain data (no session, no file handle) so it can travel between the
database, the bundled manifest, the API schemas and the runtime without dragging them along.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain.vocabulary import Modality
from ..errors import FieldError, InvalidInput

MODALITIES = tuple(Modality)
# ONNX element types a declared input may use, by the numpy name clients send.
INPUT_DTYPES: dict[str, np.dtype[Any]] = {
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "float16": np.dtype(np.float16),
    "int64": np.dtype(np.int64),
    "int32": np.dtype(np.int32),
    "uint8": np.dtype(np.uint8),
    "int8": np.dtype(np.int8),
}
# onnxruntime's type strings ("tensor(float)") → the names above.
ORT_TYPES = {
    "tensor(float)": "float32",
    "tensor(double)": "float64",
    "tensor(float16)": "float16",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(uint8)": "uint8",
    "tensor(int8)": "int8",
}
# A text extractor's graph inputs are fed by the tokenizer; only these names can be fed.
TEXT_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_DIM = 65536


@dataclass(frozen=True)
class ExtractorSpec:
    """Declared interface of one extractor.

    `input_shape` uses None for free dimensions (the batch axis is always free). For text
    extractors the declared input is the token-id input (`input_ids`, int64, [None, None]);
    the graph may also take `attention_mask` and `token_type_ids`, which the tokenizer feeds.
    """

    name: str
    version: str
    modality: str
    input_name: str
    input_dtype: str
    input_shape: tuple[int | None, ...]
    output_name: str
    output_dim: int
    preprocessing: Mapping[str, Any] = field(default_factory=dict)

    @property
    def numpy_dtype(self) -> np.dtype[Any]:
        return INPUT_DTYPES[self.input_dtype]

    def as_metadata(self) -> dict[str, Any]:
        """The contract's metadata JSON for this spec."""
        return {
            "name": self.name,
            "version": self.version,
            "modality": self.modality,
            "input": {"name": self.input_name, "dtype": self.input_dtype,
                      "shape": list(self.input_shape)},
            "output": {"name": self.output_name, "dim": self.output_dim},
            "preprocessing": dict(self.preprocessing),
        }


def spec_from_metadata(meta: Mapping[str, Any], field_prefix: str = "metadata") -> ExtractorSpec:
    """Check the metadata JSON of POST /extractors; every problem names its field."""
    errors: list[FieldError] = []

    def bad(path: str, message: str) -> None:
        errors.append(FieldError(f"{field_prefix}.{path}", message))

    if not isinstance(meta, Mapping):
        raise InvalidInput.at(field_prefix, "must be a JSON object")
    name = meta.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        bad("name", "must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting alphanumeric")
    version = meta.get("version", "1")
    if not isinstance(version, str) or not 0 < len(version) <= 64 or "\x00" in version:
        bad("version", "must be a string of 1-64 characters, without NUL")
    modality = meta.get("modality")
    if modality not in MODALITIES:
        bad("modality", f"must be one of {list(MODALITIES)}")

    inp = meta.get("input")
    in_name: Any = None
    in_dtype: Any = None
    shape: list[int | None] = []
    if not isinstance(inp, Mapping):
        bad("input", "must be an object {name, dtype, shape}")
    else:
        in_name, in_dtype, raw_shape = inp.get("name"), inp.get("dtype"), inp.get("shape")
        if not isinstance(in_name, str) or not in_name:
            bad("input.name", "must be a non-empty string")
        if in_dtype not in INPUT_DTYPES:
            bad("input.dtype", f"must be one of {sorted(INPUT_DTYPES)}")
        if not isinstance(raw_shape, list) or not 1 <= len(raw_shape) <= 8:
            bad("input.shape", "must be a list of 1-8 dimensions (null for free ones)")
        else:
            for i, dim in enumerate(raw_shape):
                if dim is None:
                    shape.append(None)
                elif isinstance(dim, int) and not isinstance(dim, bool) and 0 < dim <= MAX_DIM:
                    shape.append(dim)
                else:
                    bad(f"input.shape[{i}]", f"must be null or an integer in 1..{MAX_DIM}")
            if shape and shape[0] not in (None,):
                bad("input.shape[0]", "the batch dimension must be null")

    out = meta.get("output")
    out_name: Any = None
    out_dim: Any = None
    if not isinstance(out, Mapping):
        bad("output", "must be an object {name, dim}")
    else:
        out_name, out_dim = out.get("name"), out.get("dim")
        if not isinstance(out_name, str) or not out_name:
            bad("output.name", "must be a non-empty string")
        if not isinstance(out_dim, int) or isinstance(out_dim, bool) or not 0 < out_dim <= MAX_DIM:
            bad("output.dim", f"must be an integer in 1..{MAX_DIM}")

    prep = meta.get("preprocessing") or {}
    if not isinstance(prep, Mapping):
        bad("preprocessing", "must be an object")
    elif (why := _json_problem(prep)) is not None:
        bad("preprocessing", why)
    if modality == "text" and in_name not in (None, *TEXT_INPUT_NAMES):
        bad("input.name", f"a text extractor's declared input must be one of {TEXT_INPUT_NAMES}")
    if errors:
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        raise InvalidInput(detail, errors=errors)
    return ExtractorSpec(
        name=str(name), version=str(version), modality=str(modality), input_name=str(in_name),
        input_dtype=str(in_dtype), input_shape=tuple(shape), output_name=str(out_name),
        output_dim=int(out_dim), preprocessing=dict(prep))


MAX_PREPROCESSING_DEPTH = 8


def _json_problem(value: Any, depth: int = 0) -> str | None:
    """Why `value` cannot be stored as plain JSON metadata, or None: finite numbers only, no NUL
    in any string, nesting bounded."""
    if depth > MAX_PREPROCESSING_DEPTH:
        return f"nests deeper than {MAX_PREPROCESSING_DEPTH} levels"
    if isinstance(value, float) and not np.isfinite(value):
        return "holds NaN or Infinity"
    if isinstance(value, str):
        return "holds a NUL character" if "\x00" in value else None
    if isinstance(value, Mapping):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    return next((why for v in items if (why := _json_problem(v, depth + 1))), None)
