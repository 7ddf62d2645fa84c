"""Token-bucket arithmetic shared by the in-process (api/) and PostgreSQL (db/) limiters.

It sits outside both packages so that db/ need not import api/.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class BucketLimiter(ABC):
    """`rate` requests per second per key on average, bursts up to `burst`."""

    rate: float
    burst: float

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    @property
    def full_after(self) -> float:
        """Seconds an empty bucket takes to refill: a bucket idle that long can be forgotten."""
        return self.burst / self.rate

    def take(self, key: str) -> float:
        """Spend one token; returns 0.0 if allowed, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        tokens, allowed = self._spend(key)
        return 0.0 if allowed else (1.0 - tokens) / self.rate

    @abstractmethod
    def _spend(self, key: str) -> tuple[float, bool]:
        """Refill, then spend one token if there is one: (tokens now, whether one was spent)."""
