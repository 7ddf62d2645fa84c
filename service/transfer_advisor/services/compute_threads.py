"""BLAS threads by load: a request alone on the machine uses every core, concurrent requests
share them, and nothing is oversubscribed when the machine is busy.

One process-wide governor counts the computations in flight. On every start and end it sets the
threads each may use, `thread_count(cores, in_flight, outside load)`: an equal share of the
cores, capped by what other processes leave spare. BLAS (through threadpoolctl) and the
domain's own blocked passes (`domain.parallelism`) get that number.

The outside load is the cores other processes kept busy over the last few seconds, measured
from the kernel's CPU counters (`OutsideLoad`, Linux) less this process's own CPU time. The
1-minute load average, the fallback elsewhere, lags a minute: after a burst elsewhere ends, a
request alone would still run on one core for a minute or more.

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
# `OutsideLoad` samples the CPU counters this often and averages them over this time constant:
# short enough to follow a burst that ends, long enough not to flip on a 100 ms blip.
OUTSIDE_SAMPLE_SECONDS = 0.5
OUTSIDE_TIME_CONSTANT_SECONDS = 5.0


def thread_count(cores: int, in_flight: int, load_average: float = 0.0,
                 own_load: float = 0.0) -> int:
    """Threads for each of `in_flight` concurrent computations sharing `cores` cores.

    An equal share, cores // in_flight, capped by the cores that other processes leave spare:
    cores minus the machine's load (`OutsideLoad`'s, or the 1-minute load average) net of this
    process's own part of it (`own_load`), rounded to whole cores. Never below 1.

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


def busy_cpu_seconds(stat: str = "/proc/stat") -> float | None:
    """CPU seconds all processes have spent busy since boot (None where there is no /proc).

    The aggregate `cpu` line of /proc/stat: user, nice, system, irq, softirq and steal (time
    the hypervisor gave to others is not ours to use either); idle and iowait are not busy.
    """
    try:
        with open(stat, encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq + steal) / _clock_ticks()


@functools.cache
def _clock_ticks() -> float:
    return float(os.sysconf("SC_CLK_TCK"))


def own_cpu_seconds() -> float:
    """CPU seconds this process (every thread, BLAS's included) has spent."""
    times = os.times()
    return times.user + times.system


class OutsideLoad:
    """Cores other processes keep busy: an exponential average of (Δ busy − Δ own) / Δ time.

    A daemon thread samples the counters every `interval` seconds from the first call on; until
    it has a sample, the 1-minute load average stands in (an overestimate while we are busy,
    so it errs towards fewer threads). Sources are injectable for tests.
    """

    def __init__(self, *, busy: Callable[[], float | None] = busy_cpu_seconds,
                 own: Callable[[], float] = own_cpu_seconds,
                 clock: Callable[[], float] = time.monotonic,
                 interval: float = OUTSIDE_SAMPLE_SECONDS,
                 time_constant: float = OUTSIDE_TIME_CONSTANT_SECONDS,
                 fallback: Callable[[], float] = load_average) -> None:
        self._busy, self._own, self._clock = busy, own, clock
        self._interval, self._time_constant = interval, time_constant
        self._fallback = fallback
        self._estimate: float | None = None
        self._last: tuple[float, float, float] | None = None
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        return busy_cpu_seconds() is not None

    @property
    def estimate(self) -> float | None:
        """The current average (None before two samples)."""
        return self._estimate

    def __call__(self) -> float:
        self._ensure_sampling()
        estimate = self._estimate
        return self._fallback() if estimate is None else estimate

    def sample(self) -> None:
        """Fold the counters since the previous sample into the average (the thread's step)."""
        busy = self._busy()
        if busy is None:
            return
        now, own = self._clock(), self._own()
        if self._last is not None:
            then, busy_then, own_then = self._last
            elapsed = now - then
            if elapsed <= 0:
                return
            others = max(0.0, (busy - busy_then) - (own - own_then)) / elapsed
            if self._estimate is None:
                self._estimate = others
            else:
                weight = 1.0 - math.exp(-elapsed / self._time_constant)
                self._estimate += weight * (others - self._estimate)
        self._last = (now, busy, own)

    def _ensure_sampling(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self.sample()
                thread = threading.Thread(target=self._run, name="outside-load", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        while True:
            time.sleep(self._interval)
            self.sample()


class ThreadGovernor:
    """Counts computations in flight and sets the thread count for each change.

    `apply(n)` is called with the new count whenever it changes (under the governor's lock).
    `load` is the load of the machine; when it counts our own threads too (the load average,
    `load_counts_own`), the governor keeps the same exponential average of the threads it
    handed out (`own_load`) and subtracts it. `OutsideLoad` already leaves our CPU time out.
    """

    def __init__(self, cores: int, apply: Callable[[int], None], *,
                 load: Callable[[], float] = load_average, load_counts_own: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cores = max(1, cores)
        self._apply = apply
        self._load = load
        self._load_counts_own = load_counts_own
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

    def prime(self) -> None:
        """Read the load once, so a sampling source has settled before the first request."""
        self._load()

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
        threads = thread_count(self.cores, self._in_flight, self._load(),
                               own if self._load_counts_own else 0.0)
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
    """The process-wide governor (one per core count; the service uses one): outside load from
    the CPU counters where the kernel has them, else from the load average."""
    if OutsideLoad.available():
        return ThreadGovernor(cores, BlasThreads(), load=OutsideLoad(), load_counts_own=False)
    return ThreadGovernor(cores, BlasThreads())
