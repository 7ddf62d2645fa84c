"""SQLAlchemy 2.0 typed tables. Timestamps are UTC; the assessment table is append-only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (naive storage) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class AssessmentRow(Base):
    """One stored recommendation. `record` is the full canonical record the hash covers."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("tenant", "seq", name="uq_assessment_tenant_seq"),
        UniqueConstraint("tenant", "idempotency_key", name="uq_assessment_tenant_idempotency_key"),
        # History pages are ordered by the per-tenant `seq` (gap-free under concurrent writers,
        # unlike created_at); each filter column gets a (tenant, column, seq) index.
        Index("ix_assessment_tenant_created", "tenant", "created_at", "id"),
        Index("ix_assessment_tenant_source_seq", "tenant", "source_name", "seq"),
        Index("ix_assessment_tenant_target_seq", "tenant", "target_name", "seq"),
        Index("ix_assessment_tenant_strategy_seq", "tenant", "strategy", "seq"),
        Index("ix_assessment_tenant_extractor_seq", "tenant", "extractor_name", "seq"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime]
    source_name: Mapped[str] = mapped_column(String(200))
    target_name: Mapped[str] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(32))
    transfer_score: Mapped[float] = mapped_column(Float)
    negative_transfer_risk: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float] = mapped_column(Float)
    policy_version: Mapped[str] = mapped_column(String(64))
    service_version: Mapped[str] = mapped_column(String(32))
    extractor_name: Mapped[str | None] = mapped_column(String(200))
    input_sha256: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    replay_of: Mapped[str | None] = mapped_column(String(32))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_sha256: Mapped[str] = mapped_column(String(64))
    prev_record_sha256: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """Latest link of each tenant's hash chain; locked by writers to keep the chain linear."""

    __tablename__ = "chain_head"

    tenant: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    record_sha256: Mapped[str] = mapped_column(String(64))


class StrategyRollup:
    """Columns shared by the rollups: (tenant, <bucket start>, strategy) -> count, score sum.

    sort_order keeps the migrations' column and primary-key order, bucket start second.
    """

    tenant: Mapped[str] = mapped_column(String(100), primary_key=True, sort_order=-2)
    strategy: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    score_sum: Mapped[float] = mapped_column(Float)


class AssessmentHour(StrategyRollup, Base):
    """Per tenant, UTC hour and strategy: count and score sum, kept in the insert's transaction
    (under the chain-head lock), so stats over months read thousands of rows, not millions."""

    __tablename__ = "assessment_hour"

    hour_start: Mapped[datetime] = mapped_column(primary_key=True, sort_order=-1)


class AssessmentDay(StrategyRollup, Base):
    """The same per UTC day, kept in the same transaction: day and week stats over months read
    hundreds of rows instead of thousands of hours."""

    __tablename__ = "assessment_day"

    day_start: Mapped[datetime] = mapped_column(primary_key=True, sort_order=-1)


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


SHARED_EXTRACTOR = text("tenant IS NULL")


class ExtractorRow(Base):
    """A registered extractor: `tenant` NULL is shared (registered by the operator, seen by
    every tenant); otherwise only that tenant sees it. Names are unique per tenant and among
    shared rows; the service keeps a tenant's names apart from the shared ones."""

    __tablename__ = "extractor"
    __table_args__ = (
        UniqueConstraint("tenant", "name", name="uq_extractor_tenant_name"),
        # NULLs are distinct in the constraint above, so shared names need their own index.
        Index("uq_extractor_shared_name", "name", unique=True,
              sqlite_where=SHARED_EXTRACTOR, postgresql_where=SHARED_EXTRACTOR),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    tenant: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    modality: Mapped[str] = mapped_column(String(32))
    input_spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    output_name: Mapped[str] = mapped_column(String(200))
    output_dim: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    tokenizer_sha256: Mapped[str | None] = mapped_column(String(64))
    preprocessing: Mapped[dict[str, Any]] = mapped_column(JSON)
    bundled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    description: Mapped[str | None] = mapped_column(Text)


class RateBucket(Base):
    """Token bucket of one API key (or client address), shared by every process and replica on
    PostgreSQL (db/ratelimit.py); `allowed` is the outcome of the last take. The migration makes
    it UNLOGGED there: no WAL flush per request, and a crash merely refills the buckets."""

    __tablename__ = "rate_bucket"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]
    allowed: Mapped[bool] = mapped_column(Boolean)


class RankingRow(Base):
    """One stored ranking (POST /rank), append-only. Its `seq` is the tenant's chain position,
    shared with the assessment table through `chain_head`; `record` is the hashed JSON."""

    __tablename__ = "ranking"
    __table_args__ = (
        UniqueConstraint("tenant", "seq", name="uq_ranking_tenant_seq"),
        UniqueConstraint("tenant", "idempotency_key", name="uq_ranking_tenant_idempotency_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime]
    target_name: Mapped[str] = mapped_column(String(200))
    top_candidate: Mapped[str] = mapped_column(String(200))
    candidates: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[str] = mapped_column(String(64))
    service_version: Mapped[str] = mapped_column(String(32))
    input_sha256: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_sha256: Mapped[str] = mapped_column(String(64))
    prev_record_sha256: Mapped[str] = mapped_column(String(64))
