"""The PSD check of client covariances accepts and refuses at the tolerance, and hands the
Cholesky factor of a definite covariance on to the metrics."""

from __future__ import annotations

import numpy as np
import pytest

from transfer_advisor.domain.arrays import PSD_RTOL, check_covariance, checked_covariance
from transfer_advisor.domain.linalg import cholesky_lower
from transfer_advisor.domain.summary import Summary
from transfer_advisor.errors import InvalidInput
from transfer_advisor.schemas.assess import DatasetSpec
from transfer_advisor.services.inputs import decode_side
from transfer_advisor.settings import Settings


def with_smallest_eigenvalue(d: int, smallest: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eigenvalues = np.linspace(1.0, 2.0, d)
    eigenvalues[0] = smallest
    return (q * eigenvalues) @ q.T


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("d", [3, 40])
def test_tolerance_edge(d: int, seed: int) -> None:
    scale = float(np.abs(with_smallest_eigenvalue(d, 0.0, seed)).max())
    # inside the tolerance: accepted, returned symmetric
    ok = with_smallest_eigenvalue(d, -0.5 * PSD_RTOL * scale, seed)
    out = check_covariance(ok, "source.summary.covariance")
    np.testing.assert_array_equal(out, out.T)
    # singular (rank-deficient) is PSD
    check_covariance(with_smallest_eigenvalue(d, 0.0, seed), "source.summary.covariance")
    # clearly outside: refused, naming the field and the eigenvalue
    bad = with_smallest_eigenvalue(d, -3 * PSD_RTOL * scale, seed)
    with pytest.raises(InvalidInput, match=r"source.summary.covariance: is not positive semi-definite"):
        check_covariance(bad, "source.summary.covariance")


def test_returns_the_symmetric_part_and_leaves_the_input_alone() -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((300, 120))
    cov = np.cov(x, rowvar=False)
    cov[3, 5] += 1e-9 * np.abs(cov).max()  # asymmetric within the tolerance
    before = cov.copy()
    out = check_covariance(cov, "source.summary.covariance")
    np.testing.assert_array_equal(cov, before)
    np.testing.assert_array_equal(out, 0.5 * (before + before.T))


def test_asymmetry_beyond_the_tolerance_is_refused() -> None:
    cov = np.eye(4)
    cov[0, 1] = 1e-3
    with pytest.raises(InvalidInput, match=r"source.summary.covariance: is not symmetric"):
        check_covariance(cov, "source.summary.covariance")


def test_a_definite_covariance_comes_with_its_cholesky_factor() -> None:
    rng = np.random.default_rng(3)
    cov = np.cov(rng.standard_normal((300, 40)), rowvar=False)
    sym, known = checked_covariance(cov, "target.summary.covariance")
    assert known is not None
    assert known.factor is not None
    np.testing.assert_array_equal(known.factor, cholesky_lower(sym))  # the same LAPACK call
    np.testing.assert_allclose(known.factor @ known.factor.T, sym, rtol=0,
                               atol=1e-12 * np.abs(sym).max())
    # without trying the definite factorisation: the same verdict, nothing known
    sym_only, unknown = checked_covariance(cov, "target.summary.covariance", try_definite=False)
    np.testing.assert_array_equal(sym_only, sym)
    assert unknown is None


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("d", [3, 40])
@pytest.mark.parametrize("try_definite", [True, False])
def test_tolerance_edge_with_either_first_attempt(d: int, seed: int, try_definite: bool) -> None:
    field = "source.summary.covariance"
    scale = float(np.abs(with_smallest_eigenvalue(d, 0.0, seed)).max())
    # inside the tolerance but not definite: accepted, known not definite (when tried)
    _, known = checked_covariance(with_smallest_eigenvalue(d, -0.5 * PSD_RTOL * scale, seed),
                                  field, try_definite=try_definite)
    if try_definite:
        assert known is not None
        assert known.factor is None
    else:
        assert known is None
    # clearly definite: a factor when tried
    _, known = checked_covariance(with_smallest_eigenvalue(d, 0.5, seed), field,
                                  try_definite=try_definite)
    assert (known is not None and known.factor is not None) == try_definite
    bad = with_smallest_eigenvalue(d, -3 * PSD_RTOL * scale, seed)
    with pytest.raises(InvalidInput, match=r"is not positive semi-definite"):
        checked_covariance(bad, field, try_definite=try_definite)


def test_decoded_client_summaries_carry_the_factor_only_when_definite_is_possible() -> None:
    rng = np.random.default_rng(11)
    d = 12
    settings = Settings(auth="disabled")

    def decoded(count: int, rows: int) -> Summary:
        x = rng.standard_normal((rows, d))
        spec = DatasetSpec.model_validate({"name": "t", "summary": {
            "count": count, "mean": x.mean(0).tolist(),
            "covariance": np.cov(x, rowvar=False).tolist()}})
        return decode_side(spec, "target", None, settings).summary

    definite = decoded(count=50, rows=50)
    assert definite.known_cholesky is not None
    assert definite.known_cholesky.factor is not None
    np.testing.assert_allclose(definite.known_cholesky.factor @ definite.known_cholesky.factor.T,
                               definite.cov, rtol=1e-12, atol=1e-14)
    # count − 1 < d: Σ is singular, no definite factorisation is tried
    assert decoded(count=d, rows=d).known_cholesky is None
    # enough rows claimed but the covariance is singular: tried, known not definite
    singular = decoded(count=50, rows=d - 3)
    assert singular.known_cholesky is not None
    assert singular.known_cholesky.factor is None
