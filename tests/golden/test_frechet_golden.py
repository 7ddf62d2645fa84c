"""frechet_distance against pytorch-fid's values in shared/reference/shift (rtol 1e-6)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.shared_data import require_shared

from transfer_advisor.domain.shift.gaussian import frechet_distance
from transfer_advisor.domain.summary import Summary

PAIRS = {
    "x_ref_vs_x_same": ("x_ref", "x_same"),
    "x_ref_vs_x_shift": ("x_ref", "x_shift"),
    "x_ref_vs_x_weak": ("x_ref", "x_weak"),
    "fd64_1_vs_2": (("fd64_mu1", "fd64_sigma1"), ("fd64_mu2", "fd64_sigma2")),
    "fd64_1_vs_1": (("fd64_mu1", "fd64_sigma1"), ("fd64_mu1", "fd64_sigma1")),
    "fd64_1_vs_3_rankdeficient": (("fd64_mu1", "fd64_sigma1"),
                                  ("fd64_mu3_rankdef", "fd64_sigma3_rankdef")),
}


def _side(folder, spec) -> Summary:  # type: ignore[no-untyped-def]
    if isinstance(spec, str):
        return Summary.from_rows(np.load(folder / f"{spec}.npy"))
    mean, cov = (np.load(folder / f"{name}.npy") for name in spec)
    return Summary.from_covariance(2000, mean, cov)  # count does not enter the formula


def golden_rows() -> list[dict]:  # type: ignore[type-arg]
    folder = require_shared("reference", "shift")
    values = json.loads((folder / "values.json").read_text())["values"]
    return [v for v in values if v["metric"] == "frechet_distance" and v["library"] == "pytorch-fid"]


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_matches_pytorch_fid(pair: str) -> None:
    folder = require_shared("reference", "shift")
    row = next(r for r in golden_rows() if r["pair"] == pair)
    a, b = (_side(folder, spec) for spec in PAIRS[pair])
    ours = frechet_distance(a, b).value
    expected = max(row["value"], 0.0)
    assert ours == pytest.approx(expected, rel=1e-6, abs=1e-9)
    assert ours == pytest.approx(max(row["crosscheck_eigh_formula"], 0.0), rel=1e-6, abs=1e-9)


def test_every_golden_pair_is_covered() -> None:
    assert {r["pair"] for r in golden_rows()} <= set(PAIRS)
