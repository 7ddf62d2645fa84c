"""The shift profile kept for reports: checked against the rows it summarises."""

from __future__ import annotations

import json

import numpy as np
import pytest

from transfer_advisor.domain.shift.profile import shift_profile, top_directions
from transfer_advisor.domain.summary import Summary


def sides(d: int, n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scale = np.linspace(3.0, 0.5, d)
    xs = rng.normal(size=(n, d)) * scale
    xt = rng.normal(size=(n + 37, d)) * scale
    xt[:, : min(3, d)] += np.array([2.0, -1.0, 0.5][: min(3, d)])
    return xs, xt


def test_mean_shift_is_standardised_per_dimension_and_sorted() -> None:
    xs, xt = sides(10)
    p = shift_profile(Summary.from_rows(xs), Summary.from_rows(xt), top=4)
    sd = np.sqrt((xs.var(axis=0, ddof=1) + xt.var(axis=0, ddof=1)) / 2)
    z = (xt.mean(axis=0) - xs.mean(axis=0)) / sd
    expected = np.argsort(-np.abs(z))[:4]
    assert [j for j, _ in p["top_dims"]] == expected.tolist()
    np.testing.assert_allclose([v for _, v in p["top_dims"]], z[expected], rtol=1e-5)
    assert p["share_over_half_sd"] == pytest.approx(np.mean(np.abs(z) > 0.5), abs=1e-6)
    assert p["dims"] == 10


@pytest.mark.parametrize("d", [5, 100])
def test_top_directions_are_the_leading_eigenvectors(d: int) -> None:
    # Leading variances 9 and 4, the rest at most 1: a gap like real embeddings' spectra have.
    rng = np.random.default_rng(3)
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    spectrum = np.concatenate([[9.0, 4.0], np.linspace(1.0, 0.2, d - 2)])
    cov = (rotation * spectrum) @ rotation.T
    mine = top_directions(cov)
    np.testing.assert_allclose(np.abs(mine.T @ rotation[:, :2]), np.eye(2), atol=1e-3)
    np.testing.assert_allclose(mine.T @ mine, np.eye(2), atol=1e-10)


@pytest.mark.parametrize("d", [5, 100])
def test_pca_equals_projecting_the_rows(d: int) -> None:
    xs, xt = sides(d)
    p = shift_profile(Summary.from_rows(xs), Summary.from_rows(xt))["pca"]
    both = np.vstack([xs, xt])
    pooled = np.cov(both, rowvar=False)
    basis = top_directions(pooled)
    np.testing.assert_allclose(p["explained"], np.diag(basis.T @ pooled @ basis) / np.trace(pooled),
                               rtol=1e-4)
    centre = both.mean(axis=0)
    for name, x in (("source", xs), ("target", xt)):
        projected = (x - centre) @ basis
        np.testing.assert_allclose(p[name]["mean"], projected.mean(axis=0), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(p[name]["cov"], np.cov(projected, rowvar=False), rtol=1e-4,
                                   atol=1e-6)
    # The pooled mean is the origin: the sides' centres sit on either side of it.
    weights = np.array([len(xs), len(xt)]) / len(both)
    np.testing.assert_allclose(weights @ np.array([p["source"]["mean"], p["target"]["mean"]]),
                               0.0, atol=1e-4)


def test_bounded_size_and_finite_for_any_input() -> None:
    rng = np.random.default_rng(1)
    big = shift_profile(Summary.from_rows(rng.normal(size=(50, 600))),
                        Summary.from_rows(rng.normal(size=(50, 600)) + 0.1))
    assert len(json.dumps(big)) < 2000
    constant = Summary.from_rows(np.ones((5, 3)))
    flat = shift_profile(constant, constant)
    assert flat["top_dims"][0][1] == 0.0
    assert flat["pca"]["explained"] == [0.0, 0.0]
    assert "NaN" not in json.dumps(flat)
    one = shift_profile(Summary.from_rows(rng.normal(size=(9, 1))),
                        Summary.from_rows(rng.normal(size=(9, 1))))
    assert one["pca"] is None
    assert len(one["top_dims"]) == 1
