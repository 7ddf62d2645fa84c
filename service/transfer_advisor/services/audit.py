"""GET /audit/verify as a use case: walk a tenant's chain in seq order, streaming in batches.

The chain runs through assessments, rankings (POST /rank), outcomes and policy events alike,
merged by seq; each row's indexed columns are checked against its own hashed JSON. Only
assessments count in the rollups.

A record is bad when its hash does not match its content, its back-link does not match its
predecessor, its seq leaves a hole (a deleted record), or an indexed column (the ones history,
filters and stats read) disagrees with the hashed `record` JSON. After the walk the chain head
must point at the last record (else records were deleted from the end) and the hourly and
daily stats rollups must agree with the records. What it cannot see: a rewrite of a record *and* of every
later record *and* of the chain head; publishing the head hash elsewhere closes that gap.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ..db.chain_links import ChainRow, chain_batch
from ..db.engine import read_snapshot
from ..db.models import AssessmentRow, ChainEntryRow, RankingRow
from ..db.repositories import AssessmentRepository
from ..domain.audit import GENESIS, record_hash
from ..domain.chain import KINDS, entry_columns
from ..domain.ranking_record import ranking_columns
from ..domain.record import day_start, hour_start, indexed_columns
from ..errors import NotFound

BATCH = 2000
LINK_BROKEN = "prev_record_sha256 does not match the previous record's hash"


@dataclasses.dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: str | None
    problem: str | None = None


def row_problem(row: ChainRow, prev: str, expected_seq: int, tenant: str) -> str | None:
    """Why this stored row (an assessment, a ranking, an outcome or a policy event) is not a
    valid next link of the chain, or None."""
    record = row.record if isinstance(row.record, dict) else {}
    if row.seq != expected_seq:
        return f"seq {row.seq} follows seq {expected_seq - 1}: records are missing"
    try:
        digest = record_hash(record)
    except (TypeError, ValueError):
        return "record is not canonical JSON"
    if digest != row.record_sha256:
        return "record_sha256 does not match the record's content"
    if record.get("prev_record_sha256") != prev:
        return LINK_BROKEN
    if record.get("tenant") != tenant:
        return "record belongs to another tenant"
    if isinstance(row, ChainEntryRow) and record.get("kind") not in KINDS:
        return f"entry kind {record.get('kind')!r} is not one this service writes"
    columns = (indexed_columns if isinstance(row, AssessmentRow)
               else ranking_columns if isinstance(row, RankingRow) else entry_columns)
    for column, expected in columns(record).items():
        if getattr(row, column) != expected:
            return f"column {column} disagrees with the hashed record"
    return None


def record_problem(sessions: sessionmaker[Session], tenant: str, assessment_id: str) -> str | None:
    """Why one stored record cannot be trusted, or None: its content against its hash and its
    indexed columns, and its hash against the link the chain holds for it (the next record's
    back-link, or the chain head). What a replay checks before it re-decides a record."""
    with sessions() as session:
        read_snapshot(session)
        repo = AssessmentRepository(session, tenant)
        row = repo.stored_row(assessment_id)
        if row is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        claimed_prev = row.record.get("prev_record_sha256") if isinstance(row.record,
                                                                           dict) else None
        problem = row_problem(row, str(claimed_prev), row.seq, tenant)
        if problem is None and repo.link_after(row.seq) != row.record_sha256:
            problem = ("record_sha256 is not the hash the chain links to: the record and its "
                       "hash were rewritten")
    return problem


def chain_rows(session: Session, tenant: str, batch: int = BATCH) -> Iterator[ChainRow]:
    """Every link of the tenant's chain in seq order, whichever table holds it, in batches."""
    after = 0
    while True:
        rows = chain_batch(session, tenant, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].seq
        session.expunge_all()  # keep memory flat on long chains


def verify(sessions: sessionmaker[Session], tenant: str, batch: int = BATCH) -> Verification:
    prev, prev_id, checked = GENESIS, None, 0
    hours: Counter[tuple[datetime, str]] = Counter()
    days: Counter[tuple[datetime, str]] = Counter()
    with sessions() as session:
        read_snapshot(session)
        repo = AssessmentRepository(session, tenant)
        for row in chain_rows(session, tenant, batch):
            checked += 1
            problem = row_problem(row, prev, checked, tenant)
            if problem == LINK_BROKEN and prev_id is not None:
                # This record's own hash holds, so its back-link is as written: the record
                # before it was rewritten (content and hash) after this one was appended.
                return Verification(False, checked, prev_id,
                                    "record was rewritten: its hash is not the one the next "
                                    f"record ({row.id}) links to")
            if problem is not None:
                return Verification(False, checked, row.id, problem)
            prev, prev_id = row.record_sha256, row.id
            if isinstance(row, AssessmentRow):  # the rollups count assessments only
                hours[(hour_start(row.created_at), row.strategy)] += 1
                days[(day_start(row.created_at), row.strategy)] += 1
        head = repo.head()
        head_state = (0, GENESIS) if head is None else (head.seq, head.record_sha256)
        if head_state != (checked, prev):
            return Verification(False, checked, None,
                                f"chain head is at seq {head_state[0]} but the records end at "
                                f"seq {checked}: records after it were deleted or rewritten")
        stored_hours, stored_days = repo.rollup_counts()
    for label, stored, counted in (("hourly", stored_hours, hours), ("daily", stored_days, days)):
        if stored != dict(counted):
            return Verification(False, checked, None,
                                f"the {label} stats rollup disagrees with the records")
    return Verification(True, checked, None)
