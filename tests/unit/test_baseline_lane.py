"""compute_metrics' baseline lane: large Gaussian baselines beside the metrics, same answers.

At d ≥ BASELINE_LANE_MIN_DIM the two target halves' d × d work (factorisations, the Fréchet
eigenvalues) is as large as the metrics'; with a second lane granted it runs in a thread. These
tests check the values do not depend on it, that it runs only when granted and worth it, that
an error in one baseline stays inside that metric, and that no work outlives the call.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from transfer_advisor.domain import metrics
from transfer_advisor.domain.metrics import (
    BASELINE_LANE_MIN_DIM,
    GAUSSIAN_PATHS,
    MetricInputs,
    compute_metrics,
)
from transfer_advisor.domain.summary import Summary
from transfer_advisor.errors import TimeBudgetExceeded

GAUSSIAN = list(GAUSSIAN_PATHS)


def summaries(d: int, seed: int = 0) -> MetricInputs:
    """Summary-only source and target (the parametric baseline: rows drawn from the target)."""
    rng = np.random.default_rng(seed)
    basis = rng.normal(size=(d, d)) / np.sqrt(d)
    x = rng.normal(size=(d + 200, d)) @ basis
    y = rng.normal(size=(d + 200, d)) @ basis + 0.1
    return MetricInputs(Summary.from_rows(x), Summary.from_rows(y), seed=3)


class Lanes:
    """An `extra_lane` that grants (or refuses) a lane and counts the requests."""

    def __init__(self, grant: bool = True) -> None:
        self.grant, self.asked = grant, 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[bool]:
        self.asked += 1
        yield self.grant


@pytest.fixture
def baseline_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads that computed each baseline."""
    names: list[str] = []
    original = metrics._halves_baseline

    def recorded(*args: Any) -> Any:
        names.append(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(metrics, "_halves_baseline", recorded)
    return names


def values(run: metrics.MetricRun) -> dict[str, tuple[float, float]]:
    return {k: (r.value, r.details["baseline"]) for k, r in run.results.items()}


def test_the_lane_gives_the_same_values_as_one_thread(baseline_threads: list[str]) -> None:
    inputs = summaries(BASELINE_LANE_MIN_DIM)
    alone = compute_metrics(inputs, GAUSSIAN)
    assert set(baseline_threads) == {threading.current_thread().name}
    baseline_threads.clear()
    lanes = Lanes()
    beside = compute_metrics(inputs, GAUSSIAN, extra_lane=lanes)
    assert lanes.asked == 1
    assert len(baseline_threads) == len(GAUSSIAN)
    assert all(name.startswith("baselines") for name in baseline_threads)
    assert set(beside.results) == set(GAUSSIAN)
    for name, (value, baseline) in values(alone).items():
        assert values(beside)[name] == pytest.approx((value, baseline), rel=1e-12)
    assert not [t for t in threading.enumerate() if t.name.startswith("baselines")]


def test_a_refused_lane_runs_everything_in_the_caller(baseline_threads: list[str]) -> None:
    lanes = Lanes(grant=False)
    compute_metrics(summaries(BASELINE_LANE_MIN_DIM), GAUSSIAN, extra_lane=lanes)
    assert lanes.asked == 1
    assert set(baseline_threads) == {threading.current_thread().name}


def test_small_or_rows_path_baselines_do_not_ask_for_a_lane() -> None:
    lanes = Lanes()
    compute_metrics(summaries(BASELINE_LANE_MIN_DIM - 1), GAUSSIAN, extra_lane=lanes)
    rng = np.random.default_rng(1)
    d = BASELINE_LANE_MIN_DIM
    x, y = rng.normal(size=(100, d)), rng.normal(size=(120, d))  # halves of 60 rows: O(n²d)
    rows = MetricInputs(Summary.from_rows(x), Summary.from_rows(y), x_source=x, x_target=y)
    compute_metrics(rows, GAUSSIAN, extra_lane=lanes)
    compute_metrics(summaries(d), ["mmd", "logme"], extra_lane=lanes)  # no Gaussian metric
    assert lanes.asked == 0


def test_an_error_in_one_baseline_stays_in_its_metric(monkeypatch: pytest.MonkeyPatch) -> None:
    original = metrics._halves_baseline

    def failing(context: Any, fn: Any, low_rank: Any) -> Any:
        if fn.__name__ == "gaussian_kl_divergence":
            raise np.linalg.LinAlgError("halves not positive definite")
        return original(context, fn, low_rank)

    monkeypatch.setattr(metrics, "_halves_baseline", failing)
    inputs = summaries(BASELINE_LANE_MIN_DIM)
    alone = compute_metrics(inputs, GAUSSIAN)
    beside = compute_metrics(inputs, GAUSSIAN, extra_lane=Lanes())
    assert alone.omitted == beside.omitted == {"gaussian_kl": "halves not positive definite"}
    assert set(beside.results) == set(GAUSSIAN) - {"gaussian_kl"}


def test_no_baseline_work_outlives_a_request_over_budget() -> None:
    with pytest.raises(TimeBudgetExceeded):
        compute_metrics(summaries(BASELINE_LANE_MIN_DIM), GAUSSIAN,
                        deadline=time.monotonic() - 1.0, extra_lane=Lanes())
    assert not [t for t in threading.enumerate() if t.name.startswith("baselines")]
