"""Entries of a tenant's hash chain that are not assessments: outcomes and policy events.

An assessment (`record.AssessmentRecord`) is one kind of link; a `ChainEntry` is every other
kind, linked into the same per-tenant chain (same `seq` counter, same `prev_record_sha256`
back-links), so editing a stored outcome or policy event breaks the chain as editing an
assessment does. `subject` names what the entry is about: the assessment an outcome reports
on, the policy version a fit produced or an activation switched to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from .audit import record_hash
from .record import new_record_id

JSON = dict[str, Any]
EntryKind = Literal["outcome", "policy_fit", "policy_activation"]
KINDS: tuple[str, ...] = ("outcome", "policy_fit", "policy_activation")


@dataclass(frozen=True)
class ChainEntry:
    """One non-assessment link; built unchained, `chained` gives the stored, hashed form."""

    kind: str
    tenant: str
    subject: str
    data: JSON
    id: str | None = None
    created_at: str | None = None
    prev_record_sha256: str | None = None
    record_sha256: str | None = None

    def chained(self, created: datetime, prev_record_sha256: str) -> ChainEntry:
        """This entry as the next link after `prev_record_sha256`, with id, time and hash."""
        linked = dataclasses.replace(self, id=new_record_id(created),
                                     created_at=created.isoformat(),
                                     prev_record_sha256=prev_record_sha256, record_sha256=None)
        return dataclasses.replace(linked, record_sha256=record_hash(linked.body()))

    def body(self) -> JSON:
        """The hashed JSON: every field except `record_sha256`."""
        body = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del body["record_sha256"]
        return body

    @classmethod
    def from_stored(cls, body: Mapping[str, Any], record_sha256: str) -> ChainEntry:
        """The entry a stored JSON body holds (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in body.items() if k in names and k != "record_sha256"},
                   record_sha256=record_sha256)

    def indexed_columns(self) -> JSON:
        """The indexed columns this entry fills (see `entry_columns`)."""
        return entry_columns(self.body())


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def entry_columns(body: Mapping[str, Any]) -> JSON:
    """Indexed column → the value the hashed body says it holds (tolerant of any JSON)."""
    return {
        "id": body.get("id"),
        "tenant": body.get("tenant"),
        "kind": body.get("kind"),
        "subject": body.get("subject"),
        "prev_record_sha256": body.get("prev_record_sha256"),
        "created_at": _parse_time(body.get("created_at")),
    }
