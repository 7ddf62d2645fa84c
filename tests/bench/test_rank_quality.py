"""The pure parts of bench/rank_quality.py: weighted Kendall tau, top-1 regret, tie handling."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from bench.rank_quality import order_scores, request_body, top1_regret, weighted_tau


def hand_weighted_tau(x: np.ndarray, y: np.ndarray) -> float:
    """Vigna's weighted tau by definition (no ties): hyperbolic weight 1/(r + 1) of each
    element's decreasing rank, pair weight = sum of the two, averaged over ranking by x and by y."""
    def by(importance: np.ndarray) -> float:
        rank = np.empty(len(x))
        rank[np.argsort(-importance)] = np.arange(len(x))
        w = 1.0 / (rank + 1.0)
        num = den = 0.0
        for i in range(len(x)):
            for j in range(i + 1, len(x)):
                num += (w[i] + w[j]) * np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
                den += w[i] + w[j]
        return num / den
    return (by(x) + by(y)) / 2.0


@pytest.mark.parametrize("seed", range(5))
def test_weighted_tau_matches_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    acc = rng.uniform(0.3, 0.9, 7)
    scores = acc + rng.normal(0, 0.15, 7)
    assert weighted_tau(acc, scores) == pytest.approx(hand_weighted_tau(acc, scores), abs=1e-12)


def test_weighted_tau_extremes_and_top_weighting() -> None:
    acc = [0.9, 0.8, 0.7, 0.6, 0.5]
    assert weighted_tau(acc, [5, 4, 3, 2, 1]) == pytest.approx(1.0)
    assert weighted_tau(acc, [1, 2, 3, 4, 5]) == pytest.approx(-1.0)
    swap_top = weighted_tau(acc, [4, 5, 3, 2, 1])
    swap_bottom = weighted_tau(acc, [5, 4, 3, 1, 2])
    # one discordant pair either way; at the top it costs more
    assert swap_top < swap_bottom < 1.0
    # by hand: ranks by acc give weights 1, 1/2, 1/3, 1/4, 1/5; the swapped pair (0, 1) weighs 3/2
    w = 1.0 / np.arange(1, 6)
    total = sum(w[i] + w[j] for i in range(5) for j in range(i + 1, 5))
    assert swap_top == pytest.approx((total - 2 * 1.5) / total)  # same weights ranking by scores


def test_weighted_tau_missing_scores_rank_last_and_constant_is_nan() -> None:
    acc = [0.9, 0.8, 0.7]
    assert weighted_tau(acc, [3.0, None, 1.0]) == weighted_tau(acc, [3.0, -10.0, 1.0])
    assert weighted_tau(acc, [None, 1.0, 2.0]) == pytest.approx(-1.0)
    assert -1.0 < weighted_tau(acc, [None, math.nan, 2.0]) < 0.0  # the two missing tie last
    assert math.isnan(weighted_tau(acc, [1.0, 1.0, 1.0]))
    assert math.isnan(weighted_tau([0.5, 0.5, 0.5], [1.0, 2.0, 3.0]))


def test_top1_regret_in_points_with_ties_averaged() -> None:
    acc = [0.80, 0.95, 0.70]
    assert top1_regret(acc, [0.1, 0.9, 0.5]) == pytest.approx(0.0)
    assert top1_regret(acc, [0.9, 0.1, 0.5]) == pytest.approx(15.0)
    assert top1_regret(acc, [0.9, 0.9, 0.5]) == pytest.approx(7.5)          # tie: mean of 0 and 15
    assert top1_regret(acc, [None, math.nan, 0.0]) == pytest.approx(25.0)   # missing ranks last


def test_order_scores_is_lexicographic_and_keeps_ties() -> None:
    keys = [(0.1, 0.5), (0.3, 0.2), (0.1, 0.9), (-math.inf, 0.99), (0.3, 0.2)]
    s = order_scores(keys)
    assert s[1] == s[4] > s[2] > s[0] > s[3]
    # regret of the order = regret of taking (either of) the tied first candidates
    acc = [0.5, 0.9, 0.6, 0.95, 0.7]
    assert top1_regret(acc, s) == pytest.approx(100 * (0.95 - 0.8))


def test_request_body_is_a_valid_assess_request(tmp_path: object) -> None:
    from transfer_advisor.schemas.assess import AssessRequest

    rng = np.random.default_rng(0)
    cand = SimpleNamespace(name="c1", arrays=lambda: (rng.normal(size=(12, 4)), np.arange(12) % 3,
                                                      rng.normal(size=(20, 4))))
    target = SimpleNamespace(id="t1", modality="image", doc={"num_classes": 2},
                             labels=lambda: np.array([0, 1, 0, 1, 1, 0]),
                             scratch_features=lambda: rng.normal(size=(6, 9)))
    req = AssessRequest.model_validate(request_body(target, cand))
    assert req.task.labeled_examples == 6
    assert req.task.num_classes == 2
    assert req.target.labels == [0, 1, 0, 1, 1, 0]
    assert req.source.labels is not None
    assert req.target.scratch_features is not None
    assert req.target.scratch_features.shape == [6, 9]  # type: ignore[union-attr]
