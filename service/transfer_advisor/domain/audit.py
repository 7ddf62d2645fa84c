"""Canonical JSON and the per-tenant hash chain that makes the audit trail tamper-evident.

record_sha256 = sha256(canonical(record without record_sha256)), and every record carries its
predecessor's record_sha256, so editing any stored record breaks the chain from there on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self, cast

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


def new_record_id(created: datetime) -> str:
    """Time-ordered prefix (ms since epoch) + randomness: sortable and unguessable."""
    return f"{int(created.timestamp() * 1000):012x}{uuid.uuid4().hex[:20]}"


def parse_time(value: Any) -> datetime | None:
    """An ISO time from a stored body, or None where the body holds something else."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class ChainedRecord:
    """What every link of a tenant's chain shares (a frozen dataclass mixes this in).

    Built unchained (`id`, `created_at`, `prev_record_sha256`, `record_sha256` None);
    `chained` gives the stored form, hashed over `body()`.
    """

    id: str | None
    created_at: str | None
    prev_record_sha256: str | None
    record_sha256: str | None

    def chained(self, created: datetime, prev_record_sha256: str) -> Self:
        """This record as the next link after `prev_record_sha256`, with id, time and hash."""
        unlinked: Any = self  # a dataclass: every class that mixes this in is one
        linked = dataclasses.replace(unlinked, id=new_record_id(created),
                                     created_at=created.isoformat(),
                                     prev_record_sha256=prev_record_sha256, record_sha256=None)
        return cast(Self, dataclasses.replace(linked, record_sha256=record_hash(linked.body())))

    def body(self) -> dict[str, Any]:
        """The hashed JSON: every field except `record_sha256`."""
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        return {f.name: getattr(self, f.name) for f in fields if f.name != "record_sha256"}

    @classmethod
    def from_stored(cls, body: Mapping[str, Any], record_sha256: str) -> Self:
        """The record a stored JSON body holds (unknown keys are ignored)."""
        record_type: Any = cls
        names = {f.name for f in dataclasses.fields(record_type)}
        return cast(Self, record_type(
            **{k: v for k, v in body.items() if k in names and k != "record_sha256"},
            record_sha256=record_sha256))
