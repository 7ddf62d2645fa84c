"""Entries of a tenant's hash chain that are not assessments: outcomes and policy events.

An assessment (`record.AssessmentRecord`) is one kind of link; a `ChainEntry` is every other
kind, linked into the same per-tenant chain (same `seq` counter, same `prev_record_sha256`
back-links), so editing a stored outcome or policy event breaks the chain as editing an
assessment does. `subject` names what the entry is about: the assessment an outcome reports
on, the policy version a fit produced or an activation switched to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, final

from .audit import ChainedRecord, parse_time

JSON = dict[str, Any]
EntryKind = Literal["outcome", "policy_fit", "policy_activation"]
KINDS: tuple[str, ...] = ("outcome", "policy_fit", "policy_activation")


@final
@dataclass(frozen=True)
class ChainEntry(ChainedRecord):
    """One non-assessment link; built unchained, `chained` gives the stored, hashed form."""

    kind: str
    tenant: str
    subject: str
    data: JSON
    id: str | None = None
    created_at: str | None = None
    prev_record_sha256: str | None = None
    record_sha256: str | None = None

    def indexed_columns(self) -> JSON:
        """The indexed columns this entry fills (see `entry_columns`)."""
        return entry_columns(self.body())


def entry_columns(body: Mapping[str, Any]) -> JSON:
    """Indexed column → the value the hashed body says it holds (tolerant of any JSON)."""
    return {
        "id": body.get("id"),
        "tenant": body.get("tenant"),
        "kind": body.get("kind"),
        "subject": body.get("subject"),
        "prev_record_sha256": body.get("prev_record_sha256"),
        "created_at": parse_time(body.get("created_at")),
    }
