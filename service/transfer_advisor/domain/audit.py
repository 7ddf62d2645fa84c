"""Canonical JSON and the per-tenant hash chain that makes the audit trail tamper-evident.

record_sha256 = sha256(canonical(record without record_sha256)), and every record carries its
predecessor's record_sha256, so editing any stored record breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, floats in shortest round-trip form; NaN refused."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_fingerprint(request_body: Any) -> str:
    """Hash of the canonical request (parsed JSON), independent of key order and spacing."""
    return sha256_hex(canonical_json(request_body))


def record_hash(record: dict[str, Any]) -> str:
    """Hash of a record's canonical form, excluding its own hash field."""
    body = {k: v for k, v in record.items() if k != "record_sha256"}
    return sha256_hex(canonical_json(body))


def first_broken_link(records: list[dict[str, Any]]) -> str | None:
    """Walk records oldest first; the id of the first whose hash or back-link is wrong."""
    prev = GENESIS
    for record in records:
        if record.get("prev_record_sha256") != prev or record_hash(record) != record.get(
            "record_sha256"
        ):
            return str(record.get("id"))
        prev = str(record["record_sha256"])
    return None
