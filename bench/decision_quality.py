"""Decision quality of the policy on transfer scenarios with measured outcomes.

    python bench/decision_quality.py [--split dev] [--no-lofo] [--exact]

Every scenario goes through the POST /assess code path: the request body is built (embeddings +
target labels, or summaries), parsed and decoded by `services.inputs`, the default metric set runs
(`domain.metrics.compute_metrics`, cached in `.cache/`), and `domain.policy.decide` answers.
`--exact` also runs `services.assess.evaluate` uncached on every request and checks the answer
is identical. Prints, for the full (rows) and summary-only modes and for three baselines:
decision accuracy, negative-transfer recall, Spearman(transfer_score, transfer_gain), three-way
accuracy where fine-tuning was measured, a reliability table, and leave-one-family-out results
(the policy refitted without the held-out family by `scripts/fit_policy.py`'s `fit_params`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.scenarios import (  # noqa: E402
    MODES,
    Mode,
    Scenario,
    ScenarioRun,
    build_request,
    load_scenarios,
    run_metrics,
)
from scripts.fit_policy import fit_params  # noqa: E402

from transfer_advisor.domain import policy  # noqa: E402


@dataclass(frozen=True)
class Answer:
    strategy: str
    score: float
    risk: str


Decider = Callable[[ScenarioRun], Answer]


def policy_decider(params: policy.PolicyParams | None = None) -> Decider:
    def run(r: ScenarioRun) -> Answer:
        rec = policy.decide(r.metrics, r.scenario.task, r.evidence, params)
        return Answer(rec.strategy, rec.transfer_score, rec.negative_transfer_risk)
    return run


# ------------------------------------------------------------------------------- baselines


def _frechet_ratio(r: ScenarioRun) -> float | None:
    fd = r.metrics.get("frechet_distance")
    ratio = None if fd is None else fd.details.get("ratio_to_baseline")
    return None if ratio is None or not ratio > 0 else float(ratio)


def _probe_or_logme(r: ScenarioRun) -> float | None:
    obs = policy.policy_features(r.metrics, r.scenario.task).get("probe_lift")
    if obs is not None:
        return obs.value
    logme = r.metrics.get("logme")
    return None if logme is None else float(logme.value)


def threshold_baseline(key: Callable[[ScenarioRun], float | None], runs: Sequence[ScenarioRun],
                       higher_is_transfer: bool) -> tuple[Decider, float | None]:
    """The best single threshold on this very data (generous to the baseline)."""
    vals = [(key(r), r.scenario) for r in runs]
    known = sorted({v for v, _ in vals if v is not None})
    best_t, best_acc = None, -1.0
    for i in range(len(known) + 1):
        if not known:
            break
        t = known[0] - 1.0 if i == 0 else (known[i - 1] + known[i]) / 2 if i < len(known) \
            else known[-1] + 1.0
        said = [(v >= t) == higher_is_transfer if v is not None else True for v, _ in vals]
        acc = float(np.mean([s.within_margin or (d == s.helps) for d, (_, s) in
                             zip(said, vals, strict=True)]))
        if acc > best_acc:
            best_t, best_acc = t, acc

    def run(r: ScenarioRun) -> Answer:
        v = key(r)
        if v is None or best_t is None:
            return Answer("feature_extraction", 0.5, "medium")
        transfer = (v >= best_t) == higher_is_transfer
        score = v if higher_is_transfer else -v
        return Answer("feature_extraction" if transfer else "train_from_scratch", score,
                      "low" if transfer else "high")
    return run, best_t


def always_transfer(r: ScenarioRun) -> Answer:
    return Answer("feature_extraction", 1.0, "low")


# ------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Scores:
    accuracy: float
    neg_recall: float
    spearman: float
    three_way: float
    n: int


def score(answers: Sequence[Answer], scenarios: Sequence[Scenario]) -> Scores:
    acc = np.mean([s.within_margin or ((a.strategy != "train_from_scratch") == s.helps)
                   for a, s in zip(answers, scenarios, strict=True)])
    negs = [(a, s) for a, s in zip(answers, scenarios, strict=True) if s.negative]
    recall = np.mean([a.strategy == "train_from_scratch" or a.risk == "high" for a, _ in negs]) \
        if negs else math.nan
    sc = np.array([a.score for a in answers])
    rho = float(spearmanr(sc, [s.gain for s in scenarios])[0]) if np.ptp(sc) > 0 else math.nan
    three = [(a, s) for a, s in zip(answers, scenarios, strict=True)
             if s.truth.get("acc_fine_tune") is not None]
    tw = np.mean([a.strategy == s.truth["best_strategy"] for a, s in three]) if three else math.nan
    return Scores(float(acc), float(recall), rho, float(tw), len(answers))


def reliability(answers: Sequence[Answer], scenarios: Sequence[Scenario], bins: int = 5) -> str:
    edges = np.linspace(0.0, 1.0, bins + 1)
    lines = ["  transfer_score bin | n  | mean score | share transfer beat scratch (gain > 0)"]
    for lo, hi in itertools.pairwise(edges):
        inside = [(a, s) for a, s in zip(answers, scenarios, strict=True)
                  if lo <= a.score < hi or (hi == 1.0 and a.score == 1.0)]
        if not inside:
            lines.append(f"  [{lo:.1f}, {hi:.1f})         | {0:2d} |     -      |   -")
            continue
        mean = np.mean([a.score for a, _ in inside])
        obs = np.mean([s.gain > 0 for _, s in inside])
        lines.append(f"  [{lo:.1f}, {hi:.1f})         | {len(inside):2d} |   {mean:.2f}     |"
                     f"   {obs:.2f}")
    return "\n".join(lines)


def fmt(name: str, s: Scores) -> str:
    return (f"  {name:34s} {s.accuracy:6.3f} {s.neg_recall:8.3f} {s.spearman:9.3f} "
            f"{s.three_way:9.3f} {s.n:4d}")


HEADER = f"  {'decider':34s} {'acc':>6s} {'negrec':>8s} {'spearman':>9s} {'3-way':>9s} {'n':>4s}"


def lofo_answers(scenarios: Sequence[Scenario], mode: Mode,
                 specs: Sequence[policy.TierSpec] = policy.TIERS) -> list[Answer]:
    """Refit (the tiers `specs`) on all other families, decide the held-out family."""
    out: dict[str, Answer] = {}
    for family in sorted({s.family for s in scenarios}):
        train = [s for s in scenarios if s.family != family]
        params = policy.parse_params(json.dumps(fit_params(train, specs=specs)).encode())
        decide = policy_decider(params)
        for s in scenarios:
            if s.family == family:
                out[s.id] = decide(run_metrics(s, mode))
    return [out[s.id] for s in scenarios]


def check_exact(scenarios: Sequence[Scenario]) -> None:
    from transfer_advisor.schemas.assess import AssessRequest
    from transfer_advisor.services.assess import evaluate
    from transfer_advisor.settings import Settings

    for s in scenarios:
        for mode in MODES:
            ev = evaluate(AssessRequest.model_validate(build_request(s, mode)), Settings())
            mine = policy.decide(run_metrics(s, mode).metrics, s.task, run_metrics(s, mode).evidence)
            same = (ev.recommendation.strategy, round(ev.recommendation.transfer_score, 9)) == (
                mine.strategy, round(mine.transfer_score, 9))
            print(f"  exact {s.id:32s} {mode:7s} {'ok' if same else 'DIFFERS'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--no-lofo", action="store_true")
    parser.add_argument("--exact", action="store_true",
                        help="also run services.assess.evaluate uncached and compare")
    parser.add_argument("--per-scenario", action="store_true")
    parser.add_argument("--params", type=Path, default=None,
                        help="a policy_params.json to evaluate instead of the shipped one")
    args = parser.parse_args(argv)
    params = policy.parse_params(args.params.read_bytes()) if args.params else None

    scenarios = load_scenarios(args.split)
    version = params.version if params else policy.POLICY_VERSION
    print(f"policy_version {version}; {len(scenarios)} scenarios, "
          f"{len({s.family for s in scenarios})} families ({args.split})")
    runs = {m: [run_metrics(s, m) for s in scenarios] for m in MODES}
    rows = runs["rows"]
    fd_base, fd_t = threshold_baseline(_frechet_ratio, rows, higher_is_transfer=False)
    pr_base, pr_t = threshold_baseline(_probe_or_logme, rows, higher_is_transfer=True)
    answers = {m: [policy_decider(params)(r) for r in runs[m]] for m in MODES}

    print("\nDecision quality (within-margin scenarios count either way)")
    print(HEADER)
    print(fmt("policy, rows (embeddings + labels)", score(answers["rows"], scenarios)))
    print(fmt("policy, summary-only", score(answers["summary"], scenarios)))
    print(fmt("baseline: always transfer", score([always_transfer(r) for r in rows], scenarios)))
    print(fmt(f"baseline: frechet ratio ≤ {fd_t if fd_t is None else round(fd_t, 3)}",
              score([fd_base(r) for r in rows], scenarios)))
    print(fmt(f"baseline: probe lift/logme ≥ {pr_t if pr_t is None else round(pr_t, 3)}",
              score([pr_base(r) for r in rows], scenarios)))
    if not args.no_lofo:
        for m in MODES:
            print(fmt(f"policy LOFO refit, {m}", score(lofo_answers(scenarios, m), scenarios)))

    for m in MODES:
        print(f"\nReliability of transfer_score ({m})")
        print(reliability(answers[m], scenarios))
        conf = [policy.decide(r.metrics, r.scenario.task, r.evidence, params).confidence
                for r in runs[m]]
        print(f"  mean confidence: {np.mean(conf):.3f}")

    if args.per_scenario:
        print("\nPer scenario (rows | summary)")
        for s, a, b in zip(scenarios, answers["rows"], answers["summary"], strict=True):
            truth = "helps" if s.helps else "NEG" if s.negative else "margin"
            ok = s.within_margin or ((a.strategy != "train_from_scratch") == s.helps)
            print(f"  {s.id:32s} gain {s.gain:+.3f} {truth:6s} | {a.strategy:18s} "
                  f"{a.score:.2f} {a.risk:6s} {'' if ok else 'WRONG'} | {b.strategy:18s} "
                  f"{b.score:.2f} {b.risk}")
    if args.exact:
        print("\nSame answers via services.assess.evaluate (uncached)")
        check_exact(scenarios)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
