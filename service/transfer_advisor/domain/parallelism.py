"""How many cores one computation may use right now: one process-wide number.

The service's thread governor (`services/compute_threads.py`) sets it as requests come and go;
BLAS is told the same number. Domain code that splits work over threads itself (the blocked
passes of `shift/_pairwise.py`) asks `workers()` at the start of each pass. Outside the service
(the library, the CLI, benches) nothing sets it and a computation uses every core it may run on.
"""

from __future__ import annotations

import os

_workers: int | None = None


def available_cores() -> int:
    """Cores this process may run on: its CPU affinity, capped by a BLAS thread variable.

    `OPENBLAS_NUM_THREADS` / `OMP_NUM_THREADS` / `MKL_NUM_THREADS`, when set to a positive
    integer, are the operator's cap.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = max(1, cores or 1)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return min(cores, int(value))
    return cores


def workers() -> int:
    """Threads a computation started now may use (at least 1)."""
    return _workers if _workers is not None else available_cores()


def set_workers(count: int | None) -> None:
    """Set the process-wide count (None: back to every available core)."""
    global _workers
    _workers = None if count is None else max(1, int(count))
