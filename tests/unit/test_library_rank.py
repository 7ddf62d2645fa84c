"""`transfer_advisor.rank`: the POST /rank computation in-process, equal to `assess` per item."""

from __future__ import annotations

import numpy as np
import pytest

from transfer_advisor import assess, rank
from transfer_advisor.errors import InvalidInput


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    y = np.arange(40) % 4
    x_target = rng.normal(size=(70, 6))
    x_target[:40, :4] += 2.0 * np.eye(4)[y]
    sources = {f"s{k}": rng.normal(size=(50, 6)) + k * 1.5 for k in range(3)}
    return x_target, y, sources


def test_items_equal_assess_and_come_best_first() -> None:
    x_target, y, sources = data()
    ranking = rank(x_target, sources, target_labels=y, permutations=10, modality="image")
    gains = [item.result.expected_gain["value"] for item in ranking.items
             if item.result.expected_gain]
    assert gains == sorted(gains, reverse=True)
    assert sorted(ranking.names) == sorted(sources)
    for name, x_source in sources.items():
        alone = assess(x_source, x_target, target_labels=y, permutations=10, modality="image")
        assert ranking[name].transfer_score == alone.transfer_score
        assert ranking[name].metrics == alone.metrics
    assert ranking.reasons[0].startswith(f"{ranking.names[0]} ranks above {ranking.names[1]}")
    assert ranking.names[0] in str(ranking)


def test_candidates_with_their_own_target_rows() -> None:
    x_target, y, _ = data()
    noise = np.random.default_rng(5).normal(size=x_target.shape)
    ranking = rank(None, {"noise": {"target": noise}, "signal": {"target": x_target}},
                   target_labels=y, permutations=10)
    assert ranking.names == ["signal", "noise"]
    assert ranking.separated_by in ("probe_lift", "logme")
    assert "frechet_distance" in ranking["signal"].omitted  # no source data


def test_refusals_name_the_candidate() -> None:
    x_target, y, sources = data()
    with pytest.raises(InvalidInput) as bad:
        rank(x_target, {"a": sources["s0"], "b": np.ones((30, 3))}, target_labels=y)
    assert bad.value.errors[0].field.startswith("candidates[1]")
    with pytest.raises(InvalidInput) as one:
        rank(x_target, {"a": sources["s0"]}, target_labels=y)
    assert one.value.errors[0].field == "candidates"
    with pytest.raises(InvalidInput) as unknown:
        rank(x_target, {"a": {"sauce": sources["s0"]}, "b": sources["s1"]})
    assert unknown.value.errors[0].field == "candidates[0].sauce"
