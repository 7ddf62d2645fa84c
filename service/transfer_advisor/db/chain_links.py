"""A tenant's hash chain across its tables: assessments, rankings and the other chain entries
(outcomes, policy events).

Each row takes the next `seq` under the `chain_head` lock, whichever table it lands in;
verification and link checks read the tables merged in seq order.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AssessmentRow, ChainEntryRow, RankingRow

ChainRow = AssessmentRow | RankingRow | ChainEntryRow
T = TypeVar("T", AssessmentRow, RankingRow, ChainEntryRow)
CHAIN_TABLES: tuple[type[AssessmentRow] | type[RankingRow] | type[ChainEntryRow], ...] = (
    AssessmentRow, RankingRow, ChainEntryRow)


def chain_batch(session: Session, tenant: str, after_seq: int, size: int) -> list[ChainRow]:
    """The next `size` links of the tenant's chain after `after_seq`, from every table."""
    parts: tuple[Sequence[ChainRow], ...] = (
        _after(session, AssessmentRow, tenant, after_seq, size),
        _after(session, RankingRow, tenant, after_seq, size),
        _after(session, ChainEntryRow, tenant, after_seq, size))
    merged: list[ChainRow] = list(heapq.merge(*parts, key=_seq))
    return merged[:size]


def _seq(row: ChainRow) -> int:
    return row.seq


def _after(session: Session, table: type[T], tenant: str, after_seq: int,
           size: int) -> Sequence[T]:
    return session.scalars(select(table).where(table.tenant == tenant, table.seq > after_seq)
                           .order_by(table.seq).limit(size)).all()


def back_link_at(session: Session, tenant: str, seq: int) -> str | None:
    """The prev_record_sha256 of the tenant's link at `seq`, in whichever table it is."""
    for table in CHAIN_TABLES:
        link = session.scalars(select(table.prev_record_sha256).where(
            table.tenant == tenant, table.seq == seq)).first()
        if link is not None:
            return link
    return None
