"""`linalg.symmetric_eigenvalues`: the two-stage LAPACK path equals the one-stage reduction.

The two-stage routine (dsyevd_2stage, loaded from the LAPACK scipy links) is checked against
the one-stage path it replaced (dsytrd + dsterf) on random symmetric matrices: positive
definite, rank-deficient and indefinite, with garbage in the upper triangle (only the lower one
may be read), in C and Fortran order, in place or not.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from transfer_advisor.domain import linalg

Matrix = NDArray[np.float64]


def one_stage(a: Matrix) -> NDArray[np.float64]:
    """The previous path: Householder tridiagonalisation, then dsterf."""
    _, diag, off, _ = linalg.tridiagonalize(a)
    values: NDArray[np.float64] = scipy.linalg.eigvalsh_tridiagonal(
        diag, off, check_finite=False, lapack_driver="sterf")
    return values


def two_stage(a: Matrix, overwrite: bool = False) -> NDArray[np.float64]:
    routine = linalg._two_stage_eigenvalues()
    assert routine is not None
    return linalg._eigenvalues_two_stage(routine, a, overwrite)


def lapack_is_openblas() -> bool:
    config = scipy.show_config(mode="dicts")
    name = str(config.get("Build Dependencies", {}).get("lapack", {}).get("name", ""))  # type: ignore[union-attr]
    return "openblas" in name.lower()


def test_the_two_stage_routine_is_found_where_scipy_links_openblas() -> None:
    if not lapack_is_openblas():
        pytest.skip("scipy links another LAPACK: the one-stage path is the documented fallback")
    assert linalg._two_stage_eigenvalues() is not None


def random_symmetric(rng: np.random.Generator, d: int, kind: str) -> Matrix:
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    if kind == "definite":
        values = np.geomspace(1.0, 1e-6, d)
    elif kind == "rank-deficient":
        values = np.concatenate([np.geomspace(1.0, 1e-3, max(1, d // 2)), np.zeros(d - max(1, d // 2))])
    else:  # indefinite
        values = rng.standard_normal(d)
    return np.asarray((q * values) @ q.T)


needs_two_stage = pytest.mark.skipif(linalg._two_stage_eigenvalues() is None,
                                     reason="scipy's LAPACK has no dsyevd_2stage")


@needs_two_stage
@given(d=st.integers(2, 60), seed=st.integers(0, 2**32 - 1),
       kind=st.sampled_from(["definite", "rank-deficient", "indefinite"]),
       fortran=st.booleans(), overwrite=st.booleans())
@settings(max_examples=60, deadline=None)
def test_two_stage_equals_one_stage(d: int, seed: int, kind: str, fortran: bool,
                                    overwrite: bool) -> None:
    rng = np.random.default_rng(seed)
    sym = random_symmetric(rng, d, kind)
    expected = np.linalg.eigvalsh(sym)
    # only the lower triangle is read: garbage above the diagonal must not matter
    garbage = sym + np.triu(rng.standard_normal((d, d)) * 1e3, 1)
    a = np.asfortranarray(garbage) if fortran else np.ascontiguousarray(garbage)
    before = a.copy()
    got = two_stage(a, overwrite)
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(got, one_stage(np.tril(sym) + np.tril(sym, -1).T),
                               rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12 * scale)
    assert np.all(np.diff(got) >= 0)  # ascending, as before
    if not overwrite or not fortran:
        np.testing.assert_array_equal(a, before)  # left alone unless it may be destroyed


@needs_two_stage
def test_the_public_function_takes_the_two_stage_path_from_its_threshold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    d = linalg.TWO_STAGE_MIN_DIM
    sym = random_symmetric(rng, d, "rank-deficient")
    calls: list[int] = []
    routine = linalg._eigenvalues_two_stage

    def counted(*args: object) -> NDArray[np.float64]:
        calls.append(1)
        return routine(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(linalg, "_eigenvalues_two_stage", counted)
    got = linalg.symmetric_eigenvalues(sym)
    assert calls == [1]
    np.testing.assert_allclose(got, one_stage(sym), rtol=0, atol=1e-12)
    linalg.symmetric_eigenvalues(sym[:100, :100])  # below the threshold: the one-stage path
    assert calls == [1]


def test_without_the_two_stage_routine_the_one_stage_path_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    sym = random_symmetric(rng, linalg.TWO_STAGE_MIN_DIM, "indefinite")
    monkeypatch.setattr(linalg, "_two_stage_eigenvalues", lambda: None)
    np.testing.assert_array_equal(linalg.symmetric_eigenvalues(sym), one_stage(sym))
