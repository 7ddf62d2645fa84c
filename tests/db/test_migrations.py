"""Alembic upgrade -> downgrade -> upgrade on SQLite and on a fresh PostgreSQL database, with
records written in between: they survive, and the stats rollups are backfilled exactly;
extractors registered before tenants scoped them stay shared."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import postgres_url_or_skip
from tests.history_seed import STRATEGIES, hourly, seed
from tests.onnx_models import image_metadata, image_model

from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_sessionmaker
from transfer_advisor.db.models import AssessmentRow, ExtractorRow, UTCDateTime
from transfer_advisor.domain.record import HistoryFilter
from transfer_advisor.errors import Conflict
from transfer_advisor.services import audit, history
from transfer_advisor.services.extractors import ExtractorService
from transfer_advisor.settings import Settings

BUCKETS = ("hour", "day", "week")


def all_stats(sessions: sessionmaker[Session]) -> dict[str, dict[str, Any]]:
    return {b: history.stats(sessions, "mig", b, HistoryFilter()) for b in BUCKETS}


def approx_means(stats: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Counts exact; means up to summation order (the backfill's SUM vs one upsert per insert)."""
    return {b: {**s, "buckets": [{**c, "mean_transfer_score": pytest.approx(
        c["mean_transfer_score"], rel=1e-12)} for c in s["buckets"]]} for b, s in stats.items()}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = make_url(postgres_url_or_skip())
    name = f"ta_migr_{uuid.uuid4().hex[:10]}"  # its own database: this test drops every table
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_downgrade_upgrade_keeps_records_and_backfills_stats(empty_url: str) -> None:
    engine = create_engine(empty_url)
    sessions = make_sessionmaker(engine)
    try:
        migrate.upgrade(engine)
        assert {"assessment", "assessment_hour", "assessment_day",
                "chain_head"} <= set(inspect(engine).get_table_names())
        seeded = seed(sessions, "mig", hourly(15, step=timedelta(hours=5)))  # spans 3+ days
        before = all_stats(sessions)

        migrate.downgrade(engine, "0002_history")
        tables = set(inspect(engine).get_table_names())
        assert "assessment_day" not in tables
        assert "assessment_hour" in tables
        migrate.upgrade(engine)  # the daily backfill alone, over the records written at head
        assert audit.verify(sessions, "mig") == audit.Verification(True, len(seeded), None)
        assert all_stats(sessions) == approx_means(before)

        migrate.downgrade(engine, "0001")
        tables = set(inspect(engine).get_table_names())
        assert not {"assessment_hour", "assessment_day"} & tables
        assert "assessment" in tables
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("assessment")}
        assert "ix_assessment_tenant_source" in indexes
        assert "ix_assessment_tenant_source_seq" not in indexes

        migrate.upgrade(engine)
        with sessions() as session:
            ids = session.scalars(select(AssessmentRow.id).order_by(AssessmentRow.seq)).all()
        assert list(ids) == [r.id for r in seeded]
        # The backfills must write exactly the hours and days the application writes: verify
        # compares both.
        assert audit.verify(sessions, "mig") == audit.Verification(True, len(seeded), None)
        assert all_stats(sessions) == approx_means(before)
        assert len(before["day"]["buckets"]) > 1
        for bucket in BUCKETS:
            assert before[bucket]["total"] == len(seeded)
            assert sum(before[bucket]["totals"][s] for s in STRATEGIES) == len(seeded)

        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert {"assessment_hour", "assessment_day"} <= set(inspect(engine).get_table_names())
        assert audit.verify(sessions, "mig").checked == 0
    finally:
        engine.dispose()


def _old_extractor_rows(names: list[str]) -> list[dict[str, Any]]:
    """Rows as the schema before 0004 stores them (keyed by name, no tenant)."""
    meta = image_metadata("x")
    return [{"name": name, "version": "1", "modality": "image", "input_spec": meta["input"],
             "output_name": "features", "output_dim": 8, "sha256": f"{i:064x}",
             "tokenizer_sha256": None, "preprocessing": {}, "bundled": False,
             "created_at": datetime.now(UTC), "description": "before tenants"}
            for i, name in enumerate(names)]


def test_extractors_from_before_tenants_become_shared_and_survive_down_up(
        empty_url: str, tmp_path: Path) -> None:
    engine = create_engine(empty_url)
    sessions = make_sessionmaker(engine)
    old = sa.table("extractor", *(sa.column(c) for c in (
        "name", "version", "modality", "output_name", "output_dim", "sha256",
        "tokenizer_sha256", "bundled", "description")),
        sa.column("input_spec", sa.JSON), sa.column("preprocessing", sa.JSON),
        sa.column("created_at", UTCDateTime()))
    try:
        migrate.upgrade(engine, "0003_daily_rollup")
        with engine.begin() as conn:
            conn.execute(sa.insert(old), _old_extractor_rows(["old-a", "old-b"]))
        migrate.upgrade(engine)
        service = ExtractorService(Settings(data_dir=tmp_path / "data", database_url=empty_url),
                                   sessions)
        for tenant in ("t1", "t2", None):  # nothing disappears: every tenant still sees them
            assert {"old-a", "old-b"} <= {e.name for e in service.list(tenant)}
            found = service.find("old-a", tenant)
            assert found is not None
            assert found.description == "before tenants"
        for tenant in ("t1", "t2"):
            service.register(image_model(), image_metadata("dup"), tenant=tenant)
        with pytest.raises(Conflict):  # a shared name is not a tenant's to take
            service.register(image_model(seed=1), image_metadata("old-a"), tenant="t1")

        # Step down to the per-tenant revision first: SQLite's DDL is not transactional here, so
        # a refused multi-step downgrade would leave the later revisions already undone.
        migrate.downgrade(engine, "0004_tenant_extractors")
        with pytest.raises(RuntimeError, match=r"more than one tenant.*: dup\."):
            migrate.downgrade(engine, "0003_daily_rollup")
        assert service.find("dup", "t2") is not None  # refused, so nothing changed
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM extractor WHERE tenant = 't2'"))
        migrate.downgrade(engine, "0003_daily_rollup")
        columns = {c["name"] for c in inspect(engine).get_columns("extractor")}
        assert "tenant" not in columns
        assert inspect(engine).get_pk_constraint("extractor")["constrained_columns"] == ["name"]
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name FROM extractor ORDER BY name")).scalars()
            assert list(names) == ["dup", "old-a", "old-b"]

        migrate.upgrade(engine)  # downgrading made t1's global; upgrading keeps it shared
        with sessions() as session:
            rows = session.scalars(select(ExtractorRow).order_by(ExtractorRow.name)).all()
            assert [(r.name, r.tenant) for r in rows] == [
                ("dup", None), ("old-a", None), ("old-b", None)]
        assert "dup" in {e.name for e in service.list("t2")}
        service.register(image_model(), image_metadata("new-one"), tenant="t2")
        assert service.find("new-one", "t1") is None
    finally:
        engine.dispose()
