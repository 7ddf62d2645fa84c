"""Permutation engine of the pooled two-sample tests (MMD, energy distance).

A relabelling only changes the 0/1 source indicator s, so every permuted statistic follows from
sᵀMs and sᵀM1 of one pooled matrix M (see ``_pairwise``): all B of them come from one
triangular matrix product.

Exactness of the permutation p-value
------------------------------------
The product runs in float32 on a double-centred matrix M̃ = M − c1ᵀ − 1cᵀ + κ11ᵀ (entries of the
order of the spread of M, not its mean, which shrinks round-off), using the identity
sᵀMs = sᵀM̃s + 2n·sᵀc − n²κ, exact for any c and κ; sᵀc is computed in float64. c (≈ the row
means of M) is estimated from a few evenly spaced columns. The float32 error is measured on
``CHECK_COLUMNS`` permutations recomputed in float64; every permuted statistic closer to the
observed one than ``SAFETY`` × that error is recomputed in float64, so the count
#{T_perm ≥ T_obs} is the float64 count unless the float32 error of some column exceeds 100 × the
largest error seen on the check columns. ``details`` reports the measured error and the number
of recomputed columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..results import MetricResult
from ._buffers import POOL
from ._pairwise import (
    Matrix,
    PooledMatrix,
    PooledSample,
    Vector,
    pool_samples,
    projection_standard_error,
)

CHECK_COLUMNS = 8
SAFETY = 100.0

StatFn = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class PermutationOutcome:
    """Observed statistic (as recomputed by the engine), permuted statistics and diagnostics."""

    observed: float
    permuted: NDArray[np.float64]
    p_value: float
    float32_max_abs_error: float
    recomputed_float64: int

    def details(self) -> dict[str, object]:
        """JSON-safe summary: null quantile, float32 error and recomputation count."""
        return {
            "null_quantile_95": float(np.quantile(self.permuted, 0.95)),
            "float32_max_abs_error": self.float32_max_abs_error,
            "recomputed_float64": self.recomputed_float64,
        }


def _permuted_indicators(
    n: int, big_n: int, permutations: int, rng: np.random.Generator
) -> NDArray[np.float32]:
    """(B, N) float32 rows, each a uniformly random 0/1 vector with exactly n ones.

    The ones sit at the n smallest of N iid uniform keys per row (a uniform n-subset): the keys
    at or below the row's n-th smallest, one comparison after a partition of the values (no
    index scatter). A row with ties at that key (probability ~N²/2⁵³) takes argpartition's n,
    which are exactly n even on ties.
    """
    keys = rng.random((permutations, big_n))
    chosen = keys <= np.partition(keys, n - 1, axis=1)[:, n - 1:n]
    out = chosen.astype(np.float32)
    for row in np.flatnonzero(np.count_nonzero(chosen, axis=1) != n):
        out[row] = 0.0
        out[row, np.argpartition(keys[row], n - 1)[:n]] = 1.0
    return out


def _lower_quadratic_forms(
    lower: NDArray[np.float32] | Matrix, s: NDArray[np.float32] | Matrix
) -> NDArray[np.float64]:
    """sᵦᵀ tril(lower) sᵦ for every row sᵦ of s (B, N), by one BLAS TRMM (N²B flops).

    ``lower.T`` is column-major and upper triangular, so BLAS reads it without a copy;
    only the lower triangle (with the diagonal) of ``lower`` is read.
    """
    trmm = scipy.linalg.blas.strmm if lower.dtype == np.float32 else scipy.linalg.blas.dtrmm
    product = trmm(1.0, lower.T, s.T, side=0, lower=0, trans_a=1)  # (N, B) = tril(lower) sᵀ
    out: NDArray[np.float64] = np.einsum("nb,bn->b", product, s, dtype=np.float64)
    return out


def permutation_test(
    matrix: PooledMatrix,
    statistic: StatFn,
    *,
    permutations: int,
    rng: np.random.Generator,
) -> PermutationOutcome:
    """Permutation test of a statistic T(a, b) that is affine in a = sᵀMs for fixed b = sᵀM1.

    Parameters
    ----------
    matrix : ``pooled_matrix(...)``: M's lower triangle (symmetric, zero diagonal, source =
        rows [:n]), block sums and float32 centred copy (not modified).
    statistic : vectorised T(a, b) for float64 arrays a, b (same shape).
    permutations : B ≥ 1 random relabellings drawn from ``rng``.

    Returns the observed T, the B permuted T and p = (1 + #{T_perm ≥ T_obs}) / (1 + B)
    (Phipson & Smyth 2010). Larger T = more evidence against H0.
    """
    sums = matrix.sums
    n = len(sums.ss)
    big_n = matrix.lower.shape[0]
    rows = np.concatenate([sums.ss + sums.st, sums.tt + sums.ts])
    a_obs = sums.a
    b_obs = float(rows[:n].sum())

    s = _permuted_indicators(n, big_n, permutations, rng)
    # the whole test's cost: one float32 triangular product of N²·B flops, 2·sᵀ tril(M̃) s
    a_c = 2.0 * _lower_quadratic_forms(matrix.centred32, s)
    # no BLAS calls below: float64 sums, exact enough
    b_perm = np.einsum("bn,n->b", s, rows, dtype=np.float64)
    s_centre = np.einsum("bn,n->b", s, matrix.centre, dtype=np.float64)
    # a = sᵀM̃s + 2n·sᵀc − n²κ
    a_perm = a_c + 2.0 * n * s_centre - float(n * n) * matrix.kappa

    def exact_a(columns: NDArray[np.intp]) -> NDArray[np.float64]:
        return 2.0 * _lower_quadratic_forms(matrix.lower, s[columns].astype(np.float64))

    checks = np.arange(min(CHECK_COLUMNS, permutations))
    exact_checks = exact_a(checks)
    err_a = float(np.max(np.abs(a_perm[checks] - exact_checks)))
    a_perm[checks] = exact_checks

    observed = float(statistic(np.array([a_obs]), np.array([b_obs]))[0])
    permuted = statistic(a_perm, b_perm)
    # T is affine in a: |ΔT| = |∂T/∂a| · |Δa|
    slope_a = float(abs(statistic(np.array([1.0]), np.array([0.0]))[0]
                        - statistic(np.array([0.0]), np.array([0.0]))[0]))
    floor_a = float(np.finfo(np.float32).eps) * n
    margin = slope_a * SAFETY * max(err_a, floor_a)
    border = np.flatnonzero(np.abs(permuted - observed) <= margin)
    border = border[border >= len(checks)]
    if border.size:
        a_perm[border] = exact_a(border)
        permuted[border] = statistic(a_perm[border], b_perm[border])
    exceed = int(np.count_nonzero(permuted >= observed))
    return PermutationOutcome(
        observed=observed,
        permuted=permuted,
        p_value=(1.0 + exceed) / (1.0 + permutations),
        float32_max_abs_error=slope_a * err_a,
        recomputed_float64=int(border.size + len(checks)),
    )


def pooled_or_new(
    x_source: Matrix,
    x_target: Matrix,
    *,
    rng: np.random.Generator,
    pooled: PooledSample | None,
    consume_pooled: bool,
) -> tuple[PooledSample, bool]:
    """The caller's pooled sample, or a fresh one from the rows that the test may overwrite."""
    if pooled is None:
        return pool_samples(x_source, x_target, rng=rng), True
    return pooled, consume_pooled


def observed_value(matrix: PooledMatrix, statistic: StatFn) -> float:
    """T on the unpermuted labels: a = sᵀM₀s, b = sᵀM₀1 from the block sums."""
    sums = matrix.sums
    return float(statistic(np.array([sums.a]), np.array([sums.a + sums.cross]))[0])


def pooled_test_result(
    pooled: PooledSample,
    matrix: PooledMatrix,
    statistic: StatFn,
    *,
    value: float,
    gradients: tuple[Vector, Vector],
    details: dict[str, object],
    permutations: int,
    rng: np.random.Generator,
) -> MetricResult:
    """MetricResult of a pooled test: ``details`` then permutations, sample, standard error, p.

    The matrix is spent afterwards: its memory goes back to the buffer pool.
    """
    details = {
        **details,
        "permutations": permutations,
        **pooled.describe(),
        "standard_error": projection_standard_error(*gradients),
    }
    p_value: float | None = None
    if permutations > 0:
        outcome = permutation_test(matrix, statistic, permutations=permutations, rng=rng)
        p_value = outcome.p_value
        details.update(outcome.details())
    POOL.give(matrix.lower, matrix.centred32)
    return MetricResult(value=value, p_value=p_value, details=details)
