"""The audit record: one typed value from evaluation to storage, and the columns it indexes.

A record is what the hash chain covers. Its JSON body (every field but `record_sha256`) is
stored verbatim; a few of its fields are also stored as indexed columns for history, filters
and stats. `indexed_columns` is the one mapping between the two: the writer fills the columns
from it and the verifier checks them against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, final

from .audit import ChainedRecord, parse_time

JSON = dict[str, Any]


def hour_start(t: datetime) -> datetime:
    """The start of the hour containing `t` (the stats rollups' unit).

    >>> hour_start(datetime(2026, 12, 5, 22, 58, 41, 7))
    datetime.datetime(2026, 12, 5, 22, 0)
    """
    return t.replace(minute=0, second=0, microsecond=0)


def day_start(t: datetime) -> datetime:
    """The start of the day containing `t`.

    >>> day_start(datetime(2026, 12, 5, 22, 58))
    datetime.datetime(2026, 12, 5, 0, 0)
    """
    return t.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class HistoryFilter:
    """Which records a history page or a stats query covers (all fields optional)."""

    since: datetime | None = None
    until: datetime | None = None
    source_name: str | None = None
    target_name: str | None = None
    strategy: str | None = None
    extractor: str | None = None
    negative_transfer_risk: str | None = None
    policy_version: str | None = None

    @property
    def names_any(self) -> bool:
        """Whether a filter the rollups cannot answer applies.

        The rollups count per strategy only, not per name, extractor, risk or policy version.
        """
        return any(v is not None for v in (self.source_name, self.target_name, self.extractor,
                                           self.negative_transfer_risk, self.policy_version))


@dataclass(frozen=True)
class RecordSummary:
    """What a history page shows of a record: its indexed columns, no JSON body."""

    seq: int
    id: str
    created_at: datetime
    source_name: str
    target_name: str
    strategy: str
    transfer_score: float
    negative_transfer_risk: str
    confidence: float
    policy_version: str
    extractor: str | None


@final
@dataclass(frozen=True)
class AssessmentRecord(ChainedRecord):
    """One recommendation as the audit trail keeps it.

    Built unchained (`id`, `created_at`, `prev_record_sha256`, `record_sha256` None) by the
    evaluation or a replay; `chained` gives the stored form, hashed over `body()`.
    """

    tenant: str
    source_name: str
    target_name: str
    recommendation: JSON
    metrics: JSON
    policy_version: str
    service_version: str
    input_sha256: str
    evidence: JSON
    extractor: JSON | None = None
    replay_of: str | None = None
    id: str | None = None
    created_at: str | None = None
    prev_record_sha256: str | None = None
    record_sha256: str | None = None

    def as_wire(self) -> JSON:
        """The body, its hash and the omitted metrics (kept in the evidence): GET's answer."""
        omitted = (self.evidence or {}).get("omitted") or {}
        return {**self.body(), "record_sha256": self.record_sha256, "omitted": dict(omitted)}

    def indexed_columns(self) -> JSON:
        """The indexed columns this record fills (see `indexed_columns`)."""
        return indexed_columns(self.body())


def indexed_columns(body: Mapping[str, Any]) -> JSON:
    """Indexed column → the value the hashed body says it holds.

    Tolerant of any JSON (a tampered body must be reported by the verifier, not crash it).
    """
    recommendation = body.get("recommendation")
    rec = recommendation if isinstance(recommendation, Mapping) else {}
    extractor = body.get("extractor")
    ext = extractor if isinstance(extractor, Mapping) else {}
    return {
        "id": body.get("id"),
        "tenant": body.get("tenant"),
        "source_name": body.get("source_name"),
        "target_name": body.get("target_name"),
        "strategy": rec.get("strategy"),
        "transfer_score": rec.get("transfer_score"),
        "negative_transfer_risk": rec.get("negative_transfer_risk"),
        "confidence": rec.get("confidence"),
        "policy_version": body.get("policy_version"),
        "service_version": body.get("service_version"),
        "extractor_name": ext.get("name"),
        "input_sha256": body.get("input_sha256"),
        "replay_of": body.get("replay_of"),
        "prev_record_sha256": body.get("prev_record_sha256"),
        "created_at": parse_time(body.get("created_at")),
    }
