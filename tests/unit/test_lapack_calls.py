"""`lapack_calls`: LAPACK/BLAS through ctypes equal scipy's wrappers, and run without the GIL.

Each routine is checked against scipy's f2py wrapper of the same routine on random matrices
(blocks of a larger array included, read through its leading dimension), wrong layouts are
refused before LAPACK sees them, and the point of the module — other Python threads keep
running during a factorisation — is measured against scipy's wrapper, which holds the GIL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
import scipy.linalg
from numpy.typing import NDArray

from transfer_advisor.domain import lapack_calls, linalg

pytestmark = pytest.mark.skipif(not lapack_calls.available(),
                                reason="scipy's LAPACK symbols not found; scipy's wrappers serve")

Matrix = NDArray[np.float64]


def spd(d: int, seed: int) -> Matrix:
    a = np.random.default_rng(seed).normal(size=(d, d + 3))
    return np.asarray(a @ a.T / d + 0.1 * np.eye(d))


@pytest.mark.parametrize("d", [1, 2, 7, 130])
def test_cholesky_and_triangular_inverse_equal_scipy(d: int) -> None:
    s = spd(d, d)
    work = np.array(s, order="F")
    assert lapack_calls.potrf_lower(work) == 0
    expected, info = scipy.linalg.lapack.dpotrf(s, lower=1, clean=1)
    assert info == 0
    np.testing.assert_allclose(np.tril(work), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(np.triu(work, 1), np.triu(s, 1))  # upper left as it was
    inverse = np.array(expected, order="F")
    assert lapack_calls.trtri_lower(inverse) == 0
    np.testing.assert_allclose(np.tril(inverse) @ expected, np.eye(d), atol=1e-9)


def test_cholesky_reports_the_leading_minor_that_is_not_positive() -> None:
    s = spd(5, 0)
    s[2, 2] = -1.0
    assert lapack_calls.potrf_lower(np.array(s, order="F")) == 3
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        linalg.cholesky_lower(s)


def test_congruence_equals_scipy_sygst() -> None:
    s, factor = spd(60, 1), np.linalg.cholesky(spd(60, 2))
    work = np.array(s, order="F")
    assert lapack_calls.sygst_lower(work, np.asfortranarray(factor)) == 0
    expected, info = scipy.linalg.lapack.dsygst(s, factor, itype=2, lower=1)
    assert info == 0
    np.testing.assert_allclose(np.tril(work), np.tril(expected), rtol=1e-11)
    np.testing.assert_allclose(np.tril(work), np.tril(factor.T @ s @ factor), rtol=1e-9)


def test_triangular_solve_and_product_on_blocks_of_a_larger_array() -> None:
    rng = np.random.default_rng(3)
    lower = np.asfortranarray(np.linalg.cholesky(spd(50, 3)))
    b = np.asfortranarray(rng.normal(size=(50, 9)))
    block, rhs = lower[20:, 20:], b[20:, 3:7]  # views: leading dimension 50
    solved = rhs.copy(order="F")
    lapack_calls.trsm_lower_left(block, solved, alpha=2.0)
    np.testing.assert_allclose(block @ solved, 2.0 * rhs, rtol=1e-10)
    in_place = b.copy(order="F")
    lapack_calls.trsm_lower_left(lower[20:, 20:], in_place[20:, 3:7])
    np.testing.assert_allclose(in_place[20:, 3:7], solved / 2.0, rtol=1e-12)
    np.testing.assert_array_equal(in_place[:20], b[:20])  # nothing outside the block moved
    product = rhs.copy(order="F")
    lapack_calls.trmm_lower_left(block, product)
    np.testing.assert_allclose(product, np.tril(block) @ rhs, rtol=1e-12)


def test_rank_k_update_equals_the_product() -> None:
    a = np.asfortranarray(np.random.default_rng(4).normal(size=(40, 12)))
    c = np.full((12, 12), np.nan, order="F")
    lapack_calls.syrk_lower_transposed(a, c, alpha=0.5)
    np.testing.assert_allclose(np.tril(c), np.tril(0.5 * a.T @ a), rtol=1e-12)


def test_layouts_lapack_cannot_read_are_refused() -> None:
    s = spd(6, 5)
    with pytest.raises(ValueError, match="column-major"):
        lapack_calls.potrf_lower(s[:, ::2][:3])  # strided rows
    with pytest.raises(ValueError, match="float64"):
        lapack_calls.potrf_lower(np.asfortranarray(s, dtype=np.float32))
    frozen = np.array(s, order="F")
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        lapack_calls.potrf_lower(frozen)
    with pytest.raises(ValueError, match="triangular matrix of shape"):
        lapack_calls.trsm_lower_left(np.asfortranarray(s), np.zeros((5, 2), order="F"))


def longest_pause(call: Callable[[], object]) -> tuple[float, float]:
    """(longest wait of this thread for the GIL, the call's seconds) while `call` runs in
    another thread; this thread sleeps 0.5 ms at a time, so it needs the GIL every 0.5 ms."""
    seconds: list[float] = []

    def work() -> None:
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)

    thread = threading.Thread(target=work)
    longest, last = 0.0, time.perf_counter()
    thread.start()
    while thread.is_alive():
        time.sleep(0.0005)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest, seconds[0]


def test_other_threads_run_during_a_factorisation() -> None:
    s = spd(1500, 6)
    ours, theirs = np.array(s, order="F"), np.array(s, order="F")  # copies made beforehand
    pause, seconds = longest_pause(lambda: lapack_calls.potrf_lower(ours))
    assert pause < 0.5 * seconds
    # scipy's wrapper holds the GIL through the call: this thread waits for all of it
    pause, seconds = longest_pause(
        lambda: scipy.linalg.lapack.dpotrf(theirs, lower=1, overwrite_a=1))
    assert pause > 0.5 * seconds
