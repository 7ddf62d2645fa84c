"""BLAS threads by load: a request alone on the machine uses every core, concurrent requests
share them, and nothing is oversubscribed when the machine is busy.

One process-wide governor counts the computations in flight. On every start and end it sets the
threads each may use, `thread_count(cores, in_flight, load average, own load)`: an equal share
of the cores, capped by what other processes leave spare. BLAS (through threadpoolctl) and the
domain's own blocked passes (`domain.parallelism`) get that number.

OpenBLAS, numpy's BLAS, keeps one thread count per process, not per calling thread, so the
count is set for the process as a whole each time the number in flight changes: all requests in
flight see the same count, the share for that many.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..domain import parallelism

# The kernel's 1-minute load average is an exponential average with this time constant.
LOAD_TIME_CONSTANT_SECONDS = 60.0


def thread_count(cores: int, in_flight: int, load_average: float = 0.0,
                 own_load: float = 0.0) -> int:
    """Threads for each of `in_flight` concurrent computations sharing `cores` cores.

    An equal share, cores // in_flight, capped by the cores that other processes leave spare:
    cores minus the 1-minute load average net of this process's own part of it (`own_load`),
    rounded to whole cores. Never below 1.

    >>> thread_count(2, 1), thread_count(2, 2), thread_count(2, 5)
    (2, 1, 1)
    >>> thread_count(8, 1, load_average=3.2), thread_count(8, 1, load_average=3.2, own_load=3.0)
    (5, 8)
    """
    share = max(1, cores) // max(1, in_flight)
    others = max(0.0, load_average - own_load)
    spare = max(1, cores) - math.floor(others + 0.5)
    return max(1, min(share, spare))


def load_average() -> float:
    """The 1-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


class ThreadGovernor:
    """Counts computations in flight and sets the thread count for each change.

    `apply(n)` is called with the new count whenever it changes (under the governor's lock).
    Our own threads count in the load average too: the governor keeps the same exponential
    average of the threads it handed out (`own_load`) and subtracts it.
    """

    def __init__(self, cores: int, apply: Callable[[int], None], *,
                 load: Callable[[], float] = load_average,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cores = max(1, cores)
        self._apply = apply
        self._load = load
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = 0
        self._applied: int | None = None
        self._running = 0.0  # threads this process runs now (in flight × their count)
        self._own = 0.0  # their exponential average, as the load average sees them
        self._stamp = clock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def own_load(self) -> float:
        """This process's estimated part of the 1-minute load average."""
        now = self._clock()
        decay = math.exp(-max(0.0, now - self._stamp) / LOAD_TIME_CONSTANT_SECONDS)
        self._own = self._running + (self._own - self._running) * decay
        self._stamp = now
        return self._own

    def _retune(self) -> int:
        own = self.own_load()
        if self._in_flight == 0:
            self._running = 0.0
            return self._applied or self.cores
        threads = thread_count(self.cores, self._in_flight, self._load(), own)
        if threads != self._applied:
            self._apply(threads)
            self._applied = threads
        self._running = float(self._in_flight * threads)
        return threads

    @contextlib.contextmanager
    def computing(self) -> Iterator[int]:
        """Count one computation in flight; yields the thread count at its start."""
        with self._lock:
            self._in_flight += 1
            threads = self._retune()
        try:
            yield threads
        finally:
            with self._lock:
                self._in_flight -= 1
                self._retune()


class BlasThreads:
    """Sets the BLAS thread count (threadpoolctl) and the domain's `parallelism.workers()`."""

    def __init__(self) -> None:
        self._blas: list[Any] | None = None

    def _libraries(self) -> list[Any]:
        if self._blas is None:
            from threadpoolctl import ThreadpoolController

            self._blas = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        return self._blas

    def __call__(self, threads: int) -> None:
        for library in self._libraries():
            library.set_num_threads(threads)
        parallelism.set_workers(threads)


def compute_cores(configured: int) -> int:
    """The cores the service's computations share: `configured`, else all available."""
    return configured if configured > 0 else parallelism.available_cores()


@functools.cache
def shared_governor(cores: int) -> ThreadGovernor:
    """The process-wide governor (one per core count; the service uses one)."""
    return ThreadGovernor(cores, BlasThreads())
