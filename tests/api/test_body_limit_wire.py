"""An oversize body gets its 413 while the client is still sending, over a real socket.

The app runs under uvicorn (its h11 protocol) on a loopback port in this process. A raw-socket
client declares a body over the limit (or streams one chunked) and keeps sending; the 413 must
reach it, complete, before the server closes or resets the connection, and without the server
waiting for the whole body.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import h11
import pytest
import uvicorn

from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

LIMIT = 64 * 1024
CHUNK = b"[" + b"1.0," * 4095 + b"1.0]"  # 16 KiB of a JSON-ish body


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[str, int]]:
    app = create_app(settings.model_copy(update={"max_body_bytes": LIMIT}))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on", http="h11")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield "127.0.0.1", port
    srv.should_exit = True
    thread.join(timeout=10)


def read_response(sock: socket.socket, conn: h11.Connection) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = 0, {}, b""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(sock.recv(65536))
            continue
        if isinstance(event, h11.Response):
            status = event.status_code
            headers = {k.decode(): v.decode() for k, v in event.headers}
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return status, headers, body


class Sender(threading.Thread):
    """Keeps sending body chunks until told to stop or the server stops reading."""

    def __init__(self, sock: socket.socket, conn: h11.Connection, total: int) -> None:
        super().__init__(daemon=True)
        self.sock, self.conn, self.total = sock, conn, total
        self.sent = 0
        self.stop = threading.Event()
        self.write_error: OSError | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set() and self.sent < self.total:
                piece = CHUNK[: self.total - self.sent]
                self.sock.sendall(self.conn.send(h11.Data(data=piece)) or b"")
                self.sent += len(piece)
        except (OSError, h11.LocalProtocolError) as exc:  # the server closed after answering
            self.write_error = exc if isinstance(exc, OSError) else None


def post(address: tuple[str, int], headers: list[tuple[str, str]]) -> tuple[socket.socket, h11.Connection]:
    sock = socket.create_connection(address, timeout=20)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
    conn = h11.Connection(h11.CLIENT)
    sock.sendall(conn.send(h11.Request(method="POST", target="/assess", headers=[
        ("Host", "test"), ("Content-Type", "application/json"), *headers])) or b"")
    return sock, conn


def assert_413(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413
    assert headers["content-type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == 413
    assert problem["limit"] == "max_body_bytes"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_declared_length_over_the_limit_is_answered_before_the_body(
        server: tuple[str, int]) -> None:
    declared = 512 * 1024 * 1024  # far more than will ever be sent
    sock, conn = post(server, [("Content-Length", str(declared))])
    with contextlib.closing(sock):
        sender = Sender(sock, conn, declared)
        sender.start()
        try:
            status, headers, body = read_response(sock, conn)  # while the sender still sends
        finally:
            sender.stop.set()
            sender.join(timeout=10)
        assert_413(status, headers, body)
        assert "512" in json.loads(body)["detail"] or str(declared) in json.loads(body)["detail"]
        assert sender.sent < declared  # answered long before the body was through


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_chunked_body_is_cut_at_the_limit_while_still_streaming(server: tuple[str, int]) -> None:
    sock, conn = post(server, [("Transfer-Encoding", "chunked")])
    total = 256 * 1024 * 1024
    with contextlib.closing(sock):
        sender = Sender(sock, conn, total)
        sender.start()
        try:
            status, headers, body = read_response(sock, conn)
        finally:
            sender.stop.set()
            sender.join(timeout=10)
        assert_413(status, headers, body)
        assert "at least" in json.loads(body)["detail"]
        assert sender.sent < total
