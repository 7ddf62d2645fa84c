"""Canonical JSON and the per-tenant hash chain that makes the audit trail tamper-evident.

record_sha256 = sha256(canonical(record without record_sha256)), and every record carries its
predecessor's record_sha256, so editing any stored record breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, floats in shortest round-trip form; NaN refused."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes | memoryview) -> str:
    """Lower-case hex SHA-256 of `data`.

    >>> sha256_hex(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def input_fingerprint(request_body: Any) -> str:
    """Hash of the canonical request (parsed JSON), independent of key order and spacing.

    Numeric matrices and vectors (lists of numbers, at any nesting) are replaced by the SHA-256
    of their float64 little-endian bytes and their shape before hashing: the same numbers give
    the same fingerprint however they were spelled in JSON (1 vs 1.0), and hashing megabytes of
    covariance takes milliseconds instead of a full canonical re-serialisation. Encoded arrays
    (`{"shape", "dtype", "data"}`) keep their shape and dtype and hash their base64 text.
    """
    return sha256_hex(canonical_json(_digest_arrays(request_body)))


def _digest(array: np.ndarray[Any, Any]) -> dict[str, Any]:
    wire = np.ascontiguousarray(array, dtype="<f8")
    return {"f64_sha256": sha256_hex(wire.data), "shape": list(wire.shape)}


def _digest_arrays(value: Any) -> Any:
    if isinstance(value, np.ndarray):  # rows validated into an array: the same digest as a list
        return _digest(value)
    if isinstance(value, dict) and isinstance(value.get("data"), str) and "shape" in value:
        # an encoded array (base64 `data`): its text hashed once, not re-serialised as JSON
        text = value["data"].encode("utf-8", "surrogatepass")
        return {**{k: _digest_arrays(v) for k, v in value.items() if k != "data"},
                "data_sha256": sha256_hex(text), "data_length": len(text)}
    if isinstance(value, dict):
        return {k: _digest_arrays(v) for k, v in value.items()}
    if isinstance(value, list) and _looks_numeric(value):
        try:
            array = np.asarray(value, dtype="<f8")
        except (ValueError, TypeError):  # ragged or mixed: hash it as plain JSON
            return [_digest_arrays(v) for v in value]
        return _digest(array)
    if isinstance(value, list):
        return [_digest_arrays(v) for v in value]
    return value


def _looks_numeric(values: list[Any]) -> bool:
    """Decided on the first element; request schemas type each field's lists uniformly."""
    first: Any = values
    while isinstance(first, list) and first:
        first = first[0]
    return isinstance(first, int | float) and not isinstance(first, bool)


def record_hash(record: dict[str, Any]) -> str:
    """Hash of a record's canonical form, excluding its own hash field."""
    body = {k: v for k, v in record.items() if k != "record_sha256"}
    return sha256_hex(canonical_json(body))
