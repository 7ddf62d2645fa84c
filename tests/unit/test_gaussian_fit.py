"""The shared-factorisation Gaussian path equals the formulas it replaced, and shares its work.

`previous_*` below are the d × d formulas of `gaussian` before `GaussianFit` (explicit inverses,
LU log-determinants, a Cholesky factor or a symmetric square root per call). On random SPD and
near-singular covariances (condition numbers to 1e8) at moderate d the new values agree with
them to 1e-8 relative; symmetric metrics are symmetric and identical inputs give 0. Singular
covariances with rows at hand are checked against an exact reference instead (the previous
path's square roots of round-off eigenvalues carry ~1e-8 error there; see test_lowrank).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from transfer_advisor.domain import linalg
from transfer_advisor.domain.arrays import checked_covariance
from transfer_advisor.domain.metric_context import MetricContext
from transfer_advisor.domain.metrics import REGISTRY, MetricInputs, compute_metrics
from transfer_advisor.domain.shift import gaussian, gaussian_fit
from transfer_advisor.domain.shift.gaussian_fit import GaussianFit
from transfer_advisor.domain.summary import Summary

Matrix = NDArray[np.float64]
S = gaussian.DIVERGENCE_SHRINKAGE


def previous_frechet(a: Summary, b: Summary) -> float:
    try:
        factor = np.linalg.cholesky(a.cov)
        values = np.linalg.eigvalsh(linalg.symmetrize(factor.T @ b.cov @ factor))
    except np.linalg.LinAlgError:
        root = linalg.psd_sqrt(a.cov)
        values = linalg.psd_eigh(root @ b.cov @ root)[0]
    gap = a.mean - b.mean
    d2 = (gap @ gap + np.trace(a.cov) + np.trace(b.cov)
          - 2.0 * float(np.sqrt(np.clip(values, 0.0, None)).sum()))
    return max(float(d2), 0.0)


def previous_kl(a: Summary, b: Summary) -> float:
    cov_a, cov_b = linalg.shrink(a.cov, S), linalg.shrink(b.cov, S)
    inv_a, inv_b = np.linalg.inv(cov_a), np.linalg.inv(cov_b)
    gap = a.mean - b.mean
    both = (np.sum(inv_b * cov_a) + np.sum(inv_a * cov_b) + gap @ (inv_a + inv_b) @ gap - 2 * a.dim)
    return max(0.25 * float(both), 0.0)


def previous_bhattacharyya(a: Summary, b: Summary) -> float:
    cov_a, cov_b = linalg.shrink(a.cov, S), linalg.shrink(b.cov, S)
    cov = linalg.symmetrize(0.5 * (cov_a + cov_b))
    gap = a.mean - b.mean
    mahalanobis = float(gap @ np.linalg.solve(cov, gap))
    log_ratio = linalg.logdet_psd(cov) - 0.5 * (linalg.logdet_psd(cov_a) + linalg.logdet_psd(cov_b))
    return max(mahalanobis / 8.0 + 0.5 * log_ratio, 0.0)


def previous_coral(a: Summary, b: Summary) -> float:
    diff = a.cov - b.cov
    return float(np.sum(diff * diff)) / (4.0 * a.dim**2)


PAIRS: dict[str, tuple[Callable[[Summary, Summary], float], Callable[..., object]]] = {
    "frechet_distance": (previous_frechet, gaussian.frechet_distance),
    "gaussian_kl_divergence": (previous_kl, gaussian.gaussian_kl_divergence),
    "bhattacharyya_distance": (previous_bhattacharyya, gaussian.bhattacharyya_distance),
    "coral_distance": (previous_coral, gaussian.coral_distance),
}


def new_value(name: str, a: Summary | GaussianFit, b: Summary | GaussianFit) -> float:
    return float(PAIRS[name][1](a, b).value)  # type: ignore[attr-defined]


def spd(rng: np.random.Generator, d: int, condition: float, scale: float) -> Matrix:
    """A random SPD matrix with log-spaced eigenvalues from scale down to scale / condition."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    cov = (q * np.geomspace(scale, scale / condition, d)) @ q.T
    return linalg.symmetrize(cov)


