"""The metric registry: every metric runs on the input it needs and is omitted, with a reason,
on the input it cannot use."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from transfer_advisor.domain.metrics import REGISTRY, MetricContext, MetricInputs, compute_metrics
from transfer_advisor.domain.results import MetricResult
from transfer_advisor.domain.summary import Summary
from transfer_advisor.domain.transfer.probe import linear_probe_accuracy
from transfer_advisor.errors import InvalidInput


def labeled_inputs(seed: int = 0, with_source_labels: bool = True) -> MetricInputs:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 6)) * 2
    y_source = rng.integers(0, 3, 120)
    x_source = centres[y_source] + rng.normal(size=(120, 6))
    y_target = rng.integers(0, 3, 60)
    x_target = centres[rng.integers(0, 3, 90)] + rng.normal(size=(90, 6))
    x_target[:60] = centres[y_target] + rng.normal(size=(60, 6))
    return MetricInputs(
        Summary.from_rows(x_source), Summary.from_rows(x_target, y_target, 3), x_source, x_target,
        y_source if with_source_labels else None, y_target, num_classes=3, permutations=30,
        x_scratch=x_target[:, :3] + rng.normal(size=(90, 3)), scratch_from="client")


def test_every_metric_runs_on_labeled_embeddings() -> None:
    run = compute_metrics(labeled_inputs(), list(REGISTRY))
    assert set(run.results) == set(REGISTRY), run.omitted
    for name, result in run.results.items():
        assert math.isfinite(result.value), name
        assert result.p_value is None or 0.0 < result.p_value <= 1.0, name


def test_pseudo_source_head_feeds_leep_and_nce() -> None:
    run = compute_metrics(labeled_inputs(), ["leep", "nce"])
    assert "pseudo source head" in run.results["leep"].details["source_probs_from"]
    run = compute_metrics(labeled_inputs(with_source_labels=False), ["leep", "nce"])
    assert set(run.omitted) == {"leep", "nce"}
    assert "source_probs" in run.omitted["leep"]


def test_summary_only_keeps_moment_metrics_and_explains_the_rest() -> None:
    full = labeled_inputs()
    summary_only = MetricInputs(full.source, full.target, num_classes=3)
    run = compute_metrics(summary_only)
    assert {"frechet_distance", "logme", "hscore"} <= set(run.results)
    assert "mmd" in run.omitted
    assert "linear_probe_accuracy" in run.omitted
    assert all(reason for reason in run.omitted.values())


def test_logme_from_summary_equals_rows_when_classes_cover_all_rows() -> None:
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(80, 5)) + 3.0, rng.integers(0, 4, 80)
    x[np.arange(80), y % 5] += 2.0
    rows = MetricInputs(Summary.from_rows(x), Summary.from_rows(x, y, 4), x, x, None, y,
                        num_classes=4)
    moments = MetricInputs(rows.source, rows.target, num_classes=4)
    for name in ("logme", "hscore"):
        by_rows = compute_metrics(rows, [name]).results[name].value
        by_summary = compute_metrics(moments, [name]).results[name].value
        assert by_summary == pytest.approx(by_rows, rel=1e-8), name


def test_shared_pooled_distances_give_the_same_statistics() -> None:
    inputs = labeled_inputs(seed=3)
    together = compute_metrics(inputs, ["mmd", "energy_distance"]).results
    alone_mmd = compute_metrics(labeled_inputs(seed=3), ["mmd"]).results["mmd"]
    alone_energy = compute_metrics(labeled_inputs(seed=3), ["energy_distance"]).results
    # the first user reads the shared Gram matrix, the last one overwrites it: same answers
    for name, alone in (("mmd", alone_mmd), ("energy_distance", alone_energy["energy_distance"])):
        assert together[name].value == alone.value
        assert together[name].p_value == alone.p_value
    reversed_order = compute_metrics(labeled_inputs(seed=3), ["energy_distance", "mmd"]).results
    assert reversed_order["mmd"].value == alone_mmd.value


def test_pooled_sample_is_built_once_and_released_to_its_last_user() -> None:
    context = MetricContext(labeled_inputs(), pooled_users=["mmd", "energy_distance"])
    first, first_may_overwrite = context.take_pooled("energy_distance")
    second, last_may_overwrite = context.take_pooled("mmd")
    assert second is first
    assert (first_may_overwrite, last_may_overwrite) == (False, True)
    third, _ = context.take_pooled("mmd")  # the released sample may be spent: build a new one
    assert third is not first


def test_seeded_results_record_the_seed_and_match_a_fresh_generator() -> None:
    inputs = labeled_inputs(seed=4)
    inputs = MetricInputs(inputs.source, inputs.target, inputs.x_source, inputs.x_target,
                          inputs.y_source, inputs.y_target, num_classes=3, permutations=30, seed=9)
    run = compute_metrics(inputs, ["mmd", "energy_distance", "proxy_a_distance",
                                   "sliced_wasserstein", "linear_probe_accuracy"])
    for name in ("mmd", "energy_distance", "proxy_a_distance", "sliced_wasserstein"):
        assert run.results[name].details["seed"] == 9, name
    assert inputs.x_target is not None
    assert inputs.y_target is not None
    # each metric draws from its own generator built from the seed, as if it ran alone
    alone = linear_probe_accuracy(inputs.x_target[:60], inputs.y_target, permutations=30,
                                  rng=np.random.default_rng(9))
    assert run.results["linear_probe_accuracy"] == alone


def test_only_not_applicable_and_linear_algebra_failures_become_omissions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_: object) -> MetricResult:
        raise ValueError("a bug, not a property of the input")

    def singular(_: object) -> MetricResult:
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setitem(REGISTRY, "gbc", dataclasses.replace(REGISTRY["gbc"], run=singular))
    assert compute_metrics(labeled_inputs(), ["gbc"]).omitted == {"gbc": "Singular matrix"}
    monkeypatch.setitem(REGISTRY, "gbc", dataclasses.replace(REGISTRY["gbc"], run=broken))
    with pytest.raises(ValueError, match="a bug"):
        compute_metrics(labeled_inputs(), ["gbc"])


def test_overflow_on_extreme_summaries_is_an_omission() -> None:
    tiny = np.eye(3) * 1e-300  # accepted by the input checks; the divergences overflow
    source = Summary.from_covariance(10, np.zeros(3), tiny)
    target = Summary.from_covariance(10, np.full(3, 1e6), tiny)
    with np.errstate(all="ignore"):
        run = compute_metrics(MetricInputs(source, target),
                              ["gaussian_kl", "bhattacharyya_distance", "frechet_distance"])
    assert run.omitted == {"gaussian_kl": "metric value must be finite, got inf",
                           "bhattacharyya_distance": "metric value must be finite, got inf"}
    assert "frechet_distance" in run.results


def test_unknown_metric_is_a_client_error() -> None:
    with pytest.raises(InvalidInput) as err:
        compute_metrics(labeled_inputs(), ["frechet_distance", "bogus"])
    assert err.value.errors[0].field == "options.metrics"


# Raw ratios: the baseline compares half-size samples, so "no shift" reads below 1.
@pytest.mark.parametrize(("shift", "low", "high"), [(0.0, 0.2, 2.0), (1.0, 10.0, math.inf)])
def test_summary_only_baseline_is_parametric_and_agrees_with_rows(
    shift: float, low: float, high: float
) -> None:
    rng = np.random.default_rng(11)
    cov_root = rng.normal(size=(6, 6)) / 3 + np.eye(6)
    xs = rng.normal(size=(600, 6)) @ cov_root
    xt = rng.normal(size=(500, 6)) @ cov_root + shift
    rows = MetricInputs(Summary.from_rows(xs), Summary.from_rows(xt), xs, xt)
    moments = MetricInputs(rows.source, rows.target)
    by_rows = compute_metrics(rows, ["frechet_distance"]).results["frechet_distance"].details
    by_moments = compute_metrics(moments, ["frechet_distance"]).results["frechet_distance"].details
    assert by_moments["baseline_rule"].startswith("parametric")
    assert by_moments["baseline"] == pytest.approx(by_rows["baseline"], rel=0.5)
    assert low < by_moments["ratio_to_baseline"] < high
    assert low < by_rows["ratio_to_baseline"] < high


def test_parametric_baseline_is_rescaled_for_large_counts() -> None:
    rng = np.random.default_rng(12)
    x = rng.normal(size=(400, 4))
    small = Summary.from_rows(x)
    large = Summary.from_covariance(400_000, small.mean, small.cov)

    def mean_baseline(summary: Summary) -> float:
        # one draw's baseline at d = 4 is a few chi-square degrees of freedom (seed 0 alone
        # lands outside ±60 % of the expected ratio on ~40 % of draws): average 40 seeds
        runs = [compute_metrics(MetricInputs(summary, summary, seed=seed), ["frechet_distance"])
                for seed in range(40)]
        return float(np.mean([run.results["frechet_distance"].details["baseline"] for run in runs]))

    ratio = mean_baseline(large) / mean_baseline(small)
    assert ratio == pytest.approx(400 / 400_000, rel=0.5)  # bias ∝ 1/n
