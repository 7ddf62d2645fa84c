"""numpy arrays → the wire forms of contract v1.1 (base64, little-endian, row-major).

The service decodes them in services/inputs.py and domain/arrays.py: an encoded matrix is
`{"shape": [n, d], "dtype": "float32"|"float64", "data": base64}`, a vector the same with shape
`[d]`, images `{"shape": [n, h, w, c], "dtype": "uint8"|"float32", "data": base64}`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _b64(values: np.ndarray[Any, Any], dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _float_dtype(values: np.ndarray[Any, Any]) -> str:
    """float64 stays float64 (exact); every other dtype goes as float32 (half the bytes)."""
    return "float64" if values.dtype == np.float64 else "float32"


def encode_matrix(x: Any, field: str = "matrix") -> dict[str, Any]:
    """An (n, d) array as an encoded matrix."""
    values = np.asarray(x)
    if values.ndim != 2:
        raise ValueError(f"{field}: expected a 2-D (n, d) array, got shape {values.shape}")
    if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values):
        raise ValueError(f"{field}: expected real numbers, got dtype {values.dtype}")
    dtype = _float_dtype(values)
    return {"shape": list(values.shape), "dtype": dtype, "data": _b64(values, "<f8" if dtype ==
                                                                         "float64" else "<f4")}


def encode_vector(v: Any, field: str = "vector") -> dict[str, Any]:
    """A (d,) array as an encoded vector (shape [d])."""
    values = np.asarray(v)
    if values.ndim != 1:
        raise ValueError(f"{field}: expected a 1-D array, got shape {values.shape}")
    dtype = _float_dtype(values)
    return {"shape": list(values.shape), "dtype": dtype, "data": _b64(values, "<f8" if dtype ==
                                                                         "float64" else "<f4")}


def encode_images(x: Any, field: str = "images") -> dict[str, Any]:
    """(n, h, w, c) images, or (n, h, w) grey ones (a channel axis is added); uint8 stays
    uint8, anything else goes as float32 (pixels 0..255)."""
    values = np.asarray(x)
    if values.ndim == 3:
        values = values[..., np.newaxis]
    if values.ndim != 4:
        raise ValueError(f"{field}: expected (n, h, w, c) or (n, h, w), got shape {values.shape}")
    if values.dtype == np.uint8:
        return {"shape": list(values.shape), "dtype": "uint8", "data": _b64(values, "u1")}
    return {"shape": list(values.shape), "dtype": "float32", "data": _b64(values, "<f4")}


def encode_summary(count: int, mean: Any, covariance: Any, class_means: Any = None,
                   class_counts: Sequence[int] | None = None) -> dict[str, Any]:
    """A summary (count, mean, unbiased covariance; optional class moments) with its arrays
    encoded, so a d = 768 covariance is 4.7 MB of base64 instead of 590k JSON numbers."""
    out: dict[str, Any] = {"count": int(count), "mean": _vector_or_list(mean, "summary.mean"),
                           "covariance": _matrix_or_lists(covariance, "summary.covariance")}
    if class_means is not None:
        out["class_means"] = _matrix_or_lists(class_means, "summary.class_means")
    if class_counts is not None:
        out["class_counts"] = [int(c) for c in class_counts]
    return out


def _vector_or_list(value: Any, field: str) -> Any:
    return encode_vector(value, field) if isinstance(value, np.ndarray) else value


def _matrix_or_lists(value: Any, field: str) -> Any:
    return encode_matrix(value, field) if isinstance(value, np.ndarray) else value


def dataset_spec(data: Any, name: str, labels: Any = None, *, source_probs: Any = None,
                 scratch_features: Any = None) -> dict[str, Any]:
    """One side of POST /assess from what a user has at hand.

    `data` may be: a 2-D array or DataFrame (embeddings, encoded), a 3-D/4-D array (images for
    an image extractor), a list of strings (texts for a text extractor), a summary (a mapping
    with count/mean/covariance, or an object with `to_dict()` such as
    `transfer_advisor.summarize(...)`), a list of rows (sent as JSON), or a mapping that is
    already a DatasetSpec (with one of `embeddings`, `summary`, `inputs`).
    """
    spec: dict[str, Any]
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):  # pandas
        data = data.to_numpy(dtype=np.float64)
    if hasattr(data, "to_dict") and not isinstance(data, Mapping) and hasattr(data, "count"):
        data = data.to_dict()  # a library Summary
    if isinstance(data, Mapping) and any(k in data for k in ("embeddings", "summary", "inputs")):
        spec = dict(data)
        spec.setdefault("name", name)
    elif isinstance(data, Mapping) and {"count", "mean", "covariance"} <= set(data):
        spec = {"name": name, "summary": encode_summary(
            data["count"], data["mean"], data["covariance"], data.get("class_means"),
            data.get("class_counts"))}
    elif isinstance(data, np.ndarray) and data.ndim in (3, 4):
        spec = {"name": name, "inputs": {"images": encode_images(data, f"{name}.inputs.images")}}
    elif isinstance(data, np.ndarray):
        spec = {"name": name, "embeddings": encode_matrix(data, f"{name}.embeddings")}
    elif isinstance(data, Sequence) and data and all(isinstance(t, str) for t in data):
        spec = {"name": name, "inputs": {"texts": list(data)}}
    elif isinstance(data, Sequence) and not isinstance(data, str):
        spec = {"name": name, "embeddings": [list(map(float, row)) for row in data]}
    else:
        raise TypeError(f"{name}: cannot send a {type(data).__name__}; give an array, a list of "
                        "texts, a summary or a DatasetSpec mapping")
    if labels is not None:
        spec["labels"] = _labels(labels)
    if source_probs is not None:
        spec["source_probs"] = _matrix_or_lists(source_probs, f"{name}.source_probs")
    if scratch_features is not None:
        spec["scratch_features"] = _matrix_or_lists(scratch_features, f"{name}.scratch_features")
    return spec


def _labels(labels: Any) -> Any:
    """Integer arrays as JSON ints; anything else as given, for the server to judge (it refuses
    float or 2-D labels naming the field rather than this client truncating them)."""
    values = np.asarray(labels)
    if values.dtype.kind in "iu":
        return values.tolist()
    return labels.tolist() if isinstance(labels, np.ndarray) else labels
