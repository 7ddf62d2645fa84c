"""Alembic upgrade -> downgrade -> upgrade on SQLite and on a fresh PostgreSQL database, with
records written in between: they survive, and the stats rollup is backfilled exactly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from tests.conftest import postgres_url_or_skip
from tests.history_seed import STRATEGIES, hourly, seed

from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_sessionmaker
from transfer_advisor.db.models import AssessmentRow
from transfer_advisor.db.repositories import HistoryFilter
from transfer_advisor.services import audit, history


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
        assert {"assessment", "assessment_hour", "chain_head"} <= set(inspect(engine).get_table_names())
        seeded = seed(sessions, "mig", hourly(15))
        before = history.stats(sessions, "mig", "hour", HistoryFilter())

        migrate.downgrade(engine, "0001")
        tables = set(inspect(engine).get_table_names())
        assert "assessment_hour" not in tables
        assert "assessment" in tables
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("assessment")}
        assert "ix_assessment_tenant_source" in indexes
        assert "ix_assessment_tenant_source_seq" not in indexes

        migrate.upgrade(engine)
        with sessions() as session:
            ids = session.scalars(select(AssessmentRow.id).order_by(AssessmentRow.seq)).all()
        assert list(ids) == [r.id for r in seeded]
        # The backfill must write exactly the hours the application writes: verify compares.
        assert audit.verify(sessions, "mig") == audit.Verification(True, len(seeded), None)
        assert history.stats(sessions, "mig", "hour", HistoryFilter()) == before
        assert before["total"] == len(seeded)
        assert sum(before["totals"][s] for s in STRATEGIES) == len(seeded)

        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert "assessment_hour" in set(inspect(engine).get_table_names())
        assert audit.verify(sessions, "mig").checked == 0
    finally:
        engine.dispose()
