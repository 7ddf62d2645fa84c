"""The audit trail's use cases: append a record (assessment or ranking) to a tenant's chain,
read one back.

Every write goes through `append`: one transaction that locks the chain head, links the record,
updates the stats rollups and commits once, so a 201 means durable and a failed commit stores
nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..db.chain import ChainEntryRepository
from ..db.engine import WRITE_TRANSACTION
from ..db.models import utcnow
from ..db.rankings import RankingRepository
from ..db.repositories import AssessmentRepository
from ..domain.chain import ChainEntry
from ..domain.ranking_record import RankingRecord
from ..domain.record import AssessmentRecord
from ..errors import IdempotencyConflict, NotFound

APPEND_RETRIES = 5
# A lost race for the chain head is retried after a random pause of up to this many seconds
# times the attempt number, so contenders that collided do not collide again in lockstep.
RETRY_JITTER_SECONDS = 0.01


R = TypeVar("R", AssessmentRecord, RankingRecord)


def _link(session: Session, record: R, idempotency_key: str | None) -> R:
    """Lock the chain head, link `record` after it and add it to its table (no commit)."""
    if isinstance(record, RankingRecord):
        rankings = RankingRepository(session, record.tenant)
        seq, prev = rankings.lock_chain_head()
        ranking = record.chained(utcnow(), prev)
        rankings.append(ranking, seq + 1, idempotency_key)
        return ranking
    assessments = AssessmentRepository(session, record.tenant)
    seq, prev = assessments.lock_chain_head()
    assessment = record.chained(utcnow(), prev)
    assessments.append(assessment, seq + 1, idempotency_key)
    return assessment


def append(sessions: sessionmaker[Session], record: R, idempotency_key: str | None = None) -> R:
    """Append `record` (an assessment or a ranking) to its tenant's chain; retries a lost race
    for the chain head.

    With an idempotency key, a concurrent request that stored the same key first wins and its
    record is returned.
    """
    for attempt in range(APPEND_RETRIES):
        with sessions() as session:
            session.connection(execution_options={WRITE_TRANSACTION: True})
            linked = _link(session, record, idempotency_key)
            try:
                session.commit()
                return linked
            except IntegrityError as exc:
                session.rollback()
                lost = exc
        if idempotency_key is not None:
            existing = _stored_under(sessions, record, idempotency_key)
            if existing is not None:
                return existing
        if attempt == APPEND_RETRIES - 1:
            raise lost
        _pause(attempt)
    raise AssertionError("unreachable")


def _stored_under(sessions: sessionmaker[Session], record: R, key: str) -> R | None:
    if isinstance(record, RankingRecord):
        return ranking_by_idempotency_key(sessions, record.tenant, key, record.input_sha256)
    return by_idempotency_key(sessions, record.tenant, key, record.input_sha256)


def append_entry(sessions: sessionmaker[Session], entry: ChainEntry,
                 also: Callable[[Session], None] | None = None) -> ChainEntry:
    """Append an outcome or policy event to its tenant's chain, as `append` does a record.

    `also` adds rows that must be stored in the same transaction (a fitted policy with its fit
    event): one commit, so either both are durable or neither is."""
    for attempt in range(APPEND_RETRIES):
        with sessions() as session:
            session.connection(execution_options={WRITE_TRANSACTION: True})
            seq, prev = AssessmentRepository(session, entry.tenant).lock_chain_head()
            linked = entry.chained(utcnow(), prev)
            ChainEntryRepository(session, entry.tenant).append(linked, seq + 1)
            if also is not None:
                also(session)
            try:
                session.commit()
                return linked
            except IntegrityError as exc:
                session.rollback()
                if attempt == APPEND_RETRIES - 1:
                    raise exc
        _pause(attempt)
    raise AssertionError("unreachable")


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0.0, RETRY_JITTER_SECONDS * (attempt + 1)))


def by_idempotency_key(sessions: sessionmaker[Session], tenant: str, key: str,
                       input_sha256: str) -> AssessmentRecord | None:
    """The record stored under `key`, if any; 409 when it was stored for another body."""
    with sessions() as session:
        found = AssessmentRepository(session, tenant).by_idempotency_key(key)
    if found is not None and found.input_sha256 != input_sha256:
        raise IdempotencyConflict(
            f"Idempotency-Key {key!r} was used for another request body (record {found.id})")
    return found


def get_or_404(sessions: sessionmaker[Session], tenant: str,
               assessment_id: str) -> AssessmentRecord:
    """One of the tenant's records; another tenant's id is as unknown as a made-up one."""
    with sessions() as session:
        found = AssessmentRepository(session, tenant).get(assessment_id)
    if found is None:
        raise NotFound(f"no assessment {assessment_id!r}")
    return found


def ranking_by_idempotency_key(sessions: sessionmaker[Session], tenant: str, key: str,
                               input_sha256: str) -> RankingRecord | None:
    """The ranking stored under `key`, if any; 409 when it was stored for another body."""
    with sessions() as session:
        found = RankingRepository(session, tenant).by_idempotency_key(key)
    if found is not None and found.input_sha256 != input_sha256:
        raise IdempotencyConflict(
            f"Idempotency-Key {key!r} was used for another request body (ranking {found.id})")
    return found


def ranking_or_404(sessions: sessionmaker[Session], tenant: str,
                   ranking_id: str) -> RankingRecord:
    """One of the tenant's rankings; another tenant's id is as unknown as a made-up one."""
    with sessions() as session:
        found = RankingRepository(session, tenant).get(ranking_id)
    if found is None:
        raise NotFound(f"no ranking {ranking_id!r}")
    return found
