"""A client-side deadline on every PostgreSQL round trip.

A server (or a network path) that accepted the connection but never answers hangs a blocking
driver forever: `statement_timeout` cannot help because the server is the part that is stalled,
and TCP keepalives or `tcp_user_timeout` fire only when the peer's TCP stack is gone as well.
So each round trip is registered with a watchdog thread; one that is overdue gets its socket
shut down, psycopg raises OperationalError (connection lost), SQLAlchemy discards the
connection, and the request is answered 503. The server never saw a COMMIT that was not sent;
one whose reply was lost is what the Idempotency-Key retry covers.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from typing import Any, TypeVar

import psycopg
from psycopg.abc import PQGen

RV = TypeVar("RV")
TICK_SECONDS = 0.1  # how late past its deadline a stalled round trip may be noticed


class Watchdog:
    """Shuts down the sockets of round trips still running past their deadline."""

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket fd)
        self._tokens = itertools.count()
        self._lock = threading.Lock()
        self._work = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, fd: int, seconds: float) -> int:
        token = next(self._tokens)
        with self._lock:
            self._armed[token] = (time.monotonic() + seconds, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-deadline",
                                                daemon=True)
                self._thread.start()
        self._work.set()
        return token

    def disarm(self, token: int) -> None:
        with self._lock:  # after this, the socket is never touched for this round trip
            self._armed.pop(token, None)

    def _run(self) -> None:
        while True:
            self._work.wait()
            time.sleep(TICK_SECONDS)
            with self._lock:
                now = time.monotonic()
                for token, (deadline, fd) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        _shut_down(fd)
                        self.fired += 1
                if not self._armed:
                    self._work.clear()


def _shut_down(fd: int) -> None:
    # A duplicate of the descriptor: shutdown acts on the socket, and closing the duplicate
    # leaves libpq's own descriptor (closed later by the driver) alone.
    try:
        dup = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


WATCHDOG = Watchdog()


class DeadlineConnection(psycopg.Connection[Any]):
    """psycopg connection whose every wait for the server (query, fetch, commit, ping) is
    bounded by `round_trip_deadline` seconds; None leaves it unbounded (migrations)."""

    round_trip_deadline: float | None = None

    def wait(self, gen: PQGen[RV], *args: Any, **kwargs: Any) -> RV:
        seconds = self.round_trip_deadline
        if not seconds:
            return super().wait(gen, *args, **kwargs)
        token = WATCHDOG.arm(self.pgconn.socket, seconds)
        try:
            return super().wait(gen, *args, **kwargs)
        finally:
            WATCHDOG.disarm(token)
