"""Per-key token bucket: `rate` requests per second on average, bursts up to `burst`.

`TokenBucket` keeps its state in the process: the limiter on SQLite, where one host serves (with
several worker processes each enforces its own bucket, so the effective limit is the per-process
limit times the number of processes). On PostgreSQL the app uses the shared bucket of
db/ratelimit.py instead; both satisfy `RateLimiter`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ..token_bucket import BucketLimiter


class RateLimiter(Protocol):
    @property
    def enabled(self) -> bool: ...

    def take(self, key: str) -> float:
        """Spend one token; returns 0.0 if allowed, else the seconds until one is available."""
        ...


class TokenBucket(BucketLimiter):
    MAX_KEYS = 10_000  # bound memory when keyed by client address

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated_at)
        self._lock = threading.Lock()  # sync dependencies run in the threadpool

    def _spend(self, key: str) -> tuple[float, bool]:
        with self._lock:
            now = self.clock()
            tokens, updated = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - updated) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._store(key, tokens, now)
            return tokens, allowed

    def _store(self, key: str, tokens: float, now: float) -> None:
        if key not in self._buckets and len(self._buckets) >= self.MAX_KEYS:
            # Drop buckets that have refilled completely: forgetting them changes nothing.
            full_after = self.full_after
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        self._buckets[key] = (tokens, now)


def retry_after(wait_seconds: float) -> str:
    """Retry-After is whole seconds; round up so a client that obeys it gets a token."""
    return str(max(1, math.ceil(wait_seconds)))
