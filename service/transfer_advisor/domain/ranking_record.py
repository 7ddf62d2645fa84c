"""The audit record of a ranking: appended to the tenant's hash chain beside assessments.

Same chaining as `AssessmentRecord` (`chained`, `body`, hash over the body); its indexed columns
are the `ranking` table's (`ranking_columns`), checked by the verifier against the hashed JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, final

from .audit import ChainedRecord, parse_time

JSON = dict[str, Any]
KIND = "ranking"


@final
@dataclass(frozen=True)
class RankingRecord(ChainedRecord):
    """One ranking as the audit trail keeps it (`kind` tells it from an assessment's body)."""

    tenant: str
    target_name: str
    items: list[JSON]
    separated_by: str | None
    reasons: list[str]
    policy_version: str
    service_version: str
    input_sha256: str
    evidence: JSON
    kind: str = KIND
    id: str | None = None
    created_at: str | None = None
    prev_record_sha256: str | None = None
    record_sha256: str | None = None

    def as_wire(self) -> JSON:
        """The body and its hash: GET /rankings/{id}'s answer."""
        return {**self.body(), "record_sha256": self.record_sha256}

    def indexed_columns(self) -> JSON:
        """The `ranking` table's indexed columns this record fills."""
        return ranking_columns(self.body())


def ranking_columns(body: Mapping[str, Any]) -> JSON:
    """Indexed column → the value the hashed body says it holds (tolerant of any JSON)."""
    items = body.get("items")
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], Mapping) else {}
    return {
        "id": body.get("id"),
        "tenant": body.get("tenant"),
        "target_name": body.get("target_name"),
        "top_candidate": first.get("name"),
        "candidates": len(items) if isinstance(items, list) else None,
        "policy_version": body.get("policy_version"),
        "service_version": body.get("service_version"),
        "input_sha256": body.get("input_sha256"),
        "prev_record_sha256": body.get("prev_record_sha256"),
        "created_at": parse_time(body.get("created_at")),
    }
