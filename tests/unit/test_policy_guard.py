"""The guard between a tenant's fit and the vendor policy: the sign test, the choice (the vendor
wins ties and unresolved gains) and held-out decisions that really leave the family out."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from transfer_advisor.domain import policy
from transfer_advisor.domain.outcome import OutcomeTruth
from transfer_advisor.domain.policy import guard
from transfer_advisor.domain.policy.cases import Case, truth_of_outcome
from transfer_advisor.domain.policy.fit import fit_policy
from transfer_advisor.domain.policy.tiers import TierSpec

LABELS_ONLY = (TierSpec("labels_only", ("log2_labels_per_class",)),)


def case(i: int, family: str, labels: float, helps: bool, origin: str = "shipped") -> Case:
    scratch, transfer = (0.6, 0.8) if helps else (0.8, 0.6)
    truth = truth_of_outcome(OutcomeTruth(scratch, transfer, None), 3)
    return Case(f"c{i}", family, "image", "image", {"log2_labels_per_class": labels}, truth,
                origin=origin)


@pytest.mark.parametrize(("wins", "losses", "p"), [
    (0, 0, 1.0), (5, 0, 1 / 32), (6, 0, 1 / 64), (7, 1, 9 / 256), (2, 2, 11 / 16)])
def test_sign_test_is_the_binomial_tail(wins: int, losses: int, p: float) -> None:
    assert guard.sign_test_p(wins, losses) == pytest.approx(p)
    # by hand, as the sum of the tail's binomial coefficients
    k = wins + losses
    assert guard.sign_test_p(wins, losses) == pytest.approx(
        sum(math.comb(k, i) for i in range(wins, k + 1)) / 2**k)


def truths(helps: list[bool]) -> list[Case]:
    """One outcome per task: three datasets, each case at its own labels per class."""
    return [case(i, f"tenant:d{i % 3}", 1.0 + i / 4, h, "tenant") for i, h in enumerate(helps)]


def test_the_vendor_wins_a_tie() -> None:
    cases = truths([True, False] * 6)
    vendor = [True] * 12  # right on the six that help
    fit = [False] * 12  # right on the other six
    verdict = guard.choose(cases, vendor, {0.5: fit})
    assert verdict.share is None
    assert verdict.evidence["choice"] == guard.VENDOR
    assert verdict.evidence["accuracy"] == {"vendor": 0.5, "0.5": 0.5}


def test_an_unresolved_gain_keeps_the_vendor() -> None:
    # the fit fixes 4 of the vendor's errors and makes none: p = 1/16 > 0.05 / 3
    cases = truths([True] * 12)
    vendor = [True] * 8 + [False] * 4
    verdict = guard.choose(cases, vendor, {0.0: [True] * 12, 0.25: [True] * 12, 0.5: [True] * 12})
    assert verdict.share is None
    assert verdict.evidence["accuracy"]["0.0"] == 1.0 > verdict.evidence["accuracy"]["vendor"]
    assert verdict.evidence["sign_tests"]["0.0"] == {
        "fit_right_vendor_wrong": 4, "vendor_right_fit_wrong": 0,
        "tasks_fit_better": 4, "tasks_vendor_better": 0, "p_value": 0.0625}


def test_a_resolved_gain_picks_the_best_passing_fit() -> None:
    cases = truths([True] * 14)
    vendor = [True] * 6 + [False] * 8
    fits = {0.0: [True] * 6 + [False] * 8,  # no better than the vendor
            0.25: [True] * 12 + [False] * 2,  # 6 of 8 fixed: p = 1/64 < 0.05 / 3
            0.5: [True] * 13 + [False]}  # 7 of 8: better still
    verdict = guard.choose(cases, vendor, fits)
    assert verdict.share == 0.5
    assert verdict.evidence["choice"] == "0.5"
    # fixing 6 while breaking one is not enough at this level
    fits[0.25] = [False] + [True] * 11 + [False] * 2
    fits[0.5] = fits[0.25]
    assert guard.choose(cases, vendor, fits).share is None



def test_replicated_outcomes_of_one_task_vote_once() -> None:
    # two tasks (dataset, labels per class), each posted six times (one run per labeled
    # subset): the fit is right on all twelve where the vendor is wrong, but that is two tasks
    replicated = [case(i, f"tenant:d{i % 2}", 3.0, True, "tenant") for i in range(12)]
    vendor, fit = [False] * 12, [True] * 12
    verdict = guard.choose(replicated, vendor, {0.5: fit})
    assert verdict.share is None
    assert verdict.evidence["tasks"] == 2
    assert verdict.evidence["sign_tests"]["0.5"] == {
        "fit_right_vendor_wrong": 12, "vendor_right_fit_wrong": 0,
        "tasks_fit_better": 2, "tasks_vendor_better": 0, "p_value": 0.25}
    # the same twelve outcomes from twelve tasks are a resolved gain (p = 1/4096)
    distinct = [dataclasses.replace(c, features={"log2_labels_per_class": 1.0 + i})
                for i, c in enumerate(replicated)]
    assert guard.choose(distinct, vendor, {0.5: fit}).share == 0.5
    # within a task the net count votes: a (fit +4, vendor +2) for the fit, b (+1, +3) for
    # the vendor, c (+1, +1) for neither
    fit_ok = [True] * 4 + [False] * 2 + [True] + [False] * 3 + [True, False]
    vendor_ok = [False] * 4 + [True] * 2 + [False] + [True] * 3 + [False, True]
    tasks = ["a"] * 6 + ["b"] * 4 + ["c"] * 2
    assert guard.task_votes(fit_ok, vendor_ok, tasks) == (1, 1)


def test_held_out_decisions_leave_the_family_out() -> None:
    # shipped: transfer helps with few labels per class, not with many
    shipped = [case(i, f"f{i % 6}", float(i % 8), i % 8 < 4) for i in range(48)]
    # one tenant family says the opposite at many labels, weighted to dominate the fit
    tenant = [dataclasses.replace(case(100 + i, "tenant:odd", 6.0 + i % 2, True, "tenant"),
                                  weight=20.0) for i in range(6)]
    fitted = fit_policy([*shipped, *tenant], {}, specs=LABELS_ONLY, penalties=(1.0,))
    params = policy.parse_params(json.dumps(fitted).encode())
    assert all(guard.policy_says(params, tenant))  # in sample the family decides itself
    # held out, the family is decided by the shipped cases alone: scratch at many labels
    assert not any(guard.held_out_says(fitted, [*shipped, *tenant], tenant))


def test_case_decision_follows_the_first_tier_and_the_threshold() -> None:
    fitted = fit_policy([case(i, f"f{i % 6}", float(i % 8), i % 8 < 4) for i in range(48)], {},
                        specs=LABELS_ONLY, penalties=(1.0,))
    params = policy.parse_params(json.dumps(fitted).encode())
    few, many = case(0, "x", 0.0, True), case(1, "x", 7.0, True)
    assert guard.policy_says(params, [few, many]) == [True, False]
    # a case without the tier's features falls back to the prior, as decide's base rate does
    bare = dataclasses.replace(few, features={})
    assert guard.policy_says(params, [bare]) == [params.prior_transfer >= 0.5]
