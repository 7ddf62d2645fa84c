"""Summary merging and the summary-based shift metrics: properties that must hold on any input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from transfer_advisor.domain.shift import gaussian
from transfer_advisor.domain.summary import Summary

METRICS = [gaussian.frechet_distance, gaussian.coral_distance, gaussian.mean_cosine_distance,
           gaussian.gaussian_kl_divergence, gaussian.bhattacharyya_distance]
SYMMETRIC = METRICS  # every summary metric here is symmetric by construction


@st.composite
def matrices(draw: st.DrawFn, min_rows: int = 4, max_rows: int = 40, max_dim: int = 6) -> np.ndarray:
    n = draw(st.integers(min_rows, max_rows))
    d = draw(st.integers(1, max_dim))
    elements = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    return draw(arrays(np.float64, (n, d), elements=elements))


@given(x=matrices(), cut=st.floats(0.1, 0.9))
@settings(max_examples=60, deadline=None)
def test_merge_equals_single_pass(x: np.ndarray, cut: float) -> None:
    k = max(1, min(len(x) - 1, int(len(x) * cut)))
    merged = Summary.from_rows(x[:k]).merge(Summary.from_rows(x[k:]))
    whole = Summary.from_rows(x)
    scale = max(1.0, float(np.abs(whole.m2).max()))
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(merged.m2, whole.m2, rtol=1e-10, atol=1e-10 * scale)


def test_chunked_merge_matches_numpy_cov_to_1e10() -> None:
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(1000, 12))
    chunks = [Summary.from_rows(part) for part in np.array_split(x, 7)]
    merged = chunks[0]
    for part in chunks[1:]:
        merged = merged.merge(part)
    np.testing.assert_allclose(merged.cov, np.cov(x, rowvar=False), rtol=1e-10, atol=1e-12)
    assert merged.count == 1000


def test_class_moments_merge() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(90, 4)), rng.integers(0, 3, 90)
    merged = Summary.from_rows(x[:40], y[:40], 3).merge(Summary.from_rows(x[40:], y[40:], 3))
    whole = Summary.from_rows(x, y, 3)
    assert merged.class_counts is not None
    assert whole.class_counts is not None
    np.testing.assert_array_equal(merged.class_counts, whole.class_counts)
    np.testing.assert_allclose(merged.class_means, whole.class_means, rtol=1e-12)


@pytest.mark.parametrize("metric", METRICS, ids=lambda f: f.__name__)
def test_zero_on_identical_inputs(metric) -> None:  # type: ignore[no-untyped-def]
    s = Summary.from_rows(np.random.default_rng(3).normal(size=(50, 10)))
    assert metric(s, s).value == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("metric", SYMMETRIC, ids=lambda f: f.__name__)
def test_symmetric(metric) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4)
    a, b = Summary.from_rows(rng.normal(size=(60, 7))), Summary.from_rows(rng.gamma(2.0, size=(50, 7)))
    assert metric(a, b).value == pytest.approx(metric(b, a).value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("metric", [gaussian.frechet_distance, gaussian.coral_distance,
                                    gaussian.gaussian_kl_divergence, gaussian.bhattacharyya_distance],
                         ids=lambda f: f.__name__)
def test_translation_invariant(metric) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    xa, xb = rng.normal(size=(80, 5)), rng.normal(0.5, 1.5, size=(70, 5))
    shift = rng.normal(size=5) * 10
    before = metric(Summary.from_rows(xa), Summary.from_rows(xb)).value
    after = metric(Summary.from_rows(xa + shift), Summary.from_rows(xb + shift)).value
    assert after == pytest.approx(before, rel=1e-8)


def test_frechet_grows_with_mean_shift() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=(400, 8))
    values = [gaussian.frechet_distance(Summary.from_rows(x), Summary.from_rows(x + s)).value
              for s in (0.0, 0.5, 1.0, 2.0)]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(8 * 4.0, rel=1e-9)  # ‖Δμ‖² exactly, same covariance


def test_frechet_stable_when_n_below_d() -> None:
    rng = np.random.default_rng(7)
    a, b = Summary.from_rows(rng.normal(size=(10, 50))), Summary.from_rows(rng.normal(size=(12, 50)))
    value = gaussian.frechet_distance(a, b).value
    assert np.isfinite(value)
    assert value > 0
    for metric in (gaussian.gaussian_kl_divergence, gaussian.bhattacharyya_distance):
        assert np.isfinite(metric(a, b).value)


def test_input_fingerprint_ignores_spelling_but_not_values() -> None:
    from transfer_advisor.domain.audit import input_fingerprint

    cov = np.eye(3).tolist()
    body = {"source": {"summary": {"count": 5, "mean": [0.0, 1.0, 2.0], "covariance": cov}},
            "target": {"labels": [0, 1], "inputs": {"texts": ["a", "b"]}}}
    respelled = {"target": {"inputs": {"texts": ["a", "b"]}, "labels": [0.0, 1.0]},
                 "source": {"summary": {"covariance": cov, "mean": [0, 1, 2], "count": 5}}}
    assert input_fingerprint(body) == input_fingerprint(respelled)
    changed = {**body, "source": {"summary": {"count": 5, "mean": [0.0, 1.0, 2.5],
                                              "covariance": cov}}}
    assert input_fingerprint(changed) != input_fingerprint(body)
    transposed = {**body, "source": {"summary": {"count": 5, "mean": [[0.0, 1.0, 2.0]],
                                                 "covariance": cov}}}
    assert input_fingerprint(transposed) != input_fingerprint(body)  # shape is hashed too
