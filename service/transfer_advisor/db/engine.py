"""Engine and session factory from Settings, with every database wait bounded.

PostgreSQL: connect timeout, server-side statement, lock and idle-in-transaction timeouts (sent
as startup `options`, so no extra round trip), TCP keepalives and `tcp_user_timeout`, a bounded
pool checkout, and a client-side deadline per round trip (db/deadline.py). SQLite: WAL and a
busy timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ..settings import Settings

# Execution option marking a read-then-write transaction (BEGIN IMMEDIATE on SQLite).
WRITE_TRANSACTION = "transfer_advisor_write"
# A round trip with no answer this long after the server should have cancelled it is a stall.
STALL_GRACE_SECONDS = 1.0


def is_postgres(settings: Settings) -> bool:
    return make_url(settings.resolved_database_url).get_backend_name() == "postgresql"


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        return _sqlite_engine(settings, url)
    # Pre-ping so a connection broken by an outage is replaced, not handed to a request.
    return _postgres_engine(settings, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_limiter_engine(settings: Settings) -> Engine:
    """A small autocommit pool for the shared rate limiter: one statement per request, no
    BEGIN/COMMIT and no pre-ping round trip (a broken connection fails one take, which the
    limiter retries once on a fresh connection)."""
    return _postgres_engine(settings, pool_pre_ping=False, pool_size=5, max_overflow=10,
                            isolation_level="AUTOCOMMIT")


def stall_deadline(settings: Settings) -> float | None:
    """Seconds a round trip may go unanswered before the client gives up (None: never)."""
    statement = settings.db_statement_timeout_seconds
    return statement + STALL_GRACE_SECONDS if statement > 0 else None


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def postgres_connect_args(settings: Settings) -> dict[str, Any]:
    """libpq parameters bounding each wait; the URL's own `options` come last and win."""
    options = [f"-c lock_timeout={_ms(settings.db_lock_timeout_seconds)}"]
    if settings.db_statement_timeout_seconds > 0:
        options.append(f"-c statement_timeout={_ms(settings.db_statement_timeout_seconds)}")
    if settings.db_idle_in_transaction_timeout_seconds > 0:
        options.append("-c idle_in_transaction_session_timeout="
                       f"{_ms(settings.db_idle_in_transaction_timeout_seconds)}")
    query = make_url(settings.resolved_database_url).query
    given = query.get("options")
    options += [given] if isinstance(given, str) else list(given or ())
    args: dict[str, Any] = {
        "connect_timeout": settings.db_connect_timeout_seconds,
        "options": " ".join(options),
        # An idle pooled connection to a vanished host is noticed within about a minute.
        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    }
    deadline = stall_deadline(settings)
    if deadline is not None:
        # Unacknowledged data (a partitioned network) fails the connection as fast as a stall.
        args["tcp_user_timeout"] = _ms(deadline)
    # connect_args would override the URL's query; an operator's explicit choice wins instead.
    return {k: v for k, v in args.items() if k == "options" or k not in query}


def _postgres_engine(settings: Settings, **pool: Any) -> Engine:
    engine = create_engine(settings.resolved_database_url, pool_timeout=settings.db_pool_timeout_seconds,
                           connect_args=postgres_connect_args(settings), **pool)
    deadline = stall_deadline(settings)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        from .deadline import DeadlineConnection

        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.round_trip_deadline = deadline
        return connection

    return engine


@contextmanager
def without_round_trip_deadline(connection: Connection) -> Iterator[None]:
    """Lift the client-side deadline for work that may legitimately take long (migrations)."""
    raw = connection.connection.dbapi_connection
    saved = getattr(raw, "round_trip_deadline", None)
    if saved is not None:
        raw.round_trip_deadline = None  # type: ignore[union-attr]
    try:
        yield
    finally:
        if saved is not None:
            raw.round_trip_deadline = saved  # type: ignore[union-attr]


def _sqlite_engine(settings: Settings, url: str) -> Engine:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    busy = settings.db_lock_timeout_seconds
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _begin).
        conn.isolation_level = None
        cursor = conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_ms(busy)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # A writer that first reads (the chain head) must hold the write lock from the start:
        # upgrading a WAL read snapshot fails at once with SQLITE_BUSY instead of waiting.
        immediate = conn.get_execution_options().get(WRITE_TRANSACTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def read_snapshot(session: Session) -> None:
    """Make every later read of `session`'s transaction see one snapshot of the database.

    Call first, before any statement. Verification compares rows read by several statements
    (records, then the chain head and the rollups): under PostgreSQL's default read committed,
    a record appended in between would look like a deleted or uncounted one. SQLite's BEGIN
    (see `_begin`) already reads one WAL snapshot per transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
