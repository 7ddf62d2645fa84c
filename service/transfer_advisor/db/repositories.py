"""Every query. Each repository is bound to one tenant; assessments are append-only."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session, defer

from ..domain.audit import GENESIS
from ..domain.record import (
    AssessmentRecord,
    HistoryFilter,
    RecordSummary,
    day_start,
    hour_start,
)
from ..extractors.spec import ExtractorSpec
from .chain_links import back_link_at
from .models import (
    AssessmentDay,
    AssessmentHour,
    AssessmentRow,
    ChainHead,
    ExtractorRow,
    UTCDateTime,
)

Bucket = Literal["hour", "day", "week"]
# Stats cells before grouping: (bucket start, strategy, count, sum of transfer scores).
Cells: TypeAlias = "Select[datetime, str, int, float]"


@dataclass(frozen=True)
class BucketCount:
    """One (bucket start, strategy) cell of the stats: count and sum of transfer scores."""

    start: datetime
    strategy: str
    n: int
    score_sum: float


def bucket_start(column: Any, bucket: Bucket, dialect: str) -> ColumnElement[datetime]:
    """SQL for the UTC start of the hour/day/ISO week (Monday) containing `column`."""
    expr: ColumnElement[Any]
    if dialect == "postgresql":
        utc: ColumnElement[str] = literal_column("'UTC'")
        local = column.op("AT TIME ZONE")(utc)
        expr = func.date_trunc(literal_column(f"'{bucket}'"), local).op("AT TIME ZONE")(utc)
    else:  # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (see models.UTCDateTime)
        fmt = "%Y-%m-%d %H:00:00.000000" if bucket == "hour" else "%Y-%m-%d 00:00:00.000000"
        mods = ("weekday 0", "-6 days") if bucket == "week" else ()
        expr = func.strftime(fmt, column, *mods)
    return type_coerce(expr, UTCDateTime())


class AssessmentRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def _base(self) -> Select[AssessmentRow]:
        return select(AssessmentRow).where(AssessmentRow.tenant == self.tenant)

    def get(self, assessment_id: str) -> AssessmentRecord | None:
        return _record(self.session.scalars(
            self._base().where(AssessmentRow.id == assessment_id)).first())

    def stored_row(self, assessment_id: str) -> AssessmentRow | None:
        """The row itself, columns and JSON as stored (for verification)."""
        return self.session.scalars(self._base().where(AssessmentRow.id == assessment_id)).first()

    def link_after(self, seq: int) -> str | None:
        """The hash the chain holds for the record at `seq`: the next record's back-link, or the
        chain head's hash when it is the newest."""
        link = back_link_at(self.session, self.tenant, seq + 1)  # in whichever table holds it
        if link is not None:
            return link
        head = self.head()
        if head is not None and head.seq > seq:
            # A record was appended between the two reads (each statement of a read-committed
            # session sees what has committed by then): it commits with the head it moves, so
            # its back-link is visible now.
            return back_link_at(self.session, self.tenant, seq + 1)
        return head.record_sha256 if head is not None and head.seq == seq else None

    def by_idempotency_key(self, key: str) -> AssessmentRecord | None:
        return _record(self.session.scalars(
            self._base().where(AssessmentRow.idempotency_key == key)).first())

    def lock_chain_head(self) -> tuple[int, str]:
        """(seq, record_sha256) of the newest link, row-locked until commit where supported."""
        head = self.session.scalars(
            select(ChainHead).where(ChainHead.tenant == self.tenant).with_for_update()).first()
        return (0, GENESIS) if head is None else (head.seq, head.record_sha256)

    def append(self, record: AssessmentRecord, seq: int, idempotency_key: str | None) -> None:
        """Add a chained record and move the chain head; the caller commits once.

        The rollup upserts run first and without autoflush, so a lost race (duplicate seq or
        idempotency key) surfaces as IntegrityError at commit, where the caller retries it."""
        assert record.record_sha256 is not None, "append a chained record"
        row = AssessmentRow(**record.indexed_columns(), seq=seq, idempotency_key=idempotency_key,
                            record=record.body(), record_sha256=record.record_sha256)
        with self.session.no_autoflush:
            self._count(AssessmentHour, "hour_start", hour_start(row.created_at), row)
            self._count(AssessmentDay, "day_start", day_start(row.created_at), row)
        head = self.session.get(ChainHead, self.tenant)
        if head is None:
            self.session.add(ChainHead(tenant=self.tenant, seq=row.seq,
                                       record_sha256=row.record_sha256))
        else:
            head.seq, head.record_sha256 = row.seq, row.record_sha256
        self.session.add(row)

    def _count(self, table: type[AssessmentHour | AssessmentDay], start_column: str,
               start: datetime, row: AssessmentRow) -> None:
        # Upsert, not read-modify-write: correct even where no lock is held (SQLite, first row).
        values = {"tenant": self.tenant, start_column: start, "strategy": row.strategy, "n": 1,
                  "score_sum": row.transfer_score}
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        stmt = insert(table).values(**values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["tenant", start_column, "strategy"],
            set_={"n": table.n + 1, "score_sum": table.score_sum + stmt.excluded.score_sum}))

    def history(self, flt: HistoryFilter, limit: int,
                before_seq: int | None = None) -> list[RecordSummary]:
        """Newest first, keyset-paginated on the per-tenant `seq`.

        Not on created_at: seq is assigned under the chain-head lock, so the committed seqs are
        always 1..N with no holes, and a row committed after a page was read always sorts before
        that page. A clock read by another process can lag, so created_at can disagree with
        commit order and a created_at keyset could skip such a row.
        """
        # The summary columns only: the JSON record is not parsed for a page of summaries.
        stmt = self._filtered(flt).options(defer(AssessmentRow.record))
        if before_seq is not None:
            stmt = stmt.where(AssessmentRow.seq < before_seq)
        rows = self.session.scalars(stmt.order_by(AssessmentRow.seq.desc()).limit(limit))
        return [_summary(r) for r in rows]

    def metric_series(self, flt: HistoryFilter,
                      limit: int) -> list[tuple[RecordSummary, dict[str, Any]]]:
        """The newest `limit` matching records, oldest first, each with its stored metrics
        (the dashboard's trend of one source/target pair)."""
        rows = self.session.scalars(
            self._filtered(flt).order_by(AssessmentRow.seq.desc()).limit(limit)).all()
        out = []
        for r in reversed(rows):
            metrics = r.record.get("metrics") if isinstance(r.record, dict) else None
            out.append((_summary(r), metrics if isinstance(metrics, dict) else {}))
        return out

    def hour_cells(self, bucket: Bucket, since: datetime | None, until: datetime | None,
                   strategy: str | None) -> Cells:
        """(start, strategy, n, total) cells from the hourly rollup; since/until on whole hours."""
        return self._rollup_cells(AssessmentHour, AssessmentHour.hour_start, bucket, since, until,
                                  strategy)

    def day_cells(self, bucket: Literal["day", "week"], since: datetime | None,
                  until: datetime | None, strategy: str | None) -> Cells:
        """(start, strategy, n, total) cells from the daily rollup; since/until on whole days."""
        return self._rollup_cells(AssessmentDay, AssessmentDay.day_start, bucket, since, until,
                                  strategy)

    def _rollup_cells(self, table: type[AssessmentHour | AssessmentDay],
                      start_column: InstrumentedAttribute[datetime], bucket: Bucket,
                      since: datetime | None, until: datetime | None,
                      strategy: str | None) -> Cells:
        start = bucket_start(start_column, bucket, self._dialect()).label("start")
        stmt: Cells = (select(start, table.strategy.label("strategy"), table.n.label("n"),
                              table.score_sum.label("total"))
                       .where(table.tenant == self.tenant))
        if since is not None:
            stmt = stmt.where(start_column >= since)
        if until is not None:
            stmt = stmt.where(start_column < until)
        if strategy is not None:
            stmt = stmt.where(table.strategy == strategy)
        return stmt

    def row_cells(self, bucket: Bucket, flt: HistoryFilter) -> Cells:
        """(start, strategy, 1, score) cells straight from the records (any filter)."""
        start = bucket_start(AssessmentRow.created_at, bucket, self._dialect()).label("start")
        return self._filtered(flt).with_only_columns(
            start, AssessmentRow.strategy.label("strategy"), literal(1).label("n"),
            AssessmentRow.transfer_score.label("total"))

    def bucket_counts(self, parts: Sequence[Cells]) -> list[BucketCount]:
        """Sum the cells of all parts per (bucket, strategy), in one statement."""
        cells = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
        return self._grouped(select(cells.c.start, cells.c.strategy, func.sum(cells.c.n),
                                    func.sum(cells.c.total))
                             .group_by(cells.c.start, cells.c.strategy))

    def _grouped(self, stmt: Select[Any]) -> list[BucketCount]:
        return [BucketCount(start, strategy, int(n), float(total))
                for start, strategy, n, total in self.session.execute(stmt)]

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def filtered(self, flt: HistoryFilter) -> Select[AssessmentRow]:
        """The tenant's records within the history filter (a statement to refine)."""
        return self._filtered(flt)

    def _filtered(self, flt: HistoryFilter) -> Select[AssessmentRow]:
        stmt = self._base()
        if flt.since is not None:
            stmt = stmt.where(AssessmentRow.created_at >= flt.since)
        if flt.until is not None:
            stmt = stmt.where(AssessmentRow.created_at < flt.until)
        for column, value in ((AssessmentRow.source_name, flt.source_name),
                              (AssessmentRow.target_name, flt.target_name),
                              (AssessmentRow.strategy, flt.strategy),
                              (AssessmentRow.extractor_name, flt.extractor),
                              (AssessmentRow.negative_transfer_risk, flt.negative_transfer_risk),
                              (AssessmentRow.policy_version, flt.policy_version)):
            if value is not None:
                stmt = stmt.where(column == value)
        return stmt

    def score_histogram(self, flt: HistoryFilter, edges: Sequence[float]) -> list[int]:
        """Records per transfer-score bin [lo, hi) (the last one closed), counted in SQL."""
        score = AssessmentRow.transfer_score
        last = len(edges) - 2
        counts = [func.coalesce(func.sum(case(
            (and_(score >= lo, score <= hi if i == last else score < hi), 1), else_=0)), 0)
            for i, (lo, hi) in enumerate(itertools.pairwise(edges))]
        return [int(n) for n in self.session.execute(
            self._filtered(flt).with_only_columns(*counts)).one()]

    def rollup_counts(self) -> tuple[dict[tuple[datetime, str], int],
                                     dict[tuple[datetime, str], int]]:
        """The stored hourly and daily counts per (bucket start, strategy), non-zero cells."""
        hours = {(h.hour_start, h.strategy): h.n for h in self.session.scalars(
            select(AssessmentHour).where(AssessmentHour.tenant == self.tenant,
                                         AssessmentHour.n != 0))}
        days = {(d.day_start, d.strategy): d.n for d in self.session.scalars(
            select(AssessmentDay).where(AssessmentDay.tenant == self.tenant, AssessmentDay.n != 0))}
        return hours, days

    def head(self) -> ChainHead | None:
        return self.session.get(ChainHead, self.tenant)


