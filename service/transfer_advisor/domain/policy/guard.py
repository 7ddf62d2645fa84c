"""Whether a tenant's fit should replace the vendor policy: both judged on the tenant's outcomes.

A few dozen outcomes from a tenant's own families can mislead a fit (families disagree), so a
tenant fit must earn its place. Every candidate decides each tenant case with the rule `decide`
uses for the transfer decision: the transfer head of the first tier whose features the case has,
on the clipped (and, on a modality mismatch, imputed) inputs, transfer when P ≥ 0.5. The vendor
policy never saw the tenant's outcomes, so it is judged on all of them as it is; a tenant fit is
judged with every transfer head refitted without the case's own family (its target dataset),
with the full fit's penalty, and Platt-recalibrated without it too: the fit's own calibration
saw the family (with a tenant's weight its intercept alone can carry the family's answer), so
the held-out head is recalibrated on out-of-fold logits of the other cases (`CALIBRATION_FOLDS`
groups of families, cheaper than one family at a time).

The fit replaces the vendor only when a one-sided exact sign test on the cases where the two
decide differently (one right, the other wrong) says the fit is better at `ALPHA`, Bonferroni-
corrected for the number of candidate fits; otherwise, and on every tie, the vendor is kept.
The test counts tasks, not outcomes: outcomes of one task (`task_key`: the same target dataset
at the same labels per class, e.g. one training run per labeled subset) are replicates, not
independent evidence, so each task votes once, for whichever decided more of its cases right.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .cases import Case
from .decision import choose_tier, model_inputs
from .features import FEATURES, Observation
from .fit_heads import decided_right, fit_tier, rows_of
from .inputs import TaskInfo
from .params import Head, PolicyParams, Tier

# The family-wise chance of replacing the vendor with a fit that is no better: with 10–20
# outcomes a fit has to fix ~6 of the vendor's errors without a new one to pass.
ALPHA = 0.05
VENDOR = "vendor"
CALIBRATION_FOLDS = 5
DIRECTIONS = {name: f.direction for name, f in FEATURES.items()}


def case_says_transfer(tiers: Sequence[Tier], prior_transfer: float, impute: bool,
                       case: Case) -> bool:
    """What `decide` would answer on transfer vs scratch for a case's features.

    Args:
        tiers: the policy's tiers, most evidence first.
        prior_transfer: the answer (≥ 0.5: transfer) when no tier has the case's features.
        impute: the policy's `mismatch_shift == "largest"`.
        case: features and modalities (its truth is not read).
    """
    obs = {f: Observation(v, "") for f, v in case.features.items()}
    tier = choose_tier(tiers, obs)
    if tier is None:
        return prior_transfer >= 0.5
    # model_inputs reads only the modalities of the task
    task = TaskInfo("classification", None, 0, case.source_modality, case.target_modality)
    x, _ = model_inputs(tier, obs, task, impute=impute)
    logit = tier.transfer.logit(x, tier.center, tier.scale)
    return logit >= 0.0 or math.isnan(logit)  # σ(logit) ≥ 0.5; decide's σ(NaN) is 0.5


def policy_says(params: PolicyParams, cases: Sequence[Case]) -> list[bool]:
    """A fitted policy's transfer decision on each case."""
    impute = params.mismatch_shift == "largest"
    return [case_says_transfer(params.tiers, params.prior_transfer, impute, c) for c in cases]


def _held_out_tier(spec: Mapping[str, Any], cases: Sequence[Case],
                   family: str) -> Tier | None:
    """The tier's transfer head fitted and calibrated without `family` (None: too few cases)."""
    features = tuple(spec["features"])
    fitted = fit_tier(rows_of([c for c in cases if c.family != family]), features, "transfer",
                      DIRECTIONS, (float(spec["transfer"]["penalty"]),), CALIBRATION_FOLDS)
    if fitted is None:
        return None

    def named(values: Any) -> dict[str, float]:
        return {f: float(v) for f, v in zip(features, values, strict=True)}

    a, b = fitted["calibration"]
    transfer = Head(float(fitted["intercept"]), named(fitted["coef"]), (float(a), float(b)))
    return Tier(str(spec["name"]), features, named(fitted["center"]), named(fitted["scale"]),
                named(fitted["low"]), named(fitted["high"]), transfer, Head(0.0, {}), 0.0)


