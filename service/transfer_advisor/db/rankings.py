"""Rankings' queries. A ranking is a link of its tenant's hash chain (`chain_links`)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..domain.audit import GENESIS
from ..domain.ranking_record import RankingRecord
from .models import ChainHead, RankingRow


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
