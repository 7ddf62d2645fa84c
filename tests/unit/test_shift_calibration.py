"""Calibration of the sample-based shift tests, with fixed seeds.

Null: both sides N(0, I_d), n = m = 40, d = 4; 200 repetitions, B = 100 permutations; the
rejection rate at α = 0.05 must be ≤ 0.07 (the exact level of the +1-corrected permutation
test is 5/101 ≈ 0.0495). Power: target shifted by δ = 1.2 · 1/√d (‖δ‖ = 1.2, i.e. 1.2
standard deviations along the diagonal direction), same n, d; 100 repetitions; power ≥ 0.9.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.random import default_rng

from transfer_advisor.domain.shift._pairwise import pool_samples
from transfer_advisor.domain.shift.energy_distance import energy_distance
from transfer_advisor.domain.shift.mmd import mmd_distance
from transfer_advisor.domain.shift.sliced import ks_fdr_share

ALPHA = 0.05
N, D, B = 40, 4, 100
NULL_REPS, POWER_REPS = 200, 100
SHIFT_NORM = 1.2


def _p_values(shift_norm: float, reps: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    delta = shift_norm / np.sqrt(D)
    out: dict[str, list[float]] = {"mmd": [], "energy_distance": [], "ks_fdr_min_p": []}
    for rep in range(reps):
        x = rng.standard_normal((N, D))
        y = rng.standard_normal((N, D)) + delta
        pooled = pool_samples(x, y, rng=default_rng(rep))
        mmd = mmd_distance(x, y, permutations=B, rng=default_rng(rep), pooled=pooled)
        energy = energy_distance(x, y, permutations=B, rng=default_rng(rep), pooled=pooled)
        ks = ks_fdr_share(x, y, alpha=ALPHA)
        assert mmd.p_value is not None
        assert energy.p_value is not None
        out["mmd"].append(mmd.p_value)
        out["energy_distance"].append(energy.p_value)
        out["ks_fdr_min_p"].append(ks.details["min_adjusted_p"])
    return {k: np.asarray(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def null_p() -> dict[str, np.ndarray]:
    return _p_values(0.0, NULL_REPS, seed=20240601)


@pytest.fixture(scope="module")
def shifted_p() -> dict[str, np.ndarray]:
    return _p_values(SHIFT_NORM, POWER_REPS, seed=20240602)


@pytest.mark.parametrize("test", ["mmd", "energy_distance", "ks_fdr_min_p"])
def test_null_rejection_rate_is_at_most_007(null_p: dict[str, np.ndarray], test: str) -> None:
    rate = float(np.mean(null_p[test] <= ALPHA))
    assert rate <= 0.07, f"{test}: null rejection rate {rate:.3f} at α = {ALPHA}"


@pytest.mark.parametrize("test", ["mmd", "energy_distance"])
def test_null_p_values_are_roughly_uniform(null_p: dict[str, np.ndarray], test: str) -> None:
    p = null_p[test]
    assert p.min() >= 1.0 / (B + 1)  # never 0
    # a permutation p-value is (nearly) uniform under H0: its quartiles sit near 1/4, 1/2, 3/4
    np.testing.assert_allclose(np.quantile(p, [0.25, 0.5, 0.75]), [0.25, 0.5, 0.75], atol=0.1)


@pytest.mark.parametrize("test", ["mmd", "energy_distance"])
def test_power_under_documented_mean_shift(shifted_p: dict[str, np.ndarray], test: str) -> None:
    power = float(np.mean(shifted_p[test] <= ALPHA))
    assert power >= 0.9, f"{test}: power {power:.2f} at ‖δ‖ = {SHIFT_NORM}, n = {N}, d = {D}"
