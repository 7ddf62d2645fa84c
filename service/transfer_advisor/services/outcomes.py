"""POST /assessments/{id}/outcome and the outcomes GET /assessments/{id} lists, as use cases.

An outcome is appended to the tenant's hash chain (`records.append_entry`, one commit) and
names the record it reports on by id and by `record_sha256`, so it cannot silently move to
another record.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..db.chain import ChainEntryRepository
from ..db.repositories import AssessmentRepository
from ..domain.chain import ChainEntry
from ..domain.outcome import check_outcome
from ..errors import NotFound
from . import records

OUTCOME = "outcome"
BODY_FIELDS = ("acc_scratch", "acc_feature_extraction", "acc_fine_tune", "metric", "test_size",
               "seeds", "notes")


def record_outcome(sessions: sessionmaker[Session], tenant: str, assessment_id: str,
                   body: dict[str, Any]) -> ChainEntry:
    """Check the measurement (422 naming the field), find the tenant's record (404 for another
    tenant's id), append the outcome; nothing is stored unless all of it holds."""
    truth = check_outcome(body)
    record = records.get_or_404(sessions, tenant, assessment_id)
    data = {k: body.get(k) for k in BODY_FIELDS}
    data["transfer_gain"] = round(truth.transfer_gain, 12)
    data["assessment_sha256"] = record.record_sha256
    return records.append_entry(sessions, ChainEntry(OUTCOME, tenant, assessment_id, data))


def outcome_wire(entry: ChainEntry) -> dict[str, Any]:
    """The contract's Outcome: the measured fields plus id, time and chain hashes."""
    return {**entry.data, "id": entry.id, "assessment_id": entry.subject,
            "created_at": entry.created_at, "record_sha256": entry.record_sha256,
            "prev_record_sha256": entry.prev_record_sha256}


def assessment_wire(sessions: sessionmaker[Session], tenant: str,
                    assessment_id: str) -> dict[str, Any]:
    """One record in its wire form with the outcomes reported on it, oldest first."""
    with sessions() as session:
        found = AssessmentRepository(session, tenant).get(assessment_id)
        if found is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        outcomes = ChainEntryRepository(session, tenant).of_subject(OUTCOME, assessment_id)
    return {**found.as_wire(), "outcomes": [outcome_wire(o) for o in outcomes]}
