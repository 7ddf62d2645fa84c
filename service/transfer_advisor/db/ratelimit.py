"""The rate limiter shared by every process and replica on one PostgreSQL database.

One token bucket per key in `rate_bucket`, refilled and spent by a single upsert whose row lock
serialises concurrent takes of one key; time is the database's `clock_timestamp()`, so the
hosts' clocks never meet. One round trip per request (autocommit pool, no pre-ping).

On a database error the limiter fails closed: the error reaches the problem handlers and the
request is answered 503 + Retry-After. Every limited endpoint needs the database anyway, so
failing open would only add a second wait on the same outage and let a flood through to a
database that is already struggling.
"""

from __future__ import annotations

import itertools

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ..token_bucket import BucketLimiter

SWEEP_EVERY = 1000  # takes per process between deletions of buckets that are full again

_REFILLED = ("LEAST(CAST(:burst AS double precision), b.tokens + CAST(:rate AS double precision)"
             " * GREATEST(0, EXTRACT(EPOCH FROM excluded.updated_at - b.updated_at)"
             "::double precision))")
# `excluded.updated_at` is this statement's clock reading, taken before it waited for the row
# lock: a take that waited behind a later one refills nothing and keeps the later time.
TAKE = text(f"""
INSERT INTO rate_bucket AS b (key, tokens, updated_at, allowed)
VALUES (:key, CAST(:burst AS double precision) - 1, clock_timestamp(), true)
ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN {_REFILLED} >= 1 THEN {_REFILLED} - 1 ELSE {_REFILLED} END,
    allowed = {_REFILLED} >= 1,
    updated_at = GREATEST(b.updated_at, excluded.updated_at)
RETURNING tokens, allowed
""")
SWEEP = text("DELETE FROM rate_bucket "
             "WHERE updated_at < clock_timestamp() - make_interval(secs => :full_after)")


class SharedTokenBucket(BucketLimiter):
    """`rate` requests per second per key on average, bursts up to `burst`, across processes."""

    def __init__(self, engine: Engine, rate: float, burst: int) -> None:
        self.engine = engine
        self.rate = rate
        self.burst = burst
        self._takes = itertools.count(1)

    def _spend(self, key: str) -> tuple[float, bool]:
        params = {"key": key, "burst": self.burst, "rate": self.rate}
        try:
            tokens, allowed = self._execute(params)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            # A pooled connection broken since its last use (no pre-ping): once more, fresh.
            tokens, allowed = self._execute(params)
        if next(self._takes) % SWEEP_EVERY == 0:
            self.sweep()
        return tokens, allowed

    def _execute(self, params: dict[str, object]) -> tuple[float, bool]:
        with self.engine.connect() as connection:
            row = connection.execute(TAKE, params).one()
        return float(row.tokens), bool(row.allowed)

    def sweep(self) -> None:
        """Forget buckets that have refilled completely: forgetting them changes nothing."""
        with self.engine.connect() as connection:
            connection.execute(SWEEP, {"full_after": self.full_after})

    def close(self) -> None:
        self.engine.dispose()
