"""domain.policy.ranking: order by expected gain on the evidence as measured (source shift held
at the centre when the target's labels measured the features), ties by transfer score, then
probe lift; what separated each pair."""

from __future__ import annotations

import math

from transfer_advisor.domain import policy
from transfer_advisor.domain.policy.ranking import (
    Candidate,
    order,
    rank_key,
    rank_reasons,
    separate,
)
from transfer_advisor.domain.results import MetricResult

TASK = policy.TaskInfo("classification", 4, 200, "image", "image")


def candidate(name: str, probe: float | None, frechet: float | None,
              scratch: float | None = None, task: policy.TaskInfo = TASK,
              logme: float | None = None) -> Candidate:
    """Probe accuracies (chance 0.25), a Fréchet distance over a baseline of 1 and, optionally,
    the scratch proxy's probe accuracy (the same for every candidate of one target) and LogME
    (label evidence without a probe, as a summary's class statistics give it)."""
    metrics: dict[str, MetricResult] = {}
    if logme is not None:
        metrics["logme"] = MetricResult(logme)
    if probe is not None:
        metrics["linear_probe_accuracy"] = MetricResult(probe, 0.01, {"chance": 0.25})
        metrics["knn_accuracy"] = MetricResult(probe - 0.05, 0.01, {"chance": 0.25})
    if scratch is not None:
        metrics["scratch_probe_accuracy"] = MetricResult(scratch, 0.01, {"chance": 0.25})
    if frechet is not None:
        metrics["frechet_distance"] = MetricResult(frechet, None, {
            "baseline": 1.0, "n_source": 200, "n_target": 200})
    evidence = policy.Evidence(source_rows=frechet is not None, target_rows=True,
                               target_labeled_rows=200 if probe is not None else 0,
                               class_statistics=logme is not None, source=frechet is not None)
    return Candidate(name, metrics, task, policy.decide(metrics, task, evidence))


def names(cands: list[Candidate]) -> list[str]:
    return [cands[i].name for i in order(cands)]


def test_better_probe_ranks_first_and_is_named() -> None:
    weak, strong = candidate("weak", 0.40, 2.0), candidate("strong", 0.90, 2.0)
    assert names([weak, strong]) == ["strong", "weak"]
    sep = separate(strong, weak)
    assert sep.evidence in ("probe_lift", "knn_lift")
    assert sep.reason.startswith("strong ranks above weak")


def test_shift_does_not_overturn_label_evidence() -> None:
    # LogME without a probe: a model that reads the shift beside the label evidence. A slightly
    # better LogME whose source lies far from the target; the assessment's own expected gain
    # lets the shift win, the ranking holds the shift at the centre
    near = candidate("near", None, 1.0, logme=-0.50)
    far = candidate("far", None, 1000.0, logme=-0.45)
    assert near.gain > far.gain  # what ordering by the assessments' gains would do
    assert names([near, far]) == ["far", "near"]
    key = rank_key(far)
    assert key.held == ("log_shift_excess",)
    assert key.gain_inputs["log_shift_excess"] == key.tier.center["log_shift_excess"]  # type: ignore[union-attr]
    sep = separate(far, near)
    assert sep.evidence == "logme"
    assert "expected gain" in sep.reason


def test_probe_models_do_not_read_the_shift() -> None:
    # labeled rows: the probes measure the frozen features on the target itself, so the
    # assessment's gain and the ranking agree, whatever the source's distance
    near, far = candidate("near", 0.70, 1.0), candidate("far", 0.72, 1000.0)
    assert far.gain > near.gain
    assert names([near, far]) == ["far", "near"]
    assert rank_key(far).held == ()
    assert separate(far, near).evidence in ("probe_lift", "knn_lift")


def test_shift_does_not_reorder_equal_frozen_evidence_only_breaks_the_tie() -> None:
    # one embedding space, two source data sets: the same evidence on the target
    near, far = candidate("near", 0.7, 1.2), candidate("far", 0.7, 40.0)
    assert rank_key(near).gain == rank_key(far).gain
    assert order([far, near]) == [1, 0]  # the tie goes to the nearer source
    sep = separate(near, far)
    assert sep.evidence == "log_shift_excess"
    assert "equal expected gain" in sep.reason


