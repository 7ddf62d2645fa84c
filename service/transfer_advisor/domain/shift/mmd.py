"""Maximum mean discrepancy (MMD²) with a Gaussian RBF kernel and an exact permutation test."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ..results import MetricNotApplicable, MetricResult
from ._buffers import POOL
from ._pairwise import (
    CentreProbe,
    Matrix,
    PooledSample,
    pooled_matrix,
    source_sq_dist_in_place,
)
from ._permutation import observed_value, pooled_or_new, pooled_test_result

BANDWIDTH_RULE_MEDIAN = "median_heuristic_source"


def median_heuristic_bandwidth(sq_dist_source: Matrix) -> float:
    """RBF bandwidth σ from the source rows against themselves (alibi-detect's convention).

    σ = sqrt(0.5 · med), where med is element ``n + (n² − n)//2 − 1`` of the sorted, flattened
    n × n matrix of squared distances (the n zero self-distances come first, so this is the
    lower median of the n(n − 1)/2 distinct pairs). Matches alibi-detect 0.13
    ``MMDDrift(sigma=None, configure_kernel_from_x_ref=True)``: σ = 3.9156086 on the golden
    x_ref (shared/reference/shift). Shape: sq_dist_source (n, n), only its strict lower
    triangle is read. Computed once from the
    source, so the kernel does not depend on the target (as when a reference set is fixed).
    """
    n = sq_dist_source.shape[0]
    # the sorted full matrix is n zeros then every pair twice, so element n + P − 1
    # (P = n(n − 1)/2 pairs) is pair (P − 1)//2 of the sorted strict lower triangle
    pairs = np.concatenate([sq_dist_source[i, :i] for i in range(1, n)],
                           out=POOL.take((n * (n - 1) // 2,)))
    bandwidth = float(math.sqrt(0.5 * _kth_smallest(pairs, (pairs.size - 1) // 2)))
    POOL.give(pairs)
    return bandwidth


def _kth_smallest(values: NDArray[np.float64], k: int) -> float:
    """The k-th smallest (0-based) of values: exact, but partitions only a narrow band.

    Quantiles of an evenly spaced 1/64 subsample bracket the k-th value; one counting pass
    checks the bracket (else the whole array is partitioned), so the result never depends on
    the subsample, only the speed does (np.partition of 2M floats is ~30 ms on numpy 1.26).
    """
    step = 64
    if values.size < 64 * step:
        return float(np.partition(values, k)[k])
    sample = np.sort(values[::step])
    position = k / values.size * sample.size
    margin = 4.0 * math.sqrt(sample.size) + 2.0  # ≫ the sampling spread of the rank
    lo = sample[max(int(position - margin), 0)]
    hi = sample[min(int(position + margin), sample.size - 1)]
    below = int(np.count_nonzero(values < lo))
    band = values[(values >= lo) & (values <= hi)]
    if below <= k < below + band.size:
        return float(np.partition(band, k - below)[k - below])
    return float(np.partition(values, k)[k])


def mmd_distance(
    x_source: Matrix,
    x_target: Matrix,
    *,
    rng: np.random.Generator,
    bandwidth: float | None = None,
    permutations: int = 200,
    biased: bool = False,
    pooled: PooledSample | None = None,
    consume_pooled: bool = False,
) -> MetricResult:
    """Squared MMD between source and target with a permutation p-value.

    Kernel k(a, b) = exp(−‖a − b‖² / (2σ²)); σ = ``bandwidth`` or, when None, the median
    heuristic on the source (:func:`median_heuristic_bandwidth`).

    Unbiased U-statistic (default; Gretton et al. 2012, JMLR 13, eq. 3):
        MMD²_u = Σ_{i≠j} k(xᵢ,xⱼ)/(n(n−1)) + Σ_{l≠l'} k(yₗ,yₗ')/(m(m−1)) − 2 Σ_{i,l} k(xᵢ,yₗ)/(nm)
    (can be slightly negative when the distributions agree). ``biased=True`` gives the
    V-statistic (diagonals included, ≥ 0).

    Shapes: x_source (n, d), x_target (m, d), n, m ≥ 2. Larger = more different; 0 ⇔ same
    distribution (characteristic kernel). p-value: B = ``permutations`` relabellings of the
    pooled sample drawn from ``rng``; p = (1 + #{T_perm ≥ T_obs}) / (1 + B), never 0
    (Phipson & Smyth 2010); None when B = 0. The pooled kernel matrix is built once; all
    permuted statistics come from one float32 triangular product (TRMM) with float64 re-checks
    (see ``_permutation``). Above ``MAX_EXACT_ROWS_PER_SIDE`` rows per side a random subsample
    is tested (``details["path"] == "subsample"``, with ``standard_error`` of the value); it
    is drawn from ``rng`` before the relabellings.

    Golden values: shared/reference/shift/values.json rows ``mmd2`` (numpy formula and
    alibi-detect 0.13); tests/golden/test_shift_golden.py.

    Pass ``pooled`` (from :func:`pool_samples`) to reuse the distance matrix with
    ``energy_distance``; x_source/x_target are then not read again (the pooled sample must have
    been built from them) and ``rng`` draws only the relabellings. ``consume_pooled=True`` lets
    the test overwrite the pooled sample's Gram matrix (its last user saves an N × N allocation).

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> same = mmd_distance(x, x, bandwidth=1.0, biased=True, rng=np.random.default_rng(0))
    >>> round(same.value, 12), same.p_value
    (0.0, 1.0)
    >>> far = mmd_distance(x, x + 10.0, bandwidth=1.0, permutations=9, rng=np.random.default_rng(0))
    >>> round(far.value, 4), far.p_value  # none of the 9 relabellings reaches it: p = 1 / 10
    (0.7005, 0.1)
    """
    if permutations < 0:
        raise ValueError("permutations must be ≥ 0")
    if bandwidth is not None and not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError("bandwidth must be a finite positive number")
    pooled, consume_pooled = pooled_or_new(x_source, x_target, rng=rng, pooled=pooled,
                                           consume_pooled=consume_pooled)
    n, m = pooled.n_source, pooled.n_target
    rule = "fixed"
    source_filled: CentreProbe | None = None
    if bandwidth is None:
        if consume_pooled:  # where the pass would write them: the pass starts from them
            sq_dist_source, source_filled = source_sq_dist_in_place(pooled)
        else:
            sq_dist_source = pooled.lower_sq_dist(rows=n)
        bandwidth = median_heuristic_bandwidth(sq_dist_source)
        if source_filled is None:
            POOL.give(sq_dist_source)
        rule = BANDWIDTH_RULE_MEDIAN
        if bandwidth == 0.0:
            raise MetricNotApplicable(
                "mmd: the median heuristic gives bandwidth 0 (most source rows are identical); "
                "pass options.kernel_bandwidth")

    gamma = -1.0 / (2.0 * bandwidth * bandwidth)

    def rbf(sq: Matrix, out: Matrix) -> None:
        np.multiply(sq, gamma, out=out)
        np.exp(out, out=out)

    # K₀: zero diagonal, i = j pairs excluded
    kernel = pooled_matrix(pooled, rbf, in_place=consume_pooled, source_filled=source_filled)
    sums = kernel.sums
    total = sums.a + 2.0 * sums.cross + sums.target
    statistic = _statistic(n, m, total, biased=biased)
    return pooled_test_result(
        pooled, kernel, statistic,
        value=observed_value(kernel, statistic),
        gradients=(2.0 * (sums.ss / (n - 1) - sums.st / m), 2.0 * (sums.tt / (m - 1) - sums.ts / n)),
        details={
            "statistic": "biased_v" if biased else "unbiased_u",
            "bandwidth": bandwidth,
            "bandwidth_rule": rule,
            "kernel": "gaussian_rbf exp(-|a-b|^2/(2 bandwidth^2))",
        },
        permutations=permutations, rng=rng)


def _statistic(
    n: int, m: int, total: float, *, biased: bool
) -> Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]:
    """MMD² as a function of a = sᵀK₀s and b = sᵀK₀1 (K₀: kernel with zero diagonal)."""

    def unbiased(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        return a / (n * (n - 1)) + (total - 2.0 * b + a) / (m * (m - 1)) - 2.0 * (b - a) / (n * m)

    def v_statistic(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        # k(x, x) = 1 adds n and m to the within-sample sums
        return (a + n) / (n * n) + (total - 2.0 * b + a + m) / (m * m) - 2.0 * (b - a) / (n * m)

    return v_statistic if biased else unbiased

