"""The PSD check of client covariances (one Cholesky) accepts and refuses at the tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from transfer_advisor.domain.arrays import PSD_RTOL, check_covariance
from transfer_advisor.errors import InvalidInput


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
