"""Properties of the decision policy that must hold whatever the fitted parameters are."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from typing import Any

import pytest

from transfer_advisor.domain import policy
from transfer_advisor.domain.baseline import baseline_size_factor, half_split_bias
from transfer_advisor.domain.policy import Evidence, TaskInfo
from transfer_advisor.domain.results import MetricResult

ROWS = Evidence(source_rows=True, target_rows=True, target_labeled_rows=100, class_statistics=True)
SUMMARY = Evidence(source_rows=False, target_rows=False, class_statistics=True)


def task(labeled: int = 100, classes: int | None = 10, source: str = "image",
         target: str = "image", kind: str = "classification") -> TaskInfo:
    return TaskInfo(type=kind, num_classes=classes, labeled_examples=labeled,
                    source_modality=source, target_modality=target)


def frechet(value: float, baseline: float | None = 10.0) -> MetricResult:
    details: dict[str, Any] = {"dim": 64, "mean_term": value / 3, "n_source": 1500,
                               "n_target": 1500}
    if baseline is not None:
        details.update(baseline=baseline, ratio_to_baseline=value / baseline)
    return MetricResult(value, None, details)


def probe(acc: float, chance: float = 0.1) -> MetricResult:
    return MetricResult(acc, 0.01, {"chance": chance, "gain_over_chance": acc - chance})


def full_metrics(shift: float = 20.0, acc: float = 0.8,
                 knn: float | None = None) -> dict[str, MetricResult]:
    """What a request with labeled target rows yields: shift and both probes (k-NN = acc)."""
    return {"frechet_distance": frechet(shift), "linear_probe_accuracy": probe(acc),
            "knn_accuracy": probe(acc if knn is None else knn)}


def synthetic_params() -> policy.PolicyParams:
    """A hand-made parameter file, so the properties are checked apart from the fitted one."""
    feats = ["probe_lift", "log2_labels_per_class", "log_shift_excess"]

    def tier(name: str, fs: list[str], coef: dict[str, float]) -> dict[str, Any]:
        return {"name": name, "features": fs, "center": dict.fromkeys(fs, 0.5),
                "scale": dict.fromkeys(fs, 1.0), "low": dict.fromkeys(fs, -5.0),
                "high": dict.fromkeys(fs, 12.0),
                "transfer": {"intercept": 0.2, "coef": {f: coef[f] for f in fs},
                             "calibration": [0.9, 0.0]},
                "negative": {"intercept": -0.5, "coef": {f: -coef[f] for f in fs},
                             "calibration": [1.0, 0.0]},
                "lofo_accuracy": 0.9}

    coef = {"probe_lift": 1.5, "log2_labels_per_class": -0.7, "log_shift_excess": -1.1}
    raw = {"schema": "test", "prior_transfer": 0.5,
           "tiers": [tier("rows", feats, coef), tier("no_probe", feats[1:], coef),
                     tier("labels_only", feats[1:2], coef)],
           "strategy_tiers": [{**tier("strategy", feats[1:], {
               "log2_labels_per_class": 0.5, "log_shift_excess": 0.5, "probe_lift": 0.0}),
               "negative": None}]}
    return policy.parse_params(json.dumps(raw).encode())


PARAMS = [pytest.param(None, id="shipped"), pytest.param(synthetic_params(), id="synthetic")]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("labeled", [10, 100, 3000])
def test_more_shift_never_raises_transfer_score(params: policy.PolicyParams | None,
                                                labeled: int) -> None:
    scores = [policy.decide(full_metrics(shift=s), task(labeled), ROWS, params).transfer_score
              for s in (0.1, 1.0, 5.0, 10.0, 30.0, 100.0, 1e3, 1e5, 1e8)]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(scores)), scores


@pytest.mark.parametrize("params", PARAMS)
def test_more_probe_accuracy_never_lowers_transfer_score(
        params: policy.PolicyParams | None) -> None:
    scores = [policy.decide(full_metrics(acc=a), task(), ROWS, params).transfer_score
              for a in (0.1, 0.3, 0.5, 0.7, 0.9, 1.0)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(scores)), scores


@pytest.mark.parametrize("params", PARAMS)
def test_modality_mismatch_means_high_risk_and_says_so(params: policy.PolicyParams | None) -> None:
    rec = policy.decide(full_metrics(shift=5.0, acc=0.95), task(source="image", target="audio"),
                        ROWS, params)
    assert rec.negative_transfer_risk == "high"
    assert any("modality" in r and "audio" in r for r in rec.reasons)
    same = policy.decide(full_metrics(shift=5.0, acc=0.95), task(), ROWS, params)
    assert rec.transfer_score <= same.transfer_score


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("labeled", [10, 100, 3000])
@pytest.mark.parametrize("shift", [0.5, 3.0, 50.0, 1e4])
def test_summary_only_gets_a_decision_with_lower_confidence(
        params: policy.PolicyParams | None, labeled: int, shift: float) -> None:
    metrics = full_metrics(shift=shift, acc=0.9)
    rows = policy.decide(metrics, task(labeled), ROWS, params)
    # the same numbers, but the request had no rows: the probe cannot have been observed
    same = policy.decide(metrics, task(labeled), SUMMARY, params)
    assert same.confidence < rows.confidence or rows.confidence == 0.0
    # what a summary-only request really yields: no baseline, no probe
    summary = policy.decide({"frechet_distance": frechet(shift, baseline=None)}, task(labeled),
                            SUMMARY, params)
    assert summary.strategy in ("fine_tune", "feature_extraction", "train_from_scratch")
    assert any("summary-only" in r for r in summary.reasons)
    assert any("missing" in r and "frechet_distance" in r for r in summary.reasons)
    decisive = abs(2 * summary.transfer_score - 1)
    assert summary.confidence < decisive or decisive == 0.0


GARBAGE: list[dict[str, MetricResult]] = [
    {},
    {"frechet_distance": MetricResult(0.0, None, {"baseline": 0.0})},
    {"frechet_distance": MetricResult(0.0, None, {"baseline": 1.0, "n_source": 2, "n_target": 2})},
    {"frechet_distance": MetricResult(1e300, None, {"baseline": 1e-300})},
    {"frechet_distance": MetricResult(5.0, None, {"baseline": "nan", "n_source": None})},
    # sizes that cancel: a zero size-adjusted baseline
    {"frechet_distance": MetricResult(5.0, None, {"baseline": 1.0, "n_source": -4, "n_target": 4})},
    {"linear_probe_accuracy": MetricResult(0.5, None, {"chance": 1.0})},
    {"linear_probe_accuracy": MetricResult(0.5, None, {"chance": float("nan")})},
    {"knn_accuracy": MetricResult(0.7, None, {})},
    {"mmd": MetricResult(0.1, 0.5, {}), "logme": MetricResult(-3.0, None, {})},
]


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("metrics", GARBAGE)
@pytest.mark.parametrize("t", [task(), task(0), task(5, None, kind="regression"),
                               task(1, 1), task(10**7, 2, "text", "tabular")])
def test_never_nan_and_always_in_range(params: policy.PolicyParams | None,
                                       metrics: dict[str, MetricResult], t: TaskInfo) -> None:
    for evidence in (ROWS, SUMMARY):
        rec = policy.decide(metrics, t, evidence, params)
        assert math.isfinite(rec.transfer_score)
        assert 0.0 <= rec.transfer_score <= 1.0
        assert math.isfinite(rec.confidence)
        assert 0.0 <= rec.confidence <= 1.0
        assert rec.strategy in ("fine_tune", "feature_extraction", "train_from_scratch")
        assert rec.negative_transfer_risk in ("low", "medium", "high")
        assert rec.reasons
        assert all(isinstance(r, str) and "nan" not in r.lower()
                                   for r in rec.reasons)


@pytest.mark.parametrize("params", PARAMS)
def test_more_knn_accuracy_never_lowers_transfer_score(
        params: policy.PolicyParams | None) -> None:
    scores = [policy.decide(full_metrics(acc=0.6, knn=k), task(), ROWS, params).transfer_score
              for k in (0.1, 0.3, 0.5, 0.7, 0.9, 1.0)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(scores)), scores


def test_knn_lift_counts_only_beside_the_linear_probe() -> None:
    both = policy.policy_features(full_metrics(acc=0.7, knn=0.5), task())
    assert both["probe_lift"].value == pytest.approx((0.7 - 0.1) / 0.9)
    assert both["knn_lift"].value == pytest.approx((0.5 - 0.1) / 0.9)
    # a lone k-NN accuracy stands in as the probe, and is not counted twice
    alone = policy.policy_features({"knn_accuracy": probe(0.5)}, task())
    assert alone["probe_lift"].value == pytest.approx((0.5 - 0.1) / 0.9)
    assert "knn_lift" not in alone
    # leave-one-out probes say nothing about the features
    loo = MetricResult(0.0, None, {"chance": 0.25, "scheme": "leave-one-out"})
    feats = policy.policy_features({"linear_probe_accuracy": probe(0.7), "knn_accuracy": loo},
                                   task())
    assert "knn_lift" not in feats


def test_without_knn_the_linear_probe_model_decides_and_says_so() -> None:
    params = policy.load_params()
    # rows on both sides also give the domain classifier the shift risk reads
    with_rows = {**full_metrics(shift=5.0, acc=0.9),
                 "proxy_a_distance": MetricResult(0.6, None, {})}
    metrics = dict(with_rows)
    del metrics["knn_accuracy"]
    rec = policy.decide(metrics, task(), ROWS)
    fallback = next(t for t in params.tiers if "knn_lift" not in t.features
                    and "probe_lift" in t.features)
    assert any(f"model '{fallback.name}'" in r for r in rec.reasons)
    assert any("fell back" in r and "knn_accuracy beside" in r for r in rec.reasons)
    # the probes are one kind of evidence: losing k-NN alone does not cut confidence
    full = policy.decide(with_rows, task(), ROWS)
    assert rec.confidence == pytest.approx(max(rec.transfer_score, 1 - rec.transfer_score) * 2 - 1)
    assert full.confidence == pytest.approx(
        max(full.transfer_score, 1 - full.transfer_score) * 2 - 1)


def test_reasons_name_metric_value_threshold_and_direction() -> None:
    rec = policy.decide(full_metrics(shift=50.0, acc=0.9), task(), ROWS)
    text = "\n".join(rec.reasons)
    assert "frechet_distance" in text
    assert "flips at" in text
    assert "pushed towards" in text


def test_strategy_follows_labels_and_shift() -> None:
    params = synthetic_params()
    few = policy.decide(full_metrics(shift=1.0, acc=0.95), task(labeled=10), ROWS, params)
    many = policy.decide(full_metrics(shift=1e3, acc=0.99), task(labeled=10**5), ROWS, params)
    assert few.strategy == "feature_extraction"
    assert any("frozen features" in r for r in few.reasons)
    if many.strategy != "train_from_scratch":
        assert many.strategy == "fine_tune"


def test_version_follows_the_parameter_file() -> None:
    raw = policy.PARAMS_PATH.read_bytes()
    assert policy.parse_params(raw).version == policy.POLICY_VERSION
    changed = json.loads(raw)
    changed["tiers"][0]["transfer"]["intercept"] += 0.1
    assert policy.parse_params(json.dumps(changed).encode()).version != policy.POLICY_VERSION


def test_shipped_parameters_respect_the_sign_constraints() -> None:
    params = policy.load_params()
    assert params.tiers, "policy_params.json has no tiers"
    for t in params.tiers:
        for f, c in t.transfer.coef.items():
            assert c * policy.FEATURES[f].direction >= 0, (t.name, f, c)
        assert t.transfer.calibration[0] >= 0
        assert set(t.features) <= set(policy.FEATURES)


def test_declared_tiers_are_the_shipped_ones() -> None:
    params = policy.load_params()
    assert [(t.name, t.features) for t in params.tiers] == [
        (s.name, s.features) for s in policy.TIERS]
    assert [(t.name, t.features) for t in params.strategy_tiers] == [
        (s.name, s.features) for s in policy.STRATEGY_TIERS]
    for spec in policy.STRATEGY_TIERS:
        assert set(spec.features) <= set(policy.STRATEGY_DIRECTION), spec
    assert [(t.name, t.features) for t in params.shift_tiers] == [
        (s.name, s.features) for s in policy.SHIFT_TIERS]
    for spec in policy.SHIFT_TIERS:
        assert set(spec.features) <= set(policy.SHIFT_DIRECTION), spec


def test_feature_table_is_consistent() -> None:
    assert list(policy.FEATURES) == [f.name for f in policy.FEATURE_TABLE]
    for f in policy.FEATURE_TABLE:
        assert f.direction in (-1, +1), f.name
        assert f.label, f.name
        assert f.evidence, f.name
    assert set(policy.row_features()) == {"probe_lift", "knn_lift", "scratch_gap"}
    assert policy.shift_features() == ("log_shift_excess", "proxy_a")


def test_a_failing_feature_raises_instead_of_changing_the_tier(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(metrics: Any, t: TaskInfo) -> policy.Observation | None:
        return metrics["not there"]

    feature = policy.FEATURES["log_shift_excess"]
    monkeypatch.setitem(policy.FEATURES, feature.name, dataclasses.replace(feature, compute=broken))
    with pytest.raises(KeyError):
        policy.policy_features(full_metrics(), task())
    with pytest.raises(KeyError):
        policy.decide(full_metrics(), task(), ROWS)


def test_shift_baseline_is_rescaled_to_the_sizes_compared() -> None:
    assert half_split_bias(5) == pytest.approx(1 / 2 + 1 / 3)
    assert half_split_bias(1500) == pytest.approx(2 / 750)
    # source vs whole target (1500 each) has half the bias of two halves of the target
    assert baseline_size_factor(1500, 1500) == pytest.approx(0.5)
    obs = policy.policy_features({"frechet_distance": frechet(20.0)}, task())
    assert obs["log_shift_excess"].value == pytest.approx(math.log(20.0 / (10.0 * 0.5)))
    # without sizes the baseline is used as it is
    bare = MetricResult(20.0, None, {"baseline": 10.0})
    assert policy.policy_features({"frechet_distance": bare}, task())[
        "log_shift_excess"].value == pytest.approx(math.log(2.0))
    cancel = MetricResult(20.0, None, {"baseline": 10.0, "n_source": -4, "n_target": 4})
    assert "log_shift_excess" not in policy.policy_features({"frechet_distance": cancel}, task())


def test_a_flip_point_the_feature_cannot_reach_is_not_printed() -> None:
    from transfer_advisor.domain.policy.decision import _neutral_value

    def tier(intercept: float) -> policy.Tier:
        return policy.Tier("t", ("probe_lift",), {"probe_lift": 0.5}, {"probe_lift": 0.25},
                           {"probe_lift": 0.0}, {"probe_lift": 1.0},
                           policy.Head(intercept, {"probe_lift": 1.0}),
                           policy.Head(0.0, {}), 0.9)

    x = {"probe_lift": 0.5}
    # needs a probe lift of 3.0 to flip: impossible (lift ≤ 1), so no flip point
    assert _neutral_value(tier(-10.0).transfer, tier(-10.0), x, "probe_lift") is None
    assert _neutral_value(tier(-0.1).transfer, tier(-0.1), x, "probe_lift") == pytest.approx(0.525)


def test_scratch_gap_is_measured_against_the_better_plain_model() -> None:
    # chance 0.1: lifts are (acc − 0.1) / 0.9
    base = {**full_metrics(acc=0.82), "scratch_probe_accuracy": probe(0.46)}
    linear_only = policy.policy_features(base, task())["scratch_gap"]
    assert linear_only.value == pytest.approx((0.82 - 0.46) / 0.9)
    local = {**base, "scratch_knn_accuracy": probe(0.73)}
    gap = policy.policy_features(local, task())["scratch_gap"]
    assert gap.value == pytest.approx((0.82 - 0.73) / 0.9)
    assert "scratch_knn_accuracy" in gap.source
    weaker = {**base, "scratch_knn_accuracy": probe(0.2)}
    assert policy.policy_features(weaker, task())["scratch_gap"].value == linear_only.value