def _summary(r: AssessmentRow) -> RecordSummary:
    return RecordSummary(
        seq=r.seq, id=r.id, created_at=r.created_at, source_name=r.source_name,
        target_name=r.target_name, strategy=r.strategy, transfer_score=r.transfer_score,
        negative_transfer_risk=r.negative_transfer_risk, confidence=r.confidence,
        policy_version=r.policy_version, extractor=r.extractor_name)


def _record(row: AssessmentRow | None) -> AssessmentRecord | None:
    return None if row is None else AssessmentRecord.from_stored(row.record, row.record_sha256)


class ExtractorRepository:
    """Registered ONNX extractors as one tenant sees them: the shared ones (`tenant` NULL,
    registered by the operator) and its own. `tenant` None is the operator: shared rows only.
    Files live content-addressed under the data dir; rows describe them."""

    def __init__(self, session: Session, tenant: str | None) -> None:
        self.session = session
        self.tenant = tenant

    def _visible(self) -> Select[ExtractorRow]:
        shared = ExtractorRow.tenant.is_(None)
        if self.tenant is None:
            return select(ExtractorRow).where(shared)
        return select(ExtractorRow).where(shared | (ExtractorRow.tenant == self.tenant))

    def get(self, name: str) -> ExtractorRow | None:
        """The shared extractor `name`, else this tenant's own."""
        rows = self.session.scalars(self._visible().where(ExtractorRow.name == name)).all()
        return min(rows, key=lambda r: r.tenant is not None, default=None)

    def list(self) -> Sequence[ExtractorRow]:
        return self.session.scalars(self._visible().order_by(ExtractorRow.name)).all()

    def tenants_holding(self, name: str) -> Sequence[str]:
        """Tenants that registered `name` themselves (the operator's check before sharing it)."""
        held = self.session.scalars(select(ExtractorRow.tenant).where(
            ExtractorRow.name == name).order_by(ExtractorRow.tenant))
        return [tenant for tenant in held if tenant is not None]

    def every(self) -> Sequence[ExtractorRow]:
        """Every tenant's rows and the shared ones: for the operator's integrity check only."""
        return self.session.scalars(
            select(ExtractorRow).order_by(ExtractorRow.name, ExtractorRow.id)).all()

    def lock_name(self, name: str) -> None:
        """Serialise registrations of `name` across tenants until commit. The unique indexes
        cannot keep a tenant's name apart from a shared one; SQLite's write transaction is
        already exclusive, PostgreSQL takes a transaction-scoped advisory lock."""
        if self.session.get_bind().dialect.name == "postgresql":
            digest = hashlib.sha256(f"transfer_advisor.extractor:{name}".encode()).digest()
            key = int.from_bytes(digest[:8], "big", signed=True)
            self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def add(self, spec: ExtractorSpec, sha256: str, tokenizer_sha256: str | None,
            description: str | None) -> ExtractorRow:
        """A row owned by this repository's tenant (shared when it is None)."""
        row = ExtractorRow(
            tenant=self.tenant, name=spec.name, version=spec.version, modality=spec.modality,
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
