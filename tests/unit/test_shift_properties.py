"""Properties of the sample-based shift tests: exactness of the fast permutation engine,
symmetry, zero on identical inputs, row-order invariance, the large-input path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.random import default_rng
from numpy.typing import NDArray
from scipy import stats
from scipy.stats import _stats_py

from transfer_advisor.domain.results import MetricNotApplicable
from transfer_advisor.domain.shift._pairwise import pool_samples
from transfer_advisor.domain.shift._permutation import _permuted_indicators
from transfer_advisor.domain.shift.energy_distance import energy_distance
from transfer_advisor.domain.shift.mmd import _kth_smallest, mmd_distance
from transfer_advisor.domain.shift.proxy_a import proxy_a_distance
from transfer_advisor.domain.shift.sliced import (
    _ks_exact_equal_n,
    ks_fdr_share,
    ks_per_feature,
    sliced_wasserstein_distance,
    wasserstein_1d_pp,
)

Matrix = NDArray[np.float64]


def _pair(n: int, m: int, d: int, shift: float = 0.0, seed: int = 0) -> tuple[Matrix, Matrix]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((m, d)) + shift


def _brute_force_p(
    x: Matrix, y: Matrix, stat: object, permutations: int, seed: int
) -> tuple[float, NDArray[np.float64]]:
    """p-value from recomputing the statistic in float64 on each relabelled sample, with the
    same relabellings the engine draws (first use of default_rng(seed))."""
    pooled = np.concatenate([x, y])
    n = len(x)
    s = _permuted_indicators(n, len(pooled), permutations, np.random.default_rng(seed))
    observed = stat(x, y)  # type: ignore[operator]
    perm = np.array([stat(pooled[row > 0.5], pooled[row < 0.5]) for row in s])  # type: ignore[operator]
    return (1 + int(np.sum(perm >= observed))) / (1 + permutations), perm


@pytest.mark.parametrize("shift", [0.0, 0.25])
def test_mmd_permutation_p_value_equals_float64_brute_force(shift: float) -> None:
    x, y = _pair(40, 30, 3, shift, seed=1)
    res = mmd_distance(x, y, bandwidth=1.5, permutations=150, rng=default_rng(7))
    p, perm = _brute_force_p(
        x, y, lambda a, b: mmd_distance(a, b, bandwidth=1.5, permutations=0, rng=default_rng(0)).value,
        150, 7)
    assert res.p_value == p
    np.testing.assert_allclose(res.details["null_quantile_95"], np.quantile(perm, 0.95),
                               rtol=1e-6)


def test_energy_permutation_p_value_equals_float64_brute_force() -> None:
    x, y = _pair(25, 35, 4, 0.3, seed=2)
    res = energy_distance(x, y, permutations=120, rng=default_rng(3))
    p, _ = _brute_force_p(
        x, y, lambda a, b: energy_distance(a, b, permutations=0, rng=default_rng(0)).value, 120, 3)
    assert res.p_value == p


def test_biased_mmd_uses_the_same_permutations() -> None:
    x, y = _pair(30, 30, 2, 0.2, seed=4)
    res = mmd_distance(x, y, bandwidth=1.0, permutations=80, rng=default_rng(5), biased=True)
    p, _ = _brute_force_p(
        x, y, lambda a, b: mmd_distance(a, b, bandwidth=1.0, permutations=0, biased=True,
                                        rng=default_rng(0)).value,
        80, 5)
    assert res.p_value == p
    assert res.details["statistic"] == "biased_v"


def test_p_value_is_never_zero_and_strong_shift_reaches_the_floor() -> None:
    x, y = _pair(50, 50, 5, 2.0, seed=6)
    for res in (mmd_distance(x, y, permutations=99, rng=default_rng(0)),
                energy_distance(x, y, permutations=99, rng=default_rng(0))):
        assert res.p_value == pytest.approx(1 / 100)
        assert res.details["permutations"] == 99


def test_identical_inputs() -> None:
    x, _ = _pair(60, 1, 6, seed=8)
    energy = energy_distance(x, x, permutations=50, rng=default_rng(0))
    assert energy.value == pytest.approx(0.0, abs=1e-12)
    assert energy.p_value == 1.0  # every relabelling is ≥ the observed 0
    assert mmd_distance(x, x, bandwidth=2.0, permutations=0, biased=True,
                        rng=default_rng(0)).value == pytest.approx(0.0, abs=1e-12)
    # the unbiased statistic is slightly negative on identical samples (diagonal excluded)
    assert mmd_distance(x, x, bandwidth=2.0, permutations=0, rng=default_rng(0)).value < 0.0
    assert sliced_wasserstein_distance(x, x).value == 0.0
    ks = ks_fdr_share(x, x)
    assert ks.value == 0.0
    assert ks.details["min_adjusted_p"] == 1.0
    assert proxy_a_distance(x, x, rng=default_rng(0)).value <= 0.3


finite = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=15, deadline=None)
@given(x=arrays(np.float64, st.tuples(st.integers(3, 12), st.just(3)), elements=finite),
       y=arrays(np.float64, st.tuples(st.integers(3, 12), st.just(3)), elements=finite))
def test_symmetry(x: Matrix, y: Matrix) -> None:
    def swap(f: object) -> tuple[float, float]:
        return f(x, y).value, f(y, x).value  # type: ignore[operator]

    for a, b in (
        swap(lambda u, v: mmd_distance(u, v, bandwidth=1.7, permutations=0, rng=default_rng(0))),
        swap(lambda u, v: energy_distance(u, v, permutations=0, rng=default_rng(0))),
        swap(lambda u, v: sliced_wasserstein_distance(u, v, projections=16)),
        swap(ks_fdr_share),
    ):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


@settings(max_examples=15, deadline=None)
@given(x=arrays(np.float64, st.tuples(st.integers(3, 12), st.just(2)), elements=finite),
       y=arrays(np.float64, st.tuples(st.integers(3, 12), st.just(2)), elements=finite),
       seed=st.integers(0, 2**16))
def test_row_order_invariance(x: Matrix, y: Matrix, seed: int) -> None:
    rng = np.random.default_rng(seed)
    xs, ys = x[rng.permutation(len(x))], y[rng.permutation(len(y))]
    for f in (lambda u, v: energy_distance(u, v, permutations=0, rng=default_rng(0)),
              lambda u, v: sliced_wasserstein_distance(u, v, projections=8),
              ks_fdr_share):
        assert f(x, y).value == pytest.approx(f(xs, ys).value, rel=1e-9, abs=1e-12)
    try:
        a = mmd_distance(x, y, permutations=0, rng=default_rng(0))
    except MetricNotApplicable:  # median heuristic bandwidth 0: must not depend on row order
        with pytest.raises(MetricNotApplicable):
            mmd_distance(xs, ys, permutations=0, rng=default_rng(0))
        return
    b = mmd_distance(xs, ys, permutations=0, rng=default_rng(0))
    # equal up to round-off: BLAS may round a dot product differently at another position
    assert a.details["bandwidth"] == pytest.approx(b.details["bandwidth"], rel=1e-12)
    assert a.value == pytest.approx(b.value, rel=1e-9, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(u=arrays(np.float64, st.tuples(st.integers(1, 9), st.just(2)), elements=finite),
       v=arrays(np.float64, st.tuples(st.integers(1, 9), st.just(2)), elements=finite))
def test_wasserstein_1d_unequal_sizes_equals_replicated_equal_sizes(u: Matrix, v: Matrix) -> None:
    # the empirical law of u equals that of u repeated len(v) times: compare with equal sizes
    expected = np.mean((np.sort(np.repeat(u, len(v), axis=0), axis=0)
                        - np.sort(np.repeat(v, len(u), axis=0), axis=0)) ** 2, axis=0)
    np.testing.assert_allclose(wasserstein_1d_pp(u, v), expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 30), m=st.integers(1, 30), d=st.integers(1, 4), seed=st.integers(0, 999))
def test_ks_matches_scipy_with_ties_and_unequal_sizes(n: int, m: int, d: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=(n, d)).astype(np.float64)  # many ties
    y = rng.integers(-2, 5, size=(m, d)).astype(np.float64)
    stat, p = ks_per_feature(x, y)
    for j in range(d):
        ref = stats.ks_2samp(x[:, j], y[:, j])
        assert stat[j] == pytest.approx(ref.statistic, rel=1e-12)
        assert p[j] == pytest.approx(ref.pvalue, rel=1e-9)


@pytest.mark.parametrize("n", [5, 50, 300, 2000])
def test_exact_ks_series_matches_scipy(n: int) -> None:
    hs = np.unique(np.linspace(1, n, 40).astype(np.int64))
    ours = _ks_exact_equal_n(n, hs)
    ref = [_stats_py._compute_prob_outside_square(n, int(h)) for h in hs]
    np.testing.assert_allclose(ours, np.clip(ref, 0, 1), rtol=1e-9, atol=1e-300)


def test_subsample_path_is_bounded_and_close_to_full_value() -> None:
    x, y = _pair(400, 300, 4, 0.3, seed=9)
    full = mmd_distance(x, y, bandwidth=2.0, permutations=0, rng=default_rng(0))
    assert full.details["path"] == "exact"
    pooled = pool_samples(x, y, rng=default_rng(1), max_rows_per_side=120)
    sub = mmd_distance(x, y, bandwidth=2.0, permutations=100, rng=default_rng(1), pooled=pooled)
    assert sub.details["path"] == "subsample"
    assert sub.details["rows_used"] == {"source": 120, "target": 120}
    assert (sub.details["n_source"], sub.details["n_target"]) == (400, 300)
    assert pooled.size == 240
    assert pooled.cross.shape == (240, 240)
    assert abs(sub.value - full.value) <= 4 * sub.details["standard_error"]
    assert sub.p_value is not None
    assert sub.p_value <= 0.05  # the shift is still detected on the subsample
    again = mmd_distance(x, y, bandwidth=2.0, permutations=100, rng=default_rng(1),
                         pooled=pool_samples(x, y, rng=default_rng(1), max_rows_per_side=120))
    assert again == sub  # deterministic given the seed


def test_proxy_a_distance_separable_vs_null() -> None:
    x, y = _pair(200, 300, 8, 0.0, seed=10)
    null = proxy_a_distance(x, y, rng=default_rng(0))
    assert null.value <= 0.4
    assert abs(null.details["auc"] - 0.5) <= 0.1
    far = proxy_a_distance(x, y + 3.0, rng=default_rng(0))
    assert far.value >= 1.9
    assert far.details["auc"] >= 0.99
    assert far.details["error"] <= 0.03



@pytest.mark.parametrize(("n", "m", "d", "rank"), [(40, 30, 120, None), (60, 50, 80, 12),
                                                   (30, 30, 20, None)])
def test_proxy_a_dual_space_equals_primal(n: int, m: int, d: int, rank: int | None) -> None:
    """The rows' Gram fit and the d×d normal equations are one ridge fit: same out-of-fold
    scores to 1e-8 (random and rank-deficient rows, fewer and more rows than features)."""
    from transfer_advisor.domain.shift.proxy_a import _dual_scores, _primal_scores

    rng = default_rng(rank or d)
    mix = rng.normal(size=(rank, d)) if rank else np.eye(d)
    x = rng.normal(size=(n, rank or d)) @ mix
    y = rng.normal(size=(m, rank or d)) @ mix + 0.3
    folds = 5
    fold_of = (rng.permutation(np.arange(n) % folds), rng.permutation(np.arange(m) % folds))

    def design(side: int, k: int) -> np.ndarray:
        rows = (x, y)[side][fold_of[side] == k]
        return np.hstack([rows, np.ones((len(rows), 1))])

    flat = _dual_scores(np.vstack([x, y]), n, np.concatenate(fold_of), folds)
    primal, dual = _primal_scores(design, fold_of, folds), (flat[:n], flat[n:])
    for p_side, d_side in zip(primal, dual, strict=True):
        np.testing.assert_allclose(d_side, p_side, rtol=1e-8, atol=1e-8 * np.abs(p_side).max())
    whole = [proxy_a_distance(x, y, rng=default_rng(3), space=space) for space in ("primal", "dual")]
    assert whole[0].value == whole[1].value
    assert whole[0].details == whole[1].details


def test_invalid_inputs() -> None:
    x, y = _pair(10, 10, 2)
    with pytest.raises(MetricNotApplicable):
        mmd_distance(x[:1], y, rng=default_rng(0))
    with pytest.raises(MetricNotApplicable):
        mmd_distance(np.zeros((10, 2)), y, rng=default_rng(0))  # median heuristic bandwidth would be 0
    with pytest.raises(MetricNotApplicable):
        proxy_a_distance(x[:3], y, rng=default_rng(0))
    with pytest.raises(ValueError, match="bandwidth"):
        mmd_distance(x, y, bandwidth=0.0, rng=default_rng(0))
    with pytest.raises(ValueError, match="permutations"):
        energy_distance(x, y, permutations=-1, rng=default_rng(0))
    assert mmd_distance(x, y, permutations=0, rng=default_rng(0)).p_value is None


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 20_000), seed=st.integers(0, 2**16), ties=st.booleans())
def test_banded_selection_equals_full_partition(n: int, seed: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    values = np.round(rng.random(n) * 7) if ties else rng.standard_normal(n) ** 2
    k = int(rng.integers(0, n))
    assert _kth_smallest(values, k) == np.partition(values, k)[k]
