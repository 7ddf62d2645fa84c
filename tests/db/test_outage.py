"""PostgreSQL outage mid-traffic: 503 + Retry-After while it is gone, recovery without a
restart when it returns, every 201 retrievable, no partial or duplicate record.

Stopping the machine's PostgreSQL would disturb everyone else's tests, so the app talks to it
through a small asyncio TCP forwarder that the test cuts (listener closed, every open
connection aborted) and restores on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from tests.databases import forget_registered_extractors
from tests.payloads import summary_of

from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

pytestmark = pytest.mark.postgres


class TcpProxy:
    """Forwards 127.0.0.1:<port> to an upstream host:port; `cut()` and `restore()` simulate an
    outage of the upstream as the client sees it (refused connects, dropped connections)."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.AbstractServer | None = None
        self.open: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> TcpProxy:
        self.thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    def restore(self) -> None:
        async def listen() -> None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port,
                                                     reuse_address=True)
        self._run(listen())

    def cut(self) -> None:
        async def close() -> None:
            if self.server is not None:
                self.server.close()
                self.server = None
            for writer in list(self.open):
                writer.transport.abort()
            self.open.clear()
        self._run(close())

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self.open |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.open -= {writer, up_writer}


@dataclass
class Outcome:
    key: str
    status: int
    body: dict[str, Any]
    retry_after: str | None
    phase: str


@dataclass
class Traffic:
    phase: str = "before"
    stop: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, phase: str, status: int) -> int:
        with self.lock:
            return sum(o.phase == phase and o.status == status for o in self.outcomes)


def request_body(i: int) -> dict[str, Any]:
    rng = np.random.default_rng(i)
    xs, xt = rng.normal(size=(30, 6)), rng.normal(size=(30, 6)) + 0.3
    return {"source": {"name": f"src-{i}", "summary": summary_of(xs)},
            "target": {"name": f"tgt-{i}", "summary": summary_of(xt)},
            "task": {"num_classes": 3, "labeled_examples": 30, "source_modality": "image",
                     "target_modality": "image"}}


def post(client: TestClient, key: str, i: int) -> Any:
    return client.post("/assess", json=request_body(i), headers={"Idempotency-Key": key})


def worker(client: TestClient, traffic: Traffic, worker_id: int) -> None:
    i = 0
    while not traffic.stop:
        i += 1
        key = f"w{worker_id}-{i}"
        phase = traffic.phase
        response = post(client, key, worker_id * 10_000 + i)
        with traffic.lock:
            traffic.outcomes.append(Outcome(key, response.status_code, response.json(),
                                            response.headers.get("retry-after"), phase))
        if response.status_code == 503:
            time.sleep(0.05)  # a polite client backs off


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def proxied(postgres_database: str, tmp_path: Any) -> Iterator[tuple[TestClient, TcpProxy]]:
    forget_registered_extractors(postgres_database)
    url = make_url(postgres_database)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = Settings(data_dir=tmp_path / "data", database_url=through, auth="disabled",
                            default_tenant=f"outage-{uuid.uuid4().hex[:8]}")
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, proxy


def test_outage_mid_traffic(proxied: tuple[TestClient, TcpProxy]) -> None:
    client, proxy = proxied
    traffic = Traffic()
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(worker, client, traffic, w) for w in range(4)]
        try:
            wait_for(lambda: traffic.count("before", 201) >= 8, 60, "traffic before the outage")
            traffic.phase = "outage"
            proxy.cut()
            wait_for(lambda: traffic.count("outage", 503) >= 8, 30, "503s during the outage")
            ready = client.get("/readyz")
            assert ready.status_code == 503
            traffic.phase = "after"
            proxy.restore()  # the app is not restarted
            wait_for(lambda: traffic.count("after", 201) >= 8, 60, "recovery")
        finally:
            traffic.stop = True
            for f in futures:
                f.result()
    assert client.get("/readyz").status_code == 200

    statuses = {o.status for o in traffic.outcomes}
    assert statuses <= {201, 503}, statuses  # never a 500 or a hang-turned-error
    refused = [o for o in traffic.outcomes if o.status == 503]
    assert all(o.retry_after and int(o.retry_after) > 0 for o in refused)
    assert all(o.body["type"] == "/problems/database-unavailable" for o in refused)
    assert traffic.count("after", 201) >= 8  # recovered: new work is stored again

    # Every 201 is durable and retrievable, byte for byte.
    created = {o.key: o.body for o in traffic.outcomes if o.status == 201}
    for body in created.values():
        fetched = client.get(f"/assessments/{body['id']}")
        assert fetched.status_code == 200
        assert fetched.json() == body

    # A 503 may hide a commit that happened just before the connection dropped; the client's
    # retry with the same Idempotency-Key must then return that record, not store a second.
    for o in refused:
        i = int(o.key.split("-")[0][1:]) * 10_000 + int(o.key.split("-")[1])
        retried = post(client, o.key, i)
        assert retried.status_code == 201
        created[o.key] = retried.json()
    ids = [body["id"] for body in created.values()]
    assert len(set(ids)) == len(ids)

    # Nothing else was stored: one record per key, and the tenant's hash chain is intact
    # (a partial or interleaved write would break it).
    listed: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = client.get("/assessments", params=params).json()
        listed += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(listed) == sorted(ids)
    audit = client.get("/audit/verify").json()
    assert audit["ok"] is True
    assert audit["checked"] == len(ids)