def test_clipped_candidates_are_ordered_by_what_they_measured() -> None:
    # the scratch proxy beats both: their scratch gaps (-0.73, -0.60) lie below the calibrated
    # range, so the assessments clip them to the same value; the weaker one's source is nearer
    weak = candidate("weak", 0.40, 2.0, scratch=0.95)
    strong = candidate("strong", 0.50, 30.0, scratch=0.95)
    tier = rank_key(weak).tier
    assert tier is not None
    assert "scratch_gap" in tier.features
    gap = {c.name: c.observations()["scratch_gap"].value for c in (weak, strong)}
    assert max(gap.values()) < tier.low["scratch_gap"]
    # clipped: the assessments' gains cannot tell them apart (or, reading the shift, pick the
    # weaker one)
    assert weak.gain >= strong.gain
    assert names([weak, strong]) == ["strong", "weak"]
    assert rank_key(strong).unclipped == {"scratch_gap": gap["strong"]}
    sep = separate(strong, weak)
    assert sep.evidence in ("scratch_gap", "probe_lift", "knn_lift")
    reasons = rank_reasons([weak, strong], [1, 0])
    assert reasons[0].startswith("Ranked 1 of 2 by expected gain")
    assert "beyond the calibrated range" in reasons[0]
    assert "the assessment's own expected gain" in reasons[0]
    assert "strong ranks above weak" in reasons[0]
    assert reasons[1].startswith("Ranked 2 of 2")
    assert "ranks above" not in reasons[1]


def test_candidates_without_source_use_the_same_model_as_those_with() -> None:
    # no source data: the probe models do not need the shift, so a candidate without a source
    # is judged by the same model, on its probes
    none_ = candidate("none", 0.9, None)
    src = candidate("src", 0.6, 1.1)
    assert candidate("weak-none", 0.3, None).gain < none_.gain
    assert rank_key(none_).tier == rank_key(src).tier
    assert names([src, none_]) == ["none", "src"]


def test_without_sources_probe_lift_orders_and_equal_evidence_ties() -> None:
    a, b = candidate("a", 0.5, None), candidate("b", 0.8, None)
    assert order([a, b]) == [1, 0]
    assert separate(b, a).evidence in ("probe_lift", "knn_lift")
    same = candidate("same", 0.5, None)
    sep = separate(a, same)
    assert sep.evidence is None
    assert "kept in request order" in sep.reason
    assert order([a, same]) == [0, 1]
    assert order([same, a]) == [0, 1]


def test_without_label_evidence_the_shift_decides() -> None:
    # summary-only target: no probe, so nothing measured the features; the shift is the evidence
    near, far = candidate("near", None, 1.5), candidate("far", None, 60.0)
    key = rank_key(near)
    assert key.held == ()
    assert key.gain > rank_key(far).gain
    assert names([far, near]) == ["near", "far"]
    assert separate(near, far).evidence == "log_shift_excess"


def test_different_models_are_named() -> None:
    with_probe, without = candidate("probe", 0.9, 1.1), candidate("none", None, 1.1)
    assert names([without, with_probe]) == ["probe", "none"]
    sep = separate(with_probe, without)
    assert sep.evidence == "model"
    assert "different models" in sep.reason


def test_modality_mismatch_reads_the_largest_shift_in_the_score_only() -> None:
    text = policy.TaskInfo("classification", 4, 200, "text", "image")
    match = candidate("match", None, 2.0, logme=-0.5)
    mismatch = candidate("mismatch", None, 2.0, task=text, logme=-0.5)
    k_match, k_mismatch = rank_key(match), rank_key(mismatch)
    assert k_match.gain == k_mismatch.gain
    assert k_match.score > k_mismatch.score
    assert names([mismatch, match]) == ["match", "mismatch"]
    assert math.isfinite(k_match.gain)
