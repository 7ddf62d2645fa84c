"""Token bucket arithmetic and the metric time budget, without HTTP."""

from __future__ import annotations

import time

import numpy as np
import pytest

from transfer_advisor.api.ratelimit import TokenBucket, retry_after
from transfer_advisor.domain.metrics import MetricInputs, compute_metrics
from transfer_advisor.domain.summary import Summary
from transfer_advisor.errors import TimeBudgetExceeded


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    assert [bucket.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.take("k")
    assert wait == pytest.approx(0.5)  # one token at 2/s
    clock.now += 0.25
    assert bucket.take("k") == pytest.approx(0.25)
    clock.now += 0.25
    assert bucket.take("k") == 0.0
    assert bucket.take("k") > 0


def test_keys_have_separate_buckets_and_never_exceed_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    assert bucket.take("a") == bucket.take("a") == 0.0
    assert bucket.take("a") > 0
    assert bucket.take("b") == 0.0
    clock.now += 1000  # a long idle period refills only up to the burst
    assert [bucket.take("a") == 0.0 for _ in range(3)] == [True, True, False]


def test_disabled_bucket_always_allows() -> None:
    bucket = TokenBucket(rate=0.0, burst=1)
    assert not bucket.enabled
    assert all(bucket.take("k") == 0.0 for _ in range(100))


def test_memory_is_bounded_by_dropping_full_buckets() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock)
    bucket.MAX_KEYS = 10
    for i in range(10):
        bucket.take(f"k{i}")
    clock.now += 5  # all of them have refilled
    bucket.take("new")
    assert len(bucket._buckets) == 1


@pytest.mark.parametrize(("wait", "header"), [(0.01, "1"), (1.0, "1"), (1.2, "2"), (30.5, "31")])
def test_retry_after_rounds_up(wait: float, header: str) -> None:
    assert retry_after(wait) == header


def _inputs() -> MetricInputs:
    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(40, 4)), rng.normal(size=(40, 4))
    return MetricInputs(source=Summary.from_rows(xs), target=Summary.from_rows(xt),
                        x_source=xs, x_target=xt)


def test_deadline_in_the_past_stops_before_metric_work() -> None:
    with pytest.raises(TimeBudgetExceeded) as err:
        compute_metrics(_inputs(), ["frechet_distance", "coral_distance"],
                        deadline=time.monotonic() - 1.0)
    assert err.value.extra["limit"] == "metric_time_budget_seconds"
    assert "frechet_distance" in err.value.detail
    assert "coral_distance" in err.value.detail


def test_generous_deadline_changes_nothing() -> None:
    names = ["frechet_distance", "coral_distance"]
    within = compute_metrics(_inputs(), names, deadline=time.monotonic() + 3600)
    without = compute_metrics(_inputs(), names)
    assert set(within.results) == set(names)
    assert {k: v.value for k, v in within.results.items()} == {
        k: v.value for k, v in without.results.items()}
