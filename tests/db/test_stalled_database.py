"""A stalled database (connection open, no bytes) is answered 503 + Retry-After within the
configured bound, and stores nothing half: after recovery the chain verifies and every record
is one a client saw or gets back by retrying with its Idempotency-Key.

The app reaches PostgreSQL through a forwarder (tests/db/test_outage.py) that can stall: it
keeps accepting and acknowledging at the TCP level but forwards nothing, which neither
statement_timeout (the server never sees the bytes) nor keepalives can notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from tests.databases import forget_registered_extractors
from tests.db.test_outage import TcpProxy, request_body

from transfer_advisor.app import create_app
from transfer_advisor.db.deadline import WATCHDOG
from transfer_advisor.db.engine import STALL_GRACE_SECONDS, postgres_connect_args
from transfer_advisor.settings import Settings

BOUNDS = {"db_connect_timeout_seconds": 2, "db_statement_timeout_seconds": 2.0,
          "db_lock_timeout_seconds": 1.0, "db_idle_in_transaction_timeout_seconds": 4.0,
          "db_pool_timeout_seconds": 2.0}
STALLED_ROUND_TRIP = BOUNDS["db_statement_timeout_seconds"] + STALL_GRACE_SECONDS
# A request that meets the stall on a pooled connection: the round trip, then one reconnect.
STALLED_REQUEST = STALLED_ROUND_TRIP + BOUNDS["db_connect_timeout_seconds"]
SLACK = 1.5  # the watchdog's tick, thread hand-offs and a busy 2-core machine


class StallingProxy(TcpProxy):
    """`stall()` blackholes every connection, open or new, while the TCP side stays up;
    `stall_at_commit(forward=...)` stalls the moment a COMMIT passes, with that COMMIT dropped
    or delivered (then only its reply is lost); `recover()` drops the stalled connections (as a
    server coming back finds its clients gone) and forwards new ones again."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        super().__init__(upstream_host, upstream_port)
        self.stalled = False
        self.commit_trap: bool | None = None  # None: off; else whether the COMMIT goes through

    def stall(self) -> None:
        self.stalled = True

    def stall_at_commit(self, *, forward: bool) -> None:
        self.commit_trap = forward

    def cut(self) -> None:
        self.stalled = False
        super().cut()

    def recover(self) -> None:
        async def drop() -> None:
            self.stalled, self.commit_trap = False, None
            for writer in list(self.open):
                writer.transport.abort()
            self.open.clear()
        self._run(drop())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open.add(writer)
        if self.stalled:
            await self._swallow(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self.open.add(up_writer)

        async def to_server() -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while data := await reader.read(65536):
                    if self.commit_trap is not None and data[:1] == b"Q" and b"COMMIT\0" in data:
                        forward, self.commit_trap, self.stalled = self.commit_trap, None, True
                        if forward:
                            up_writer.write(data)
                        continue
                    if not self.stalled:
                        up_writer.write(data)
                        await up_writer.drain()
            up_writer.transport.abort()

        async def to_client() -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while data := await up_reader.read(65536):
                    if not self.stalled:
                        writer.write(data)
                        await writer.drain()
            while self.stalled and not writer.is_closing():  # a stalled server closes nothing
                await asyncio.sleep(0.05)
            writer.transport.abort()

        await asyncio.gather(to_server(), to_client())
        self.open -= {writer, up_writer}

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while await reader.read(65536):
                pass


@pytest.fixture
def stalling(postgres_database: str, tmp_path: Path) -> Iterator[tuple[TestClient, StallingProxy]]:
    forget_registered_extractors(postgres_database)
    url = make_url(postgres_database)
    with StallingProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = Settings(data_dir=tmp_path / "data", database_url=through, auth="disabled",
                            default_tenant=f"stall-{uuid.uuid4().hex[:8]}", **BOUNDS)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, proxy


def timed_post(client: TestClient, key: str, i: int) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.post("/assess", json=request_body(i), headers={"Idempotency-Key": key})
    return response, time.monotonic() - started


def assert_database_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["type"] == "/problems/database-unavailable"


def listed_ids(client: TestClient) -> list[str]:
    page = client.get("/assessments", params={"limit": 500}).json()
    assert page["next_cursor"] is None
    return [item["id"] for item in page["items"]]


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("commit_delivered", [False, True], ids=["commit-lost", "reply-lost"])
def test_stall_is_a_prompt_503_and_stores_nothing_half(
        stalling: tuple[TestClient, StallingProxy], commit_delivered: bool) -> None:
    client, proxy = stalling
    seen = {f"before-{i}": timed_post(client, f"before-{i}", i)[0] for i in range(3)}
    assert {r.status_code for r in seen.values()} == {201}
    fired = WATCHDOG.fired

    # The stall starts inside the append: its COMMIT is lost, or reaches the server and only
    # the reply is lost (the case: a record the client never saw).
    proxy.stall_at_commit(forward=commit_delivered)
    at_commit, took_at_commit = timed_post(client, "at-commit", 100)
    assert_database_unavailable(at_commit)
    assert took_at_commit <= STALLED_ROUND_TRIP + SLACK, took_at_commit

    # A request that starts during the stall: a stalled pre-ping, then a stalled reconnect.
    during, took_during = timed_post(client, "during", 101)
    assert_database_unavailable(during)
    assert took_during <= STALLED_REQUEST + SLACK, took_during
    assert WATCHDOG.fired > fired  # the client-side deadline ended them, not a TCP timeout
    print(f"\nstalled: at commit {took_at_commit:.2f} s (bound {STALLED_ROUND_TRIP:g}), "
          f"new request {took_during:.2f} s (bound {STALLED_REQUEST:g})")

    recovered_at = datetime.now(UTC)
    proxy.recover()  # the app is not restarted
    for key, i in (("at-commit", 100), ("during", 101)):
        retried, _ = timed_post(client, key, i)
        assert retried.status_code == 201, retried.text
        seen[key] = retried
    # The retry found the record whose reply was lost, or stored the one whose COMMIT was.
    stored_at = datetime.fromisoformat(seen["at-commit"].json()["created_at"])
    assert (stored_at < recovered_at) is commit_delivered
    assert timed_post(client, "at-commit", 100)[0].json() == seen["at-commit"].json()

    # Nothing half-stored: exactly the records the clients hold, one chain without a gap.
    ids = sorted(r.json()["id"] for r in seen.values())
    assert len(set(ids)) == len(seen)
    assert sorted(listed_ids(client)) == ids
    audit = client.get("/audit/verify").json()
    assert audit == {**audit, "ok": True, "checked": len(ids)}


@pytest.mark.postgres
@pytest.mark.slow
def test_a_request_meeting_a_stalled_pooled_connection(
        stalling: tuple[TestClient, StallingProxy]) -> None:
    """The longest path: the pool's pre-ping stalls, then its reconnect does."""
    client, proxy = stalling
    assert timed_post(client, "before", 1)[0].status_code == 201
    proxy.stall()
    response, took = timed_post(client, "stalled", 2)
    assert_database_unavailable(response)
    assert STALLED_ROUND_TRIP <= took <= STALLED_REQUEST + SLACK, took
    print(f"\nstalled: pooled connection {took:.2f} s (bound {STALLED_REQUEST:g})")
    proxy.recover()
    assert timed_post(client, "stalled", 2)[0].status_code == 201
    assert client.get("/audit/verify").json()["checked"] == 2


@pytest.mark.postgres
def test_a_stalled_session_does_not_hold_the_chain_lock(
        stalling: tuple[TestClient, StallingProxy], postgres_database: str, tmp_path: Path) -> None:
    """The stalled append still holds its tenant's chain-head lock on the server; the server
    ends that session after db_idle_in_transaction_timeout_seconds, so another replica that
    reaches the database directly appends again without waiting for the stall to end."""
    client, proxy = stalling
    tenant = client.app.state.settings.default_tenant  # type: ignore[attr-defined]
    assert timed_post(client, "first", 1)[0].status_code == 201
    proxy.stall_at_commit(forward=False)
    assert_database_unavailable(timed_post(client, "lost", 2)[0])

    direct = Settings(data_dir=tmp_path / "direct", database_url=postgres_database,
                      auth="disabled", default_tenant=tenant, **BOUNDS)
    with TestClient(create_app(direct), raise_server_exceptions=False) as replica:
        deadline = time.monotonic() + BOUNDS["db_idle_in_transaction_timeout_seconds"] + 5
        while (response := timed_post(replica, "second", 3)[0]).status_code == 503:
            assert time.monotonic() < deadline, "the stalled session kept the chain lock"
        assert response.status_code == 201, response.text
        proxy.recover()
        assert replica.get("/audit/verify").json()["checked"] == 2
        assert len(listed_ids(replica)) == 2


def test_postgres_connections_carry_the_bounds() -> None:
    settings = Settings(database_url="postgresql://u@db/x?options=-c%20search_path%3Dta",
                        **BOUNDS)
    args = postgres_connect_args(settings)
    assert args["connect_timeout"] == 2
    assert args["options"].split(" -c ") == [
        "-c lock_timeout=1000", "statement_timeout=2000",
        "idle_in_transaction_session_timeout=4000", "search_path=ta"]
    assert args["tcp_user_timeout"] == 3000
    assert args["keepalives"] == 1
    explicit = Settings(database_url="postgresql://u@db/x?connect_timeout=9")
    assert "connect_timeout" not in postgres_connect_args(explicit)  # the URL's own value wins


def test_sqlite_busy_timeout_is_the_lock_bound(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, auth="disabled", db_lock_timeout_seconds=1.0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        holder = create_engine(settings.resolved_database_url, isolation_level="AUTOCOMMIT")
        with holder.connect() as conn:
            conn.execute(text("BEGIN IMMEDIATE"))  # another process holds the write lock
            response, took = timed_post(client, "k", 1)
            conn.execute(text("ROLLBACK"))
        holder.dispose()
        assert_database_unavailable(response)
        assert took <= 1.0 + SLACK, took
        assert timed_post(client, "k", 1)[0].status_code == 201


@pytest.mark.parametrize("auth", ["disabled", "required"])
def test_pool_exhaustion_is_503_not_500(tmp_path: Path, auth: str) -> None:
    """A pool checkout that times out is an outage, also in the auth gate (before the app's
    own error handlers)."""
    settings = Settings(data_dir=tmp_path, auth=auth)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        def exhausted() -> Any:
            raise PoolTimeout("QueuePool limit of size 10 overflow 20 reached")

        client.app.state.sessions = exhausted  # type: ignore[attr-defined]
        response = client.get("/assessments", headers={"Authorization": "Bearer ta_x"})
        assert_database_unavailable(response)
