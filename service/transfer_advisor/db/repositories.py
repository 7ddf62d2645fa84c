"""Every query. Each repository is bound to one tenant; assessments are append-only."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..domain.audit import GENESIS
from ..extractors.spec import ExtractorSpec
from .models import AssessmentRow, ChainHead, ExtractorRow


@dataclass(frozen=True)
class HistoryFilter:
    since: datetime | None = None
    until: datetime | None = None
    source_name: str | None = None
    target_name: str | None = None
    strategy: str | None = None
    extractor: str | None = None


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """Inverse of encode_cursor; raises ValueError on anything malformed."""
    padded = cursor + "=" * (-len(cursor) % 4)
    created, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    return datetime.fromisoformat(created), str(row_id)


class AssessmentRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def _base(self) -> Select[tuple[AssessmentRow]]:
        return select(AssessmentRow).where(AssessmentRow.tenant == self.tenant)

    def get(self, assessment_id: str) -> AssessmentRow | None:
        return self.session.scalars(self._base().where(AssessmentRow.id == assessment_id)).first()

    def by_idempotency_key(self, key: str) -> AssessmentRow | None:
        return self.session.scalars(
            self._base().where(AssessmentRow.idempotency_key == key)).first()

    def lock_chain_head(self) -> tuple[int, str]:
        """(seq, record_sha256) of the newest link, row-locked until commit where supported."""
        head = self.session.scalars(
            select(ChainHead).where(ChainHead.tenant == self.tenant).with_for_update()).first()
        return (0, GENESIS) if head is None else (head.seq, head.record_sha256)

    def append(self, row: AssessmentRow) -> None:
        """Add a record and move the chain head; the caller commits once."""
        head = self.session.get(ChainHead, self.tenant)
        if head is None:
            self.session.add(ChainHead(tenant=self.tenant, seq=row.seq,
                                       record_sha256=row.record_sha256))
        else:
            head.seq, head.record_sha256 = row.seq, row.record_sha256
        self.session.add(row)

    def history(self, flt: HistoryFilter, limit: int,
                cursor: tuple[datetime, str] | None = None) -> Sequence[AssessmentRow]:
        """Newest first, keyset-paginated on (created_at, id)."""
        stmt = self._filtered(flt)
        if cursor is not None:
            created, row_id = cursor
            stmt = stmt.where(
                (AssessmentRow.created_at < created)
                | ((AssessmentRow.created_at == created) & (AssessmentRow.id < row_id)))
        stmt = stmt.order_by(AssessmentRow.created_at.desc(), AssessmentRow.id.desc()).limit(limit)
        return self.session.scalars(stmt).all()

    def _filtered(self, flt: HistoryFilter) -> Select[tuple[AssessmentRow]]:
        stmt = self._base()
        if flt.since is not None:
            stmt = stmt.where(AssessmentRow.created_at >= flt.since)
        if flt.until is not None:
            stmt = stmt.where(AssessmentRow.created_at < flt.until)
        for column, value in ((AssessmentRow.source_name, flt.source_name),
                              (AssessmentRow.target_name, flt.target_name),
                              (AssessmentRow.strategy, flt.strategy),
                              (AssessmentRow.extractor_name, flt.extractor)):
            if value is not None:
                stmt = stmt.where(column == value)
        return stmt

    def chain(self) -> Sequence[dict[str, Any]]:
        """Every record of the tenant in chain order, as stored (for verification)."""
        rows = self.session.execute(
            select(AssessmentRow.record, AssessmentRow.record_sha256)
            .where(AssessmentRow.tenant == self.tenant).order_by(AssessmentRow.seq)).all()
        return [{**record, "record_sha256": digest} for record, digest in rows]


class ExtractorRepository:
    """Registered ONNX extractors. Global, not per tenant: any tenant with `read` may use them,
    only `admin` registers. Files live content-addressed under the data dir; rows describe them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> ExtractorRow | None:
        return self.session.get(ExtractorRow, name)

    def list(self) -> Sequence[ExtractorRow]:
        return self.session.scalars(select(ExtractorRow).order_by(ExtractorRow.name)).all()

    def add(self, spec: ExtractorSpec, sha256: str, tokenizer_sha256: str | None,
            description: str | None) -> ExtractorRow:
        row = ExtractorRow(
            name=spec.name, version=spec.version, modality=spec.modality,
            input_spec={"name": spec.input_name, "dtype": spec.input_dtype,
                        "shape": list(spec.input_shape)},
            output_name=spec.output_name, output_dim=spec.output_dim, sha256=sha256,
            tokenizer_sha256=tokenizer_sha256, preprocessing=dict(spec.preprocessing),
            bundled=False, created_at=datetime.now(UTC), description=description)
        self.session.add(row)
        self.session.flush()
        return row

    def commit(self) -> None:
        self.session.commit()
