"""domain.policy.ranking: order by expected gain, then score, then probe lift; what separated."""

from __future__ import annotations

from transfer_advisor.domain import policy
from transfer_advisor.domain.policy.ranking import Candidate, order, separate
from transfer_advisor.domain.results import MetricResult

TASK = policy.TaskInfo("classification", 4, 200, "image", "image")


def candidate(name: str, probe: float | None, frechet: float | None) -> Candidate:
    metrics: dict[str, MetricResult] = {}
    if probe is not None:
        metrics["linear_probe_accuracy"] = MetricResult(probe, 0.01, {"chance": 0.25})
        metrics["knn_accuracy"] = MetricResult(probe - 0.05, 0.01, {"chance": 0.25})
    if frechet is not None:
        metrics["frechet_distance"] = MetricResult(frechet, None, {
            "baseline": 1.0, "n_source": 200, "n_target": 200})
    evidence = policy.Evidence(source_rows=frechet is not None, target_rows=True,
                               target_labeled_rows=200, source=frechet is not None)
    return Candidate(name, metrics, TASK, policy.decide(metrics, TASK, evidence))


def test_better_probe_ranks_first_and_is_named() -> None:
    weak, strong = candidate("weak", 0.40, 2.0), candidate("strong", 0.90, 2.0)
    ranked = [[weak, strong][i] for i in order([weak, strong])]
    assert [c.name for c in ranked] == ["strong", "weak"]
    sep = separate(ranked[0], ranked[1])
    assert sep.evidence in ("probe_lift", "knn_lift")
    assert sep.reason.startswith("strong ranks above weak")


def test_more_shift_ranks_lower() -> None:
    near, far = candidate("near", 0.7, 1.2), candidate("far", 0.7, 40.0)
    assert order([far, near]) == [1, 0]
    assert separate(near, far).evidence == "log_shift_excess"


def test_without_sources_probe_lift_breaks_the_tie() -> None:
    a, b = candidate("a", 0.5, None), candidate("b", 0.8, None)
    assert a.recommendation.transfer_score == b.recommendation.transfer_score
    assert order([a, b]) == [1, 0]
    sep = separate(b, a)
    assert sep.evidence == "probe_lift"
    assert "decides" in sep.reason
    same = candidate("same", 0.5, None)
    assert separate(a, same).evidence is None


def test_different_models_are_named() -> None:
    with_source, without = candidate("src", 0.9, 1.1), candidate("none", 0.9, None)
    assert order([without, with_source]) == [1, 0]  # no source: the labels-only model
    sep = separate(with_source, without)
    assert sep.evidence == "model"
    assert "'rows' vs 'labels_only'" in sep.reason
