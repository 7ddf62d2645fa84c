"""The pure parts of outcomes, calibration and tenant fits: truth from accuracies, the scores
against scipy and a hand computation, the calibration table round trip, tenant weighting."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.stats import spearmanr

from transfer_advisor.domain import calibration
from transfer_advisor.domain.outcome import OutcomeTruth, check_outcome
from transfer_advisor.domain.policy.cases import (
    Case,
    dump_table,
    parse_table,
    shipped_cases,
    truth_of_outcome,
)
from transfer_advisor.domain.policy.fit import fit_policy, tenant_weights
from transfer_advisor.domain.policy.fit_heads import transfer_label
from transfer_advisor.errors import InvalidInput


class TestOutcomeTruth:
    def test_as_truth_json_defines_it(self) -> None:
        t = OutcomeTruth(0.70, 0.68, 0.75)
        assert t.transfer_gain == pytest.approx(0.05)
        assert (t.transfer_helps, t.negative_transfer, t.best_strategy) == (True, False,
                                                                             "fine_tune")
        hurt = OutcomeTruth(0.80, 0.70, None)
        assert (hurt.negative_transfer, hurt.best_strategy, hurt.fine_tune_measured) == (
            True, "train_from_scratch", False)
        within = OutcomeTruth(0.60, 0.61, None)
        assert within.within_margin
        assert within.best_strategy == "feature_extraction"

    @pytest.mark.parametrize(("body", "field"), [
        ({"acc_scratch": 0.5}, "acc_feature_extraction"),
        ({"acc_feature_extraction": 0.5}, "acc_scratch"),
        ({"acc_scratch": float("nan"), "acc_fine_tune": 0.5}, "acc_scratch"),
        ({"acc_scratch": 0.5, "acc_fine_tune": 1.01}, "acc_fine_tune"),
        ({"acc_scratch": True, "acc_fine_tune": 0.5}, "acc_scratch"),
    ])
    def test_check_outcome_names_the_field(self, body: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            check_outcome(body)
        assert field in [e.field for e in caught.value.errors]


def _decision(strategy: str, score: float, risk: str = "low",
              gain: float | None = None) -> calibration.Decision:
    return calibration.Decision(strategy, score, risk, gain)


class TestScores:
    def test_hand_computed_set(self) -> None:
        decisions = [_decision("fine_tune", 0.8, gain=0.2), _decision("train_from_scratch", 0.3,
                                                                      "high", gain=-0.1),
                     _decision("feature_extraction", 0.6, "medium", gain=0.0)]
        measured = [OutcomeTruth(0.5, 0.7, 0.6).measured(),    # +0.2 helps, best fe
                    OutcomeTruth(0.7, 0.5, 0.55).measured(),   # −0.15 negative, best scratch
                    OutcomeTruth(0.7, 0.6, None).measured()]   # −0.1 negative
        got = calibration.score(decisions, measured)
        assert got.decision_accuracy == pytest.approx(2 / 3)
        assert got.negative_transfer_recall == pytest.approx(1 / 2)
        assert got.three_way_accuracy == pytest.approx(1 / 2)  # r1 wrong, r2 right
        # scores ranks (3, 1, 2), gains ranks (3, 1, 2): perfect agreement
        assert got.spearman_score_vs_gain == pytest.approx(1.0)
        assert got.expected_gain_mae == pytest.approx((0.0 + 0.05 + 0.1) / 3)
        assert [b.n for b in got.reliability] == [0, 1, 0, 1, 1]

    def test_spearman_matches_scipy_with_ties(self) -> None:
        rng = np.random.default_rng(0)
        x = rng.integers(0, 5, 40).astype(float)
        y = x + rng.normal(size=40)
        assert calibration.spearman(list(x), list(y)) == pytest.approx(spearmanr(x, y)[0])
        assert calibration.spearman([0.5, 0.5], [0.1, 0.2]) is None
        assert calibration.spearman([0.5], [0.1]) is None

    def test_nothing_to_score_is_none(self) -> None:
        got = calibration.score([], [])
        assert got.n == 0
        assert got.decision_accuracy is None
        assert got.expected_gain_mae is None
        assert all(b.mean_score is None for b in got.reliability)


class TestFitCases:
    def test_shipped_table_round_trips(self) -> None:
        cases = shipped_cases()
        assert len(cases) >= 30
        assert all(c.features and c.family for c in cases)
        again, meta = parse_table(dump_table(cases, {"split": "x"}))
        assert again == cases
        assert meta == {"split": "x"}

    def test_tenant_weights(self) -> None:
        assert tenant_weights(180, 20) == pytest.approx(9.0)
        assert tenant_weights(10, 100) == 1.0  # never below a shipped scenario's weight
        assert tenant_weights(0, 12) == 1.0

    def test_an_outcome_without_stds_is_a_soft_label(self) -> None:
        truth = truth_of_outcome(OutcomeTruth(0.60, 0.62, None), seeds=1)
        case = Case("a", "tenant:x", "image", "image", {"log2_labels_per_class": 3.0}, truth)
        assert 0.5 < transfer_label(case) < 0.9  # +2 points over scratch, one seed: uncertain

    def test_weighted_tenant_cases_pull_the_fit(self) -> None:
        """Cases that contradict the shipped ones move the fitted prior, more with weight."""
        shipped = list(shipped_cases())
        feats = {"log2_labels_per_class": 2.0}
        truth = truth_of_outcome(OutcomeTruth(0.9, 0.5, None), seeds=5)  # transfer hurts
        mine = [Case(f"o{i}", f"tenant:d{i % 3}", "image", "image", feats, truth,
                     origin="tenant") for i in range(12)]
        priors = []
        for weight in (1.0, tenant_weights(len(shipped), len(mine))):
            params = fit_policy([*shipped, *(dataclasses.replace(c, weight=weight) for c in mine)],
                                {}, specs=(), penalties=(1.0,))
            priors.append(params["prior_transfer"])
        base = fit_policy(shipped, {}, specs=(), penalties=(1.0,))["prior_transfer"]
        assert base > priors[0] > priors[1]
