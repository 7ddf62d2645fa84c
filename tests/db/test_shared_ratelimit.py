"""The PostgreSQL rate limiter: one bucket per key for every process, spent atomically in one
round trip, refilled by the database's clock, and closed (503) when the database fails."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from tests.db.test_outage import TcpProxy

from transfer_advisor.api.ratelimit import TokenBucket
from transfer_advisor.app import create_app, rate_limiter
from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_engine, make_limiter_engine
from transfer_advisor.db.ratelimit import SharedTokenBucket
from transfer_advisor.services import keys
from transfer_advisor.settings import Settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_settings(postgres_database: str, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path, database_url=postgres_database, auth="required",
                        rate_limit_per_second=0.2, rate_limit_burst=3)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    return settings


@pytest.fixture
def engines(pg_settings: Settings) -> Iterator[list[Engine]]:
    """Two limiter pools, as two service processes would have."""
    created = [make_limiter_engine(pg_settings) for _ in range(2)]
    yield created
    for engine in created:
        engine.dispose()


def fresh_key() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_the_app_picks_the_shared_bucket_on_postgres_only(pg_settings: Settings) -> None:
    shared = rate_limiter(pg_settings)
    assert isinstance(shared, SharedTokenBucket)
    shared.close()
    assert isinstance(rate_limiter(pg_settings.model_copy(update={"database_url": None})),
                      TokenBucket)


def test_concurrent_takes_from_two_pools_spend_the_burst_exactly_once(
        engines: list[Engine]) -> None:
    buckets = [SharedTokenBucket(engine, rate=0.001, burst=20) for engine in engines]
    key = fresh_key()
    with ThreadPoolExecutor(16) as pool:
        waits = list(pool.map(lambda i: buckets[i % 2].take(key), range(100)))
    assert sum(w == 0.0 for w in waits) == 20
    assert all(w > 900 for w in waits if w)  # about 1/0.001 s for the next token


def test_refill_at_rate_and_retry_after(engines: list[Engine]) -> None:
    bucket = SharedTokenBucket(engines[0], rate=4.0, burst=2)
    key = fresh_key()
    assert [bucket.take(key) for _ in range(2)] == [0.0, 0.0]
    wait = bucket.take(key)
    assert 0 < wait <= 0.25
    time.sleep(wait + 0.05)
    assert bucket.take(key) == 0.0
    other = SharedTokenBucket(engines[1], rate=4.0, burst=2)
    assert other.take(key) > 0  # the other process sees the same empty bucket
    assert other.take(fresh_key()) == 0.0  # and each key has its own


class CountingProxy(TcpProxy):
    """Counts what the client sends: one flight of messages per round trip."""

    flights = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        self.open |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, count: bool) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    self.flights += count
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False))


def test_one_round_trip_per_take(pg_settings: Settings) -> None:
    url = make_url(pg_settings.resolved_database_url)
    with CountingProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        engine = make_limiter_engine(pg_settings.model_copy(update={"database_url": through}))
        bucket = SharedTokenBucket(engine, rate=1.0, burst=5)
        key = fresh_key()
        bucket.take(key)  # connecting and the dialect's first-connect queries
        time.sleep(0.1)
        before = proxy.flights
        for _ in range(4):
            bucket.take(key)
        time.sleep(0.1)
        flights = proxy.flights - before
        engine.dispose()
    assert flights == 4  # no BEGIN, COMMIT or pre-ping


def test_sweep_forgets_only_full_buckets(engines: list[Engine]) -> None:
    def stored(key: str) -> bool:
        with engines[0].connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM rate_bucket WHERE key = :k"),
                                     {"k": key}).scalar())

    slow = SharedTokenBucket(engines[0], rate=0.001, burst=1)  # full again after 1000 s
    fast = SharedTokenBucket(engines[0], rate=1000.0, burst=1)  # after 1 ms
    key = fresh_key()
    slow.take(key)
    time.sleep(0.05)
    slow.sweep()
    assert stored(key)  # 50 ms of refill at 0.001/s: forgetting it would hand out a token
    fast.sweep()
    assert not stored(key)


def test_across_two_apps_one_key_gets_the_burst_once(pg_settings: Settings,
                                                      tmp_path: Path) -> None:
    with TestClient(create_app(pg_settings), raise_server_exceptions=False) as one, \
            TestClient(create_app(pg_settings), raise_server_exceptions=False) as two:
        _, key = keys.create_key(one.app.state.sessions, f"rl-{uuid.uuid4().hex[:6]}", ["read"])  # type: ignore[attr-defined]
        headers = {"Authorization": f"Bearer {key}"}
        statuses = [(one, two)[i % 2].get("/assessments", headers=headers) for i in range(6)]
        assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429, 429]
        assert statuses[3].json()["limit"] == "rate_limit_per_second"
        assert 1 <= int(statuses[3].headers["retry-after"]) <= 5  # 1 token at 0.2/s


def test_database_error_fails_closed(pg_settings: Settings) -> None:
    """A limiter that cannot reach the database refuses with 503 + Retry-After rather than
    letting the request through (see db/ratelimit.py for why)."""
    dead = pg_settings.model_copy(update={
        "database_url": "postgresql+psycopg://postgres@127.0.0.1:9/none", "auth": "disabled"})
    with TestClient(create_app(pg_settings.model_copy(update={"auth": "disabled"})),
                    raise_server_exceptions=False) as client:
        assert client.get("/assessments").status_code == 200
        client.app.state.rate_limiter = rate_limiter(dead)  # type: ignore[attr-defined]
        refused: Any = client.get("/assessments")
        client.app.state.rate_limiter.close()  # type: ignore[attr-defined]
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["type"] == "/problems/database-unavailable"


def test_a_broken_pooled_connection_costs_no_request(pg_settings: Settings,
                                                     postgres_database: str) -> None:
    """Without pre-ping, a connection the server dropped fails its next take; the limiter
    retries that once on a fresh connection instead of answering 503."""
    engine = make_limiter_engine(pg_settings)
    bucket = SharedTokenBucket(engine, rate=1.0, burst=5)
    key = fresh_key()
    try:
        assert bucket.take(key) == 0.0
        admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # terminate every idle backend of the limiter's pool
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                              "AND state = 'idle' AND query LIKE '%rate_bucket%'"))
        admin.dispose()
        time.sleep(0.2)
        assert bucket.take(key) == 0.0
    finally:
        engine.dispose()