def held_out_says(fit: Mapping[str, Any], cases: Sequence[Case],
                  judged: Sequence[Case]) -> list[bool]:
    """A fit's transfer decision on each judged case, its family left out of the fit.

    Args:
        fit: the parameter file `fit_policy` returned for `cases`.
        cases: what it was fitted on (weights as fitted).
        judged: the cases to decide (among `cases`; held out by their `family`).
    """
    impute = fit.get("mismatch_shift", "largest") == "largest"
    prior = float(fit.get("prior_transfer", 0.5))
    tiers_without: dict[str, list[Tier]] = {}
    said = []
    for c in judged:
        if c.family not in tiers_without:
            tiers_without[c.family] = [t for t in (_held_out_tier(spec, cases, c.family)
                                                   for spec in fit.get("tiers", []))
                                       if t is not None]
        said.append(case_says_transfer(tiers_without[c.family], prior, impute, c))
    return said


def sign_test_p(wins: int, losses: int) -> float:
    """One-sided exact sign test: P(at least `wins` of `wins + losses` fair coin flips).

    >>> round(sign_test_p(6, 0), 4)
    0.0156
    """
    k = wins + losses
    return sum(math.comb(k, i) for i in range(wins, k + 1)) / 2.0**k


@dataclass(frozen=True)
class Verdict:
    """The guard's choice: the fit with `share`, or (None) the vendor, and why."""

    share: float | None
    evidence: dict[str, Any]


def task_key(case: Case) -> tuple[str, float]:
    """The task a case is an outcome of: its target dataset and labels per class."""
    per_class = case.features.get("log2_labels_per_class", math.nan)
    return case.family, round(float(per_class), 6)


def task_votes(fit_ok: Sequence[bool], vendor_ok: Sequence[bool],
               tasks: Sequence[Hashable]) -> tuple[int, int]:
    """(tasks the fit wins, tasks the vendor wins), from each task's net count.

    The net counts the task's cases one decided right and the other wrong; a task whose net is
    zero votes for neither.
    """
    net: dict[Hashable, int] = {}
    for f, v, task in zip(fit_ok, vendor_ok, tasks, strict=True):
        net[task] = net.get(task, 0) + (f and not v) - (v and not f)
    return sum(x > 0 for x in net.values()), sum(x < 0 for x in net.values())


def choose(cases: Sequence[Case], vendor_says: Sequence[bool],
           fits_say: Mapping[float, Sequence[bool]], alpha: float = ALPHA) -> Verdict:
    """Keep the vendor unless a fit is significantly better on the cases' outcomes.

    Args:
        cases: the tenant's cases (their truth is what is scored).
        vendor_says: the vendor's transfer decision on each.
        fits_say: per candidate share, the fit's held-out decision on each.
        alpha: family-wise level, split evenly over the candidate fits (Bonferroni).
    """
    vendor_ok = decided_right(vendor_says, cases)
    tasks = [task_key(c) for c in cases]
    n = len(cases)
    level = alpha / max(len(fits_say), 1)
    accuracy = {VENDOR: _share_right(vendor_ok)}
    tests: dict[str, dict[str, Any]] = {}
    passing = []
    for share, says in fits_say.items():
        ok = decided_right(says, cases)
        wins = sum(f and not v for f, v in zip(ok, vendor_ok, strict=True))
        losses = sum(v and not f for f, v in zip(ok, vendor_ok, strict=True))
        task_wins, task_losses = task_votes(ok, vendor_ok, tasks)
        p = sign_test_p(task_wins, task_losses)
        accuracy[str(share)] = _share_right(ok)
        tests[str(share)] = {"fit_right_vendor_wrong": wins, "vendor_right_fit_wrong": losses,
                             "tasks_fit_better": task_wins, "tasks_vendor_better": task_losses,
                             "p_value": round(p, 6)}
        if task_wins > task_losses and p <= level:
            passing.append(share)
    best = max(passing, key=lambda s: (accuracy[str(s)], -s), default=None)
    evidence = {"n": n, "tasks": len(set(tasks)), "accuracy": accuracy, "sign_tests": tests,
                "alpha": alpha, "level_per_fit": round(level, 6),
                "choice": VENDOR if best is None else str(best),
                "rule": "first tier with the case's features, transfer when P >= 0.5; fits "
                        "held out by target, the vendor on all outcomes; the sign test counts "
                        "tasks (target and labels per class), each voting once"}
    return Verdict(best, evidence)


def _share_right(ok: Sequence[bool]) -> float:
    return round(sum(ok) / len(ok), 6) if ok else 0.0
