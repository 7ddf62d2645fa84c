"""Rankings' queries, and the tenant's chain walked across both record tables.

A tenant's hash chain runs through `assessment` and `ranking`: each row takes the next `seq`
under the `chain_head` lock, whichever table it lands in. Verification and link checks read
the two tables merged in seq order.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..domain.audit import GENESIS
from ..domain.ranking_record import RankingRecord
from .models import AssessmentRow, ChainHead, RankingRow

ChainRow = AssessmentRow | RankingRow


class RankingRepository:
    """One tenant's rankings: append-only, no update or delete."""

    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def _base(self) -> Select[RankingRow]:
        return select(RankingRow).where(RankingRow.tenant == self.tenant)

    def get(self, ranking_id: str) -> RankingRecord | None:
        return _record(self.session.scalars(
            self._base().where(RankingRow.id == ranking_id)).first())

    def by_idempotency_key(self, key: str) -> RankingRecord | None:
        return _record(self.session.scalars(
            self._base().where(RankingRow.idempotency_key == key)).first())

    def lock_chain_head(self) -> tuple[int, str]:
        """(seq, record_sha256) of the tenant's newest link, row-locked until commit."""
        head = self.session.scalars(
            select(ChainHead).where(ChainHead.tenant == self.tenant).with_for_update()).first()
        return (0, GENESIS) if head is None else (head.seq, head.record_sha256)

    def append(self, record: RankingRecord, seq: int, idempotency_key: str | None) -> None:
        """Add a chained ranking and move the chain head; the caller commits once."""
        if record.record_sha256 is None:
            raise ValueError("append a chained record")
        row = RankingRow(**record.indexed_columns(), seq=seq, idempotency_key=idempotency_key,
                         record=record.body(), record_sha256=record.record_sha256)
        head = self.session.get(ChainHead, self.tenant)
        if head is None:
            self.session.add(ChainHead(tenant=self.tenant, seq=seq,
                                       record_sha256=record.record_sha256))
        else:
            head.seq, head.record_sha256 = seq, record.record_sha256
        self.session.add(row)


def _record(row: RankingRow | None) -> RankingRecord | None:
    return None if row is None else RankingRecord.from_stored(row.record, row.record_sha256)


def chain_batch(session: Session, tenant: str, after_seq: int, size: int) -> list[ChainRow]:
    """The next `size` rows of the tenant's chain after `after_seq`, from both tables."""
    assessments: Sequence[ChainRow] = session.scalars(
        select(AssessmentRow).where(AssessmentRow.tenant == tenant, AssessmentRow.seq > after_seq)
        .order_by(AssessmentRow.seq).limit(size)).all()
    rankings: Sequence[ChainRow] = session.scalars(
        select(RankingRow).where(RankingRow.tenant == tenant, RankingRow.seq > after_seq)
        .order_by(RankingRow.seq).limit(size)).all()
    return list(heapq.merge(assessments, rankings, key=lambda row: row.seq))[:size]


def back_link_at(session: Session, tenant: str, seq: int) -> str | None:
    """The prev_record_sha256 of the tenant's row at `seq`, in whichever table it is."""
    for table in (AssessmentRow, RankingRow):
        link = session.scalars(select(table.prev_record_sha256).where(
            table.tenant == tenant, table.seq == seq)).first()
        if link is not None:
            return link
    return None
