"""The pooled tests' reuse of memory and of the source distances: ownership, the memory bound, and
identical results."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.random import default_rng

from transfer_advisor.domain.shift._buffers import POOL, BufferPool
from transfer_advisor.domain.shift._pairwise import pool_samples
from transfer_advisor.domain.shift.mmd import mmd_distance

SMALL = 2**20  # the pools here take arrays from 1 MiB (the service's: from 32 MiB)
ROWS = 512  # 512 × 512 float64 = 2 MiB


@pytest.fixture(autouse=True)
def _pool_from_one_mib(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shared pool takes the small matrices of these tests too (and keeps none after)."""
    monkeypatch.setattr(POOL, "min_bytes", SMALL)
    POOL.clear()
    yield
    POOL.clear()


def test_a_given_back_buffer_is_taken_again() -> None:
    pool = BufferPool(keep_bytes=64 * 2**20, min_bytes=SMALL)
    first = pool.take((ROWS, ROWS))
    assert first.shape == (ROWS, ROWS)
    assert first.flags.c_contiguous
    pool.give(first)
    assert pool.cached_bytes == first.nbytes
    again = pool.take((ROWS, ROWS), np.float32, order="F")  # 1 MiB: from the pool
    assert again.flags.f_contiguous
    assert again.dtype == np.float32
    assert np.shares_memory(first, again)
    assert pool.cached_bytes == 0
    other = pool.take((ROWS, ROWS))  # the only buffer is taken: a new one
    assert not np.shares_memory(other, again)


def test_foreign_small_and_repeated_arrays_are_not_kept() -> None:
    pool = BufferPool(keep_bytes=64 * 2**20, min_bytes=SMALL)
    pool.give(np.empty((ROWS, ROWS)), None)  # not from this pool
    small = pool.take((8, 8))
    assert small.nbytes < SMALL
    pool.give(small)
    assert pool.cached_bytes == 0
    mine = pool.take((ROWS, ROWS))
    pool.give(mine, mine.T)  # given twice (a view of the same memory): kept once
    assert pool.cached_bytes == mine.nbytes


def test_cached_memory_stays_within_the_bound() -> None:
    pool = BufferPool(keep_bytes=5 * 2**20, min_bytes=SMALL)
    arrays = [pool.take((ROWS, ROWS)) for _ in range(4)]  # 2 MiB each
    pool.give(*arrays)
    assert pool.cached_bytes == 2 * arrays[0].nbytes
    assert not any(np.shares_memory(pool.take((ROWS, ROWS)), a) for a in arrays[:2])


def test_mmd_is_the_same_on_reused_memory() -> None:
    rng = default_rng(0)
    x, y = rng.normal(size=(400, 5)), rng.normal(size=(450, 5)) + 0.1
    first = mmd_distance(x, y, permutations=50, rng=default_rng(1))
    assert POOL.cached_bytes >= 850 * 850 * (8 + 4)  # its Gram matrix and float32 copy
    # the second test runs on the first one's matrices (the shared pool keeps them)
    assert mmd_distance(x, y, permutations=50, rng=default_rng(1)) == first
    assert mmd_distance(y, x, permutations=50, rng=default_rng(1)) != first


def test_median_heuristic_in_place_equals_a_separate_distance_matrix() -> None:
    """A spendable pooled sample reuses the source distances; a shared one computes its own."""
    rng = default_rng(2)
    x, y = rng.normal(size=(300, 6)), rng.normal(size=(260, 6)) * 1.1
    x[5] = x[4]  # a duplicate row: distance 0 either way
    spent = mmd_distance(x, y, permutations=40, rng=default_rng(3))
    shared = pool_samples(x, y, rng=default_rng(3))
    kept = mmd_distance(x, y, permutations=40, rng=default_rng(3), pooled=shared)
    assert kept == spent
    assert spent.details["bandwidth_rule"] == "median_heuristic_source"


def test_concurrent_tests_share_the_pool_safely() -> None:
    """Threads taking and giving back buffers at once get the results they get alone."""
    rng = default_rng(4)
    pairs = [(rng.normal(size=(420, 4)), rng.normal(size=(400 + 10 * k, 4)) + 0.05 * k)
             for k in range(4)]
    alone = [mmd_distance(x, y, permutations=30, rng=default_rng(k))
             for k, (x, y) in enumerate(pairs)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(
            lambda k: [mmd_distance(*pairs[k], permutations=30, rng=default_rng(k))
                       for _ in range(3)], range(4)))
    assert all(runs == [alone[k]] * 3 for k, runs in enumerate(together))
