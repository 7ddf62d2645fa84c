"""Fixtures shared by every tier: test settings per database backend and an API client.

PostgreSQL runs when TRANSFER_ADVISOR_TEST_POSTGRES_URL is set (CI sets it; there a missing URL
is an error, not a skip). Each test gets its own tenant, so tests never see each other's records.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.databases import forget_registered_extractors
from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

POSTGRES_ENV = "TRANSFER_ADVISOR_TEST_POSTGRES_URL"


def postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} must be set in CI: the PostgreSQL tests may not skip there")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)")
    return Settings(database_url=url).resolved_database_url


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    base = make_url(postgres_url_or_skip())
    name = f"ta_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _isolated_extractor_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Extractors the user built into ~/.cache must not leak into tests, and no test downloads
    MiniLM's weights (a `serve` builds the text models only where they are installed)."""
    monkeypatch.setenv("TRANSFER_ADVISOR_EXTRACTOR_CACHE_DIR", str(tmp_path / "extractor-cache"))
    monkeypatch.setenv("TRANSFER_ADVISOR_FETCH_EXTRACTOR_WEIGHTS", "false")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    url = None
    if backend == "postgres":
        url = request.getfixturevalue("postgres_database")
        forget_registered_extractors(url)
    return Settings(data_dir=tmp_path / "data", database_url=url, auth="disabled",
                    default_tenant=f"tenant-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client
