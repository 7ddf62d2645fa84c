"""The pure parts of bench/rank_quality.py: weighted Kendall tau, top-1 regret, tie handling."""

from __future__ import annotations

import json
import math
from pathlib import Path
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


def write_tiny_zoo(root: Path) -> None:
    """One target, three candidates, in the layout bench.rank_zoo writes (small random arrays)."""
    rng = np.random.default_rng(1)
    folder = root / "t1"
    labels = np.tile(np.arange(3), 4)
    folder.mkdir(parents=True)
    np.save(folder / "target_labels.npy", labels)
    np.save(folder / "target_scratch_features.npy", rng.normal(size=(12, 5)).astype(np.float32))
    cands = []
    for i, signal in enumerate((0.0, 1.0, 3.0)):
        sub = folder / f"c{i}"
        sub.mkdir()
        x_t = rng.normal(size=(30, 4))
        x_t[:12, 0] += signal * labels
        np.save(sub / "target_embeddings.npy", x_t.astype(np.float32))
        np.save(sub / "source_embeddings.npy", rng.normal(size=(20, 4)).astype(np.float32))
        np.save(sub / "source_labels.npy", np.arange(20) % 2)
        cands.append({"name": f"c{i}", "acc_feature_extraction": 0.4 + 0.2 * i, "acc_fine_tune": None})
    (folder / "target.json").write_text(json.dumps(
        {"id": "t1", "modality": "image", "num_classes": 3, "labeled_examples": 12, "candidates": cands}))


def test_rank_and_assess_paths_agree_on_a_tiny_zoo(tmp_path: Path) -> None:
    from bench.rank_quality import OURS, score_target
    from bench.rank_zoo.zoo import load_zoo

    import transfer_advisor

    write_tiny_zoo(tmp_path)
    (target,) = load_zoo(tmp_path)
    assert [c.name for c in target.candidates] == ["c0", "c1", "c2"]
    via_assess = score_target(target, tmp_path / "cache-a", "code", None)
    via_rank = score_target(target, tmp_path / "cache-r", "code", transfer_advisor.rank)
    order = np.argsort(via_assess.scores[OURS])
    assert list(order) == list(np.argsort(via_rank.scores[OURS]))
    assert via_assess.scores["LogME"] == via_rank.scores["LogME"]
    # the candidate with the class signal in its features is ranked first by every path
    assert order[-1] == 2


def test_assessment_cache_key_ignores_only_the_ranking_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.rank_quality as rq

    policy_dir = tmp_path / "service" / "transfer_advisor" / "domain" / "policy"
    policy_dir.mkdir(parents=True)
    ranking, decision = policy_dir / "ranking.py", policy_dir / "decision.py"
    ranking.write_text("A = 1\n")
    decision.write_text("B = 1\n")
    monkeypatch.setattr(rq, "REPO_ROOT", tmp_path)
    before = rq.service_code_hash()
    ranking.write_text("A = 2\n")
    assert rq.service_code_hash() == before  # re-ranking needs no re-assessment
    decision.write_text("B = 2\n")
    assert rq.service_code_hash() != before