@st.composite
def summary_pairs(draw: st.DrawFn) -> tuple[Summary, Summary]:
    d = draw(st.integers(2, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    conditions = [draw(st.sampled_from([1.0, 10.0, 1e4, 1e8])) for _ in range(2)]
    shift = draw(st.floats(0.0, 3.0))
    cov_a = spd(rng, d, conditions[0], scale)
    cov_b = spd(rng, d, conditions[1], scale * draw(st.sampled_from([0.5, 1.0, 2.0])))
    mean_a = rng.standard_normal(d) * np.sqrt(scale)
    mean_b = mean_a + shift * np.sqrt(scale) * rng.standard_normal(d)
    return (Summary.from_covariance(500, mean_a, cov_a), Summary.from_covariance(400, mean_b, cov_b))


@given(pair=summary_pairs())
@settings(max_examples=80, deadline=None)
def test_new_path_equals_the_previous_formulas(pair: tuple[Summary, Summary]) -> None:
    a, b = pair
    fit_a, fit_b = GaussianFit(a), GaussianFit(b)  # shared by the four metrics, as in a request
    for name, (previous, _) in PAIRS.items():
        expected = previous(a, b)
        # near 0 both are round-off of the terms that cancel: 1e-10 of their size
        assert new_value(name, fit_a, fit_b) == pytest.approx(
            expected, rel=1e-8, abs=1e-10 * cancelling_terms(name, a, b)), name


def cancelling_terms(name: str, a: Summary, b: Summary) -> float:
    """The size of the terms whose difference each metric is (its round-off scale)."""
    if name == "frechet_distance":
        gap = a.mean - b.mean
        return float(np.trace(a.cov) + np.trace(b.cov) + gap @ gap)
    if name == "coral_distance":
        return float(np.sum(a.cov**2) + np.sum(b.cov**2)) / (4.0 * a.dim**2)
    return float(a.dim)  # KL: traces against 2d; Bhattacharyya: log-determinants of d terms


@given(pair=summary_pairs())
@settings(max_examples=40, deadline=None)
def test_symmetric_and_zero_on_identical_inputs(pair: tuple[Summary, Summary]) -> None:
    a, b = pair
    for name in PAIRS:
        forward, backward = new_value(name, a, b), new_value(name, b, a)
        assert forward == pytest.approx(backward, rel=1e-9, abs=1e-10 * cancelling_terms(name, a, b)), name
        # identical inputs: 0 up to round-off of the terms that cancel
        scale = cancelling_terms(name, a, a)
        assert new_value(name, a, a) == pytest.approx(0.0, abs=1e-10 * scale), name
        fit = GaussianFit(a)
        assert new_value(name, fit, fit) == pytest.approx(0.0, abs=1e-10 * scale), name


def _exact_frechet(x_a: Matrix, x_b: Matrix) -> float:
    """Fréchet d² from rows with no square root of a round-off eigenvalue (as in test_lowrank):
    the eigenvalues of Σ_a^½ Σ_b Σ_a^½ are the squared singular values of U_a U_bᵀ."""
    def scaled(x: Matrix) -> Matrix:
        return (x - x.mean(axis=0)) / np.sqrt(len(x) - 1)

    u_a, u_b = scaled(x_a), scaled(x_b)
    sigma = np.linalg.svd(u_a @ u_b.T, compute_uv=False)
    gap = x_a.mean(axis=0) - x_b.mean(axis=0)
    return float(gap @ gap + np.sum(u_a * u_a) + np.sum(u_b * u_b) - 2.0 * sigma.sum())


@pytest.mark.parametrize(("n_a", "n_b", "d"), [(30, 80, 50), (20, 25, 40), (60, 90, 50)])
def test_rows_factor_of_a_singular_covariance_is_exact(n_a: int, n_b: int, d: int) -> None:
    rng = np.random.default_rng(n_a)
    x_a, x_b = rng.normal(size=(n_a, d)), 1.3 * rng.gamma(2.0, size=(n_b, d))
    fit_a, fit_b = GaussianFit.from_rows(x_a), GaussianFit.from_rows(x_b)
    assert (fit_a.scaled_rows is not None) == (n_a - 1 < d)
    exact = _exact_frechet(x_a, x_b)
    assert new_value("frechet_distance", fit_a, fit_b) == pytest.approx(exact, rel=1e-10)
    assert new_value("frechet_distance", fit_b, fit_a) == pytest.approx(exact, rel=1e-10)
    # the other metrics read the same d × d covariances as before
    a, b = fit_a.summary, fit_b.summary
    for name in ("gaussian_kl_divergence", "bhattacharyya_distance", "coral_distance"):
        assert new_value(name, fit_a, fit_b) == pytest.approx(PAIRS[name][0](a, b), rel=1e-8), name


def test_singular_summaries_without_rows_fall_back_to_the_eigendecomposition() -> None:
    rng = np.random.default_rng(8)
    x_a, x_b = rng.normal(size=(10, 30)), rng.normal(size=(12, 30))
    a, b = Summary.from_rows(x_a), Summary.from_rows(x_b)  # summaries only: no rows to factor
    fit_a, fit_b = GaussianFit(a), GaussianFit(b)
    value = new_value("frechet_distance", fit_a, fit_b)
    assert fit_a.cholesky is None
    assert fit_b.cholesky is None
    assert not fit_a.root.lower
    assert value == pytest.approx(previous_frechet(a, b), rel=1e-7)
    assert value == pytest.approx(_exact_frechet(x_a, x_b), rel=1e-7)  # its ~1e-8 error


def _summary_only(d: int, count: int, seed: int = 0) -> MetricInputs:
    rng = np.random.default_rng(seed)
    x_s, x_t = rng.normal(size=(count, d)), 1.2 * rng.normal(size=(count, d)) + 0.1
    return MetricInputs(Summary.from_rows(x_s), Summary.from_rows(x_t))


GAUSSIAN = ["frechet_distance", "coral_distance", "mean_cosine_distance", "gaussian_kl",
            "bhattacharyya_distance"]


def test_one_factorisation_per_covariance_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = {"cholesky": 0, "eigh": 0}

    def counted(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    for module in (gaussian, gaussian_fit):
        monkeypatch.setattr(module, "cholesky_lower", counted("cholesky", linalg.cholesky_lower))
    monkeypatch.setattr(gaussian_fit, "psd_eigh", counted("eigh", linalg.psd_eigh))

    def no_inverse(*_: object) -> None:
        raise AssertionError("an explicit inverse")

    monkeypatch.setattr(np.linalg, "inv", no_inverse)
    # summary-only, count 1,000 at d = 30: a parametric baseline of two 500-row halves
    inputs = _summary_only(30, 1000)
    context = MetricContext(inputs)
    results = {name: compute_metrics(inputs, [name]).results[name] for name in GAUSSIAN}
    calls.update(cholesky=0, eigh=0)
    shared = {name: REGISTRY[name].run(context) for name in GAUSSIAN}
    # Cholesky: the target's Σ (Fréchet and the draws), the second half's Σ (the baseline's
    # Fréchet), four shrunk covariances (source, target, two halves), two Bhattacharyya mixtures
    assert calls == {"cholesky": 8, "eigh": 0}
    for name in GAUSSIAN:  # the shared run and separate runs agree exactly
        assert shared[name] == results[name], name
    halves = context.target_halves
    assert halves is not None
    assert context.target_fit.shrunk(S) is context.target_fit.shrunk(S)
    assert halves.fits[0].shrunk(S) is halves.fits[0].shrunk(S)


def test_parametric_draws_use_the_target_cholesky_factor() -> None:
    rng = np.random.default_rng(3)
    cov = spd(rng, 12, 100.0, 1.0)  # anisotropic and rotated: L Lᵀ and Lᵀ L differ
    target = Summary.from_covariance(600, rng.normal(size=12), cov)
    context = MetricContext(MetricInputs(Summary.from_covariance(600, np.zeros(12), cov), target))
    halves = context.target_halves
    assert halves is not None
    assert context.target_fit.root.lower  # a Cholesky factor, not an eigendecomposition
    assert [fit.count for fit in halves.fits] == [300, 300]
    # 600 draws of N(μ, Σ) pin Σ to ~6 % of its largest entry (4σ allowed)
    merged = halves.fits[0].summary.merge(halves.fits[1].summary)
    np.testing.assert_allclose(merged.cov, cov, atol=0.25 * np.abs(cov).max())
    np.testing.assert_allclose(merged.mean, target.mean, atol=0.25)


def checked(summary: Summary, *, try_definite: bool = True) -> Summary:
    """The summary as a client would send it, through the PSD check (which keeps its factor)."""
    cov, known = checked_covariance(summary.cov, "summary.covariance", try_definite=try_definite)
    return Summary.from_covariance(summary.count, summary.mean, cov, known_cholesky=known)


@given(pair=summary_pairs(), rank_deficient=st.booleans())
@settings(max_examples=60, deadline=None)
def test_the_checks_factor_gives_the_values_of_a_fresh_factorisation(
        pair: tuple[Summary, Summary], rank_deficient: bool) -> None:
    a, b = pair
    if rank_deficient:  # a singular source: the check knows it is not definite
        rows = np.random.default_rng(a.count).standard_normal((a.dim // 2 + 1, a.dim))
        a = Summary.from_covariance(a.count, a.mean, np.cov(rows, rowvar=False))
    checked_a, checked_b = checked(a), checked(b)
    assert checked_b.known_cholesky is not None
    for name in PAIRS:
        fresh = new_value(name, GaussianFit(a), GaussianFit(b))
        assert new_value(name, GaussianFit(checked_a), GaussianFit(checked_b)) == pytest.approx(
            fresh, rel=1e-10, abs=1e-10 * cancelling_terms(name, a, b)), name


def test_a_known_factor_is_used_not_computed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return linalg.cholesky_lower(*args, **kwargs)  # type: ignore[arg-type]

    for module in (gaussian, gaussian_fit):
        monkeypatch.setattr(module, "cholesky_lower", counted)
    inputs = _summary_only(30, 1000)
    client = MetricInputs(checked(inputs.source), checked(inputs.target))
    run = compute_metrics(client, GAUSSIAN)
    # as test_one_factorisation_per_covariance_per_request, less the target's Σ: the check's
    assert len(calls) == 7
    context = MetricContext(client)
    known = client.target.known_cholesky
    assert known is not None
    assert context.target_fit.cholesky is known.factor
    calls.clear()
    plain = compute_metrics(inputs, GAUSSIAN)
    assert len(calls) == 8
    for name in GAUSSIAN:
        for key in ("value", "baseline"):
            got = run.results[name].value if key == "value" else run.results[name].details[key]
            want = plain.results[name].value if key == "value" else plain.results[name].details[key]
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (name, key)
