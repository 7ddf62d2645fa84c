"""The low-rank Gaussian path (fewer rows than dimensions) computes the d × d path's quantities.

CORAL, Gaussian KL and Bhattacharyya agree with `gaussian` to 1e-8 relative (≤ 1e-12 measured).
Fréchet is checked against an exact reference instead: on a singular Σ_a the d × d path takes
square roots of round-off eigenvalues, so its own error is ~1e-8 relative on random rows (1e-8
to 4e-8 measured; up to 1.5e-7 on rank-2 data), 50-digit mpmath as the judge. The low-rank value
is exact to ~1e-15, and its whole difference from the d × d value is that error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from transfer_advisor.domain import metric_context
from transfer_advisor.domain.metrics import REGISTRY, MetricInputs, compute_metrics
from transfer_advisor.domain.shift import gaussian, lowrank
from transfer_advisor.domain.summary import Summary

Matrix = NDArray[np.float64]
COVARIANCE_METRICS = ("coral_distance", "gaussian_kl_divergence", "bhattacharyya_distance")
REGISTRY_NAMES = {"frechet_distance": "frechet_distance", "coral_distance": "coral_distance",
                  "gaussian_kl": "gaussian_kl_divergence",
                  "bhattacharyya_distance": "bhattacharyya_distance"}


def full_value(name: str, x_a: Matrix, x_b: Matrix) -> float:
    fn: Callable[[Summary, Summary], object] = getattr(gaussian, name)
    result = fn(Summary.from_rows(x_a), Summary.from_rows(x_b))
    return float(result.value)  # type: ignore[attr-defined]


def low_value(name: str, x_a: Matrix, x_b: Matrix) -> float:
    result = getattr(lowrank, name)(lowrank.LowRankPair.from_rows(x_a, x_b))
    assert result.details["path"] == "low_rank"
    return float(result.value)


def exact_frechet(x_a: Matrix, x_b: Matrix) -> float:
    """Fréchet d² by a Cholesky factor of Σ_a on its range, where it is definite.

    Σ_a = B L Lᵀ Bᵀ with B an orthonormal basis of its range (from an SVD of the rows), so the
    eigenvalues of Σ_a^½ Σ_b Σ_a^½ are those of Lᵀ Bᵀ Σ_b B L = (U_b B L)ᵀ (U_b B L): the squared
    singular values of U_b B L. No square root of a round-off eigenvalue anywhere.
    """
    def scaled(x: Matrix) -> Matrix:
        return (x - x.mean(axis=0)) / np.sqrt(max(len(x) - 1, 1))

    u_a, u_b = scaled(x_a), scaled(x_b)
    _, sigma, vt = np.linalg.svd(u_a, full_matrices=False)
    basis = vt[sigma > sigma[0] * 1e-6].T
    c_a, c_b = u_a @ basis, u_b @ basis
    factor = np.linalg.cholesky(c_a.T @ c_a)
    cross = np.linalg.svd(c_b @ factor, compute_uv=False)
    gap = x_a.mean(axis=0) - x_b.mean(axis=0)
    return float(gap @ gap + np.sum(u_a * u_a) + np.sum(u_b * u_b) - 2.0 * cross.sum())


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


def _subspace(rng: np.random.Generator, n: int, d: int, k: int) -> Matrix:
    return rng.normal(size=(n, k)) @ rng.normal(size=(k, d)) + rng.normal(size=d)


def _cases() -> dict[str, tuple[Matrix, Matrix]]:
    rng = np.random.default_rng(17)
    spectrum = np.geomspace(10.0, 0.01, 160)
    return {
        "random n<<d": (rng.normal(size=(12, 300)), rng.normal(0.1, 1.3, size=(15, 300))),
        "random 110/80 x 256": (rng.normal(size=(110, 256)), rng.normal(size=(80, 256)) + 0.05),
        "n close to d": (rng.normal(size=(59, 120)), 1.1 * rng.normal(size=(60, 120))),
        "duplicate rows": (np.repeat(rng.normal(size=(8, 150)), 5, axis=0),
                           rng.normal(size=(30, 150))),
        "rows in a subspace": (_subspace(rng, 40, 200, 5), _subspace(rng, 50, 200, 5) + 1.0),
        "same subspace both sides": (lambda b: (b[:30] @ rng.normal(size=(6, 180)),
                                                b[30:] @ rng.normal(size=(6, 180))))(
                                                    rng.normal(size=(70, 6))),
        "anisotropic": (rng.normal(size=(40, 160)) * spectrum, rng.normal(size=(35, 160)) * spectrum[::-1]),
        "two rows each": (rng.normal(size=(2, 40)), rng.normal(size=(2, 40))),
        "large scale": (1e4 * rng.normal(size=(20, 90)), 1e4 * rng.normal(size=(25, 90)) + 3e3),
        "small scale": (1e-4 * rng.normal(size=(20, 90)), 1e-4 * rng.normal(size=(25, 90))),
    }


CASES = _cases()


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", COVARIANCE_METRICS)
def test_covariance_metrics_equal_the_full_path(case: str, name: str) -> None:
    x_a, x_b = CASES[case]
    assert low_value(name, x_a, x_b) == pytest.approx(full_value(name, x_a, x_b), rel=1e-8)


@pytest.mark.parametrize("case", list(CASES))
def test_frechet_is_exact_and_within_the_full_paths_own_error(case: str) -> None:
    x_a, x_b = CASES[case]
    exact, low = exact_frechet(x_a, x_b), low_value("frechet_distance", x_a, x_b)
    full = full_value("frechet_distance", x_a, x_b)
    assert rel(low, exact) < 1e-10
    # the d × d path's error on a singular Σ_a: √ of round-off eigenvalues, ~1e-8 relative
    assert rel(full, exact) < 1e-7
    assert abs(low - full) <= abs(full - exact) + 1e-10 * exact


def test_frechet_against_50_digit_arithmetic() -> None:
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    rng = np.random.default_rng(3)
    x_a, x_b = rng.normal(size=(4, 16)), 1.2 * rng.normal(size=(5, 16)) + 0.1

    def moments(x: Matrix) -> tuple[object, object]:
        rows = mp.matrix(x.tolist())
        mean = mp.matrix([[mp.fsum(rows[i, j] for i in range(rows.rows)) / rows.rows
                           for j in range(rows.cols)]])
        centred = rows - mp.ones(rows.rows, 1) * mean
        return mean, centred.T * centred / (rows.rows - 1)

    (mean_a, cov_a), (mean_b, cov_b) = moments(x_a), moments(x_b)
    values, vectors = mp.eigsy(cov_a)
    root = vectors * mp.diag([mp.sqrt(max(v, 0)) for v in values]) * vectors.T
    cross = mp.eigsy(root * cov_b * root, eigvals_only=True)
    gap = mean_a - mean_b
    exact = float(mp.fsum(g * g for g in gap) + sum(cov_a[i, i] + cov_b[i, i] for i in range(16))
                  - 2 * mp.fsum(mp.sqrt(max(v, 0)) for v in cross))
    assert rel(low_value("frechet_distance", x_a, x_b), exact) < 1e-12
    assert rel(exact_frechet(x_a, x_b), exact) < 1e-12
    assert rel(full_value("frechet_distance", x_a, x_b), exact) < 1e-7


@st.composite
def row_pairs(draw: st.DrawFn) -> tuple[Matrix, Matrix]:
    n_a, n_b = draw(st.integers(2, 20)), draw(st.integers(2, 20))
    d = draw(st.integers(n_a + n_b + 1, 80))
    rank = draw(st.integers(1, d))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    shift = draw(st.floats(0.0, 3.0))
    duplicates = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mixing = rng.normal(size=(rank, d))
    x_a = scale * rng.normal(size=(n_a, rank)) @ mixing
    x_b = scale * (rng.gamma(2.0, size=(n_b, rank)) @ mixing + shift)
    if duplicates:
        x_a[n_a // 2:] = x_a[0]
    return x_a, x_b


@given(rows=row_pairs())
@settings(max_examples=60, deadline=None)
def test_property_low_rank_equals_full(rows: tuple[Matrix, Matrix]) -> None:
    x_a, x_b = rows
    for name in COVARIANCE_METRICS:
        assert low_value(name, x_a, x_b) == pytest.approx(full_value(name, x_a, x_b), rel=1e-8), name
    exact, low = exact_frechet(x_a, x_b), low_value("frechet_distance", x_a, x_b)
    full = full_value("frechet_distance", x_a, x_b)
    assert low == pytest.approx(exact, rel=1e-10)
    assert abs(low - full) <= abs(full - exact) + 1e-10 * exact  # all of it the d × d path's error


def test_zero_on_identical_rows_and_symmetric() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(20, 64)), rng.gamma(2.0, size=(25, 64))
    for name in (*COVARIANCE_METRICS, "frechet_distance"):
        same = low_value(name, x, x.copy())
        assert same == pytest.approx(0.0, abs=1e-9 * max(1.0, full_value(name, x, y))), name
        assert low_value(name, x, y) == pytest.approx(low_value(name, y, x), rel=1e-10), name


def test_the_path_applies_only_below_d() -> None:
    assert lowrank.low_rank_applies(80, 110, 1024)
    assert not lowrank.low_rank_applies(60, 60, 120)
    with pytest.raises(ValueError, match="n_a \\+ n_b < d"):
        lowrank.LowRankPair.from_rows(np.zeros((60, 120)), np.zeros((60, 120)))


def test_one_factorisation_per_covariance_shared_by_the_metrics() -> None:
    rng = np.random.default_rng(6)
    pair = lowrank.LowRankPair.from_rows(rng.normal(size=(10, 50)), rng.normal(size=(12, 50)))
    reduced = pair.reduced()
    lowrank.gaussian_kl_divergence(pair)
    shrunk_a = pair.shrunk("a", gaussian.DIVERGENCE_SHRINKAGE)
    lowrank.bhattacharyya_distance(pair)
    lowrank.coral_distance(pair)
    assert pair.reduced() is reduced
    assert pair.shrunk("a", gaussian.DIVERGENCE_SHRINKAGE) is shrunk_a


def _inputs(n_source: int, n_target: int, d: int, seed: int = 0) -> MetricInputs:
    rng = np.random.default_rng(seed)
    x_source = rng.normal(size=(n_source, d))
    x_target = 1.1 * rng.normal(size=(n_target, d)) + 0.05
    return MetricInputs(Summary.from_rows(x_source), Summary.from_rows(x_target), x_source, x_target,
                        permutations=20)


@pytest.mark.parametrize(("n_source", "n_target", "d"), [(30, 44, 200), (15, 12, 90)])
def test_registry_low_rank_equals_full_path(
    n_source: int, n_target: int, d: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = list(REGISTRY_NAMES)
    low = compute_metrics(_inputs(n_source, n_target, d), names).results
    monkeypatch.setattr(metric_context, "low_rank_applies", lambda *_: False)
    full = compute_metrics(_inputs(n_source, n_target, d), names).results
    for name in names:
        assert low[name].details["path"] == "low_rank", name
        assert full[name].details["path"] == "full", name
        rtol = 1e-7 if name == "frechet_distance" else 1e-8  # see the module docstring
        assert low[name].value == pytest.approx(full[name].value, rel=rtol), name
        assert low[name].details["baseline"] == pytest.approx(full[name].details["baseline"], rel=rtol)
        assert low[name].details["baseline_rule"] == full[name].details["baseline_rule"]
    cosine = compute_metrics(_inputs(n_source, n_target, d), ["mean_cosine_distance"]).results
    monkeypatch.undo()
    cosine_low = compute_metrics(_inputs(n_source, n_target, d), ["mean_cosine_distance"]).results
    assert cosine_low["mean_cosine_distance"] == cosine["mean_cosine_distance"]  # the same means


def test_registry_keeps_the_full_path_for_summaries_and_many_rows() -> None:
    rows = _inputs(30, 40, 50)  # 70 rows ≥ d = 50
    summaries = MetricInputs(rows.source, rows.target)
    for inputs in (rows, summaries):
        results = compute_metrics(inputs, list(REGISTRY_NAMES)).results
        assert {results[n].details["path"] for n in REGISTRY_NAMES} == {"full"}



def test_one_reduction_per_pair_and_no_d_by_d_moments_for_the_halves() -> None:
    context = metric_context.MetricContext(_inputs(30, 40, 200))
    for name in [*REGISTRY_NAMES, "mean_cosine_distance"]:
        assert REGISTRY[name].run(context).details["baseline"] > 0
    assert context.low_rank_pair is context.low_rank_pair is not None
    assert context.low_rank_halves is context.low_rank_halves is not None
    halves = context.target_halves
    assert halves is not None
    assert halves.fitted is None
    assert "fits" not in vars(halves)  # never built: the low-rank path reads only the rows
