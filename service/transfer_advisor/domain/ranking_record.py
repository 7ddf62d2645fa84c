"""The audit record of a ranking: appended to the tenant's hash chain beside assessments.

Same chaining as `AssessmentRecord` (`chained`, `body`, hash over the body); its indexed columns
are the `ranking` table's (`ranking_columns`), checked by the verifier against the hashed JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .audit import record_hash
from .record import new_record_id

JSON = dict[str, Any]
KIND = "ranking"


@dataclass(frozen=True)
class RankingRecord:
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

    def chained(self, created: datetime, prev_record_sha256: str) -> RankingRecord:
        """This record as the next link after `prev_record_sha256`, with id, time and hash."""
        linked = dataclasses.replace(self, id=new_record_id(created),
                                     created_at=created.isoformat(),
                                     prev_record_sha256=prev_record_sha256, record_sha256=None)
        return dataclasses.replace(linked, record_sha256=record_hash(linked.body()))

    def body(self) -> JSON:
        """The hashed JSON: every field except `record_sha256`."""
        body = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del body["record_sha256"]
        return body

    def as_wire(self) -> JSON:
        """The body and its hash: GET /rankings/{id}'s answer."""
        return {**self.body(), "record_sha256": self.record_sha256}

    @classmethod
    def from_stored(cls, body: Mapping[str, Any], record_sha256: str) -> RankingRecord:
        """The record a stored JSON body holds (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in body.items() if k in names and k != "record_sha256"},
                   record_sha256=record_sha256)

    def indexed_columns(self) -> JSON:
        """The `ranking` table's indexed columns this record fills."""
        return ranking_columns(self.body())


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


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
        "created_at": _parse_time(body.get("created_at")),
    }
