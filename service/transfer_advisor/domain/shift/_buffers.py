"""Memory of the pooled N × N matrices, kept between tests instead of handed back to the OS.

A fresh N × N matrix pays for its pages on first touch (the kernel zeroes each one): measured
~0.3 ms per MB on the service's two-core machine, as much as the SYRK that fills the Gram
matrix (N = 3,000: 72 MB, ~20 ms of faults beside ~17 ms of arithmetic). The two-sample tests
give their spent matrices back with `give`, and the next test takes them with `take`; at most
`KEEP_BYTES` stay cached, so the memory held between requests is bounded (the largest pooled
test, N = 5,000, needs ~0.3 GB and mostly allocates afresh). Contents of a taken buffer are
undefined, as with `np.empty`. Thread-safe: concurrent requests take different buffers.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

# Enough for the matrices of a 1,500 + 1,500-row test (Gram 72 MB, float32 copy 36 MB).
KEEP_BYTES = 128 * 2**20
# Smaller arrays come from numpy's allocator. glibc maps a fresh block only above its mmap
# threshold, which it raises to the size of each mapped block freed, up to 32 MiB: below that
# its heap already reuses the memory. Pooling such blocks would keep the threshold low and
# send every mid-sized array of the other metrics (a 384 × 384 covariance) to fresh pages.
MIN_BYTES = 32 * 2**20


class BufferPool:
    """Byte buffers for `take`, reused once given back with `give`."""

    def __init__(self, keep_bytes: int = KEEP_BYTES, min_bytes: int = MIN_BYTES) -> None:
        self.keep_bytes = keep_bytes
        self.min_bytes = min_bytes
        self._lock = threading.Lock()
        self._free: list[NDArray[np.uint8]] = []  # oldest first
        # buffers this pool handed out, by id: only those are taken back
        self._ours: weakref.WeakValueDictionary[int, NDArray[np.uint8]] = (
            weakref.WeakValueDictionary())

    def take(self, shape: tuple[int, ...], dtype: DTypeLike = np.float64,
             order: Any = "C") -> NDArray[Any]:
        """An uninitialised array of `shape` and `dtype` (C or Fortran `order`)."""
        kind = np.dtype(dtype)
        need = int(np.prod(shape, dtype=np.int64)) * kind.itemsize
        buffer = None
        if need >= self.min_bytes:
            with self._lock:
                fits = [b for b in self._free if b.nbytes >= need]
                if fits:
                    buffer = min(fits, key=lambda b: b.nbytes)
                    self._free = [b for b in self._free if b is not buffer]
        if buffer is None:
            if need < self.min_bytes:
                return np.empty(shape, dtype=kind, order=order)
            buffer = np.empty(need, dtype=np.uint8)
            with self._lock:
                self._ours[id(buffer)] = buffer
        return buffer[:need].view(kind).reshape(shape, order=order)

    def give(self, *arrays: NDArray[Any] | None) -> None:
        """Hand spent arrays back; the caller must not use them (nor views of them) again."""
        for array in arrays:
            root = _root(array)
            if root is None:
                continue
            with self._lock:
                if self._ours.get(id(root)) is not root or any(b is root for b in self._free):
                    continue
                self._free.append(root)
                while sum(b.nbytes for b in self._free) > self.keep_bytes:
                    self._free.pop(0)

    def clear(self) -> None:
        """Let go of every cached buffer."""
        with self._lock:
            self._free = []

    @property
    def cached_bytes(self) -> int:
        """Bytes held for reuse now."""
        with self._lock:
            return sum(b.nbytes for b in self._free)


def _root(array: NDArray[Any] | None) -> NDArray[np.uint8] | None:
    """The byte buffer an array views, if it is one (None for anything else)."""
    base: object = array
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    if isinstance(base, np.ndarray) and base is not array and base.dtype == np.uint8:
        return base
    return None


POOL = BufferPool()
