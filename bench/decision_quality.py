"""Decision quality of the policy on transfer scenarios with measured outcomes.

    python bench/decision_quality.py [--split dev] [--root DIR ...] [--no-factory] [--no-lofo]
        [--no-lomo] [--modality target|pair] [--exact]

Every scenario goes through the POST /assess code path: the request body is built (embeddings +
target labels, or summaries), parsed and decoded by `services.inputs`, the default metric set runs
(`domain.metrics.compute_metrics`, cached in `.cache/`), and `domain.policy.decide` answers.
`--exact` also runs `services.assess.evaluate` uncached on every request and checks the answer
is identical. Prints, for the full (rows), embeddings-only (what the scenario format's scoring
sends: no scratch proxy) and summary-only modes and for the baselines: decision accuracy,
negative-transfer recall, Spearman(transfer_score, transfer_gain), three-way accuracy where
fine-tuning was measured, expected-gain MAE, a reliability table, and leave-one-family-out /
leave-one-modality-out results (the policy refitted without the held-out family or modality by
`scripts/fit_policy.py`'s `fit_params`, penalty fixed at 1 to keep the many refits cheap, and
calibrated on 5 groups of families), with per-family and per-modality rows.
Modality = the target modality, with the source's when they differ (`--modality pair`: always source→target).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.scenarios import (  # noqa: E402
    MODES,
    Mode,
    Scenario,
    ScenarioRun,
    add_root_arguments,
    build_request,
    run_metrics,
    scenarios_from_args,
)
from scripts.fit_policy import fit_params  # noqa: E402

from transfer_advisor.domain import calibration, policy  # noqa: E402


@dataclass(frozen=True)
class Answer:
    strategy: str
    score: float
    risk: str
    gain: float | None = None


Decider = Callable[[ScenarioRun], Answer]


def policy_decider(params: policy.PolicyParams | None = None) -> Decider:
    def run(r: ScenarioRun) -> Answer:
        rec = policy.decide(r.metrics, r.scenario.task, r.evidence, params)
        gain = None if rec.expected_gain is None else rec.expected_gain.value
        return Answer(rec.strategy, rec.transfer_score, rec.negative_transfer_risk, gain)
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


def _scratch_gap(r: ScenarioRun) -> float | None:
    """Frozen-feature probe accuracy minus the better scratch proxy's, where the scratch probe ran."""
    scratch = r.metrics.get("scratch_probe_accuracy")
    probe = r.metrics.get("linear_probe_accuracy")
    if scratch is None or probe is None:
        return None
    local = r.metrics.get("scratch_knn_accuracy")
    best = max(float(scratch.value), -1.0 if local is None else float(local.value))
    return float(probe.value) - best


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
    gain_mae: float
    n: int


def measured(s: Scenario) -> calibration.Measured:
    """A scenario's truth as the shared scoring reads it."""
    return calibration.Measured(s.gain, s.helps, s.negative, str(s.truth["best_strategy"]),
                                s.truth.get("acc_fine_tune") is not None)


def decisions(answers: Sequence[Answer]) -> list[calibration.Decision]:
    return [calibration.Decision(a.strategy, a.score, a.risk, a.gain) for a in answers]


def _nan(v: float | None) -> float:
    return math.nan if v is None else v


def score(answers: Sequence[Answer], scenarios: Sequence[Scenario]) -> Scores:
    """The figures of `domain.calibration.score` (GET /calibration's), NaN where undefined."""
    got = calibration.score(decisions(answers), [measured(s) for s in scenarios])
    return Scores(_nan(got.decision_accuracy), _nan(got.negative_transfer_recall),
                  _nan(got.spearman_score_vs_gain), _nan(got.three_way_accuracy),
                  _nan(got.expected_gain_mae), got.n)


def reliability(answers: Sequence[Answer], scenarios: Sequence[Scenario], bins: int = 5) -> str:
    lines = ["  transfer_score bin | n  | mean score | share transfer beat scratch (gain > 0)"]
    for b in calibration.reliability(decisions(answers), [measured(s) for s in scenarios], bins):
        if not b.n:
            lines.append(f"  [{b.low:.1f}, {b.high:.1f})         | {0:2d} |     -      |   -")
            continue
        lines.append(f"  [{b.low:.1f}, {b.high:.1f})         | {b.n:2d} |   {b.mean_score:.2f}     |"
                     f"   {b.observed_rate:.2f}")
    return "\n".join(lines)


def fmt(name: str, s: Scores) -> str:
    return (f"  {name:42s} {s.accuracy:6.3f} {s.neg_recall:8.3f} {s.spearman:9.3f} "
            f"{s.three_way:7.3f} {s.gain_mae:8.3f} {s.n:4d}")


HEADER = (f"  {'decider':42s} {'acc':>6s} {'negrec':>8s} {'spearman':>9s} {'3-way':>7s} "
          f"{'gainMAE':>8s} {'n':>4s}")


# Held-out refits calibrate on 5 groups of families (not one family at a time): ~8× cheaper.
INNER_FOLDS = 5


def modality_of(s: Scenario, key: str = "target") -> str:
    t = s.task
    return f"{t.source_modality}→{t.target_modality}" if key == "pair" else s.modality


def held_out_answers(scenarios: Sequence[Scenario], group: Callable[[Scenario], str],
                     specs: Sequence[policy.TierSpec] = policy.TIERS,
                     mismatch: str | None = None,
                     modes: Sequence[Mode] = MODES) -> dict[Mode, list[Answer]]:
    """Refit (the tiers `specs`) without each group, decide that group, in both modes."""
    out: dict[Mode, dict[str, Answer]] = {m: {} for m in MODES}
    for held in sorted({group(s) for s in scenarios}):
        train = [s for s in scenarios if group(s) != held]
        params = policy.parse_params(json.dumps(
            fit_params(train, specs=specs, mismatch=mismatch, penalties=(1.0,), folds=INNER_FOLDS)).encode())
        decide = policy_decider(params)
        for s in scenarios:
            if group(s) == held:
                for m in MODES:
                    out[m][s.id] = decide(run_metrics(s, m if m in modes else "rows"))
    return {m: [out[m][s.id] for s in scenarios] for m in MODES}


def lofo_answers(scenarios: Sequence[Scenario], mode: Mode,
                 specs: Sequence[policy.TierSpec] = policy.TIERS) -> list[Answer]:
    """Refit (the tiers `specs`) on all other families, decide the held-out family."""
    return held_out_answers(scenarios, lambda s: s.family, specs)[mode]


def per_group(title: str, group: Callable[[Scenario], str], scenarios: Sequence[Scenario],
              deciders: Sequence[tuple[str, Sequence[Answer]]]) -> None:
    """One row per group and decider (n ≥ 1 scenario; negrec nan without a negative)."""
    print(f"\n{title}")
    print(HEADER)
    for g in sorted({group(s) for s in scenarios}):
        idx = [i for i, s in enumerate(scenarios) if group(s) == g]
        for name, answers in deciders:
            print(fmt(f"{g[:28]} {name}"[:42], score([answers[i] for i in idx],
                                                    [scenarios[i] for i in idx])))


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
    add_root_arguments(parser)
    parser.add_argument("--no-lofo", action="store_true")
    parser.add_argument("--no-lomo", action="store_true")
    parser.add_argument("--modality", choices=("target", "pair"), default="target",
                        help="what leave-one-modality-out holds out")
    parser.add_argument("--mismatch-shift", choices=("measured", "largest"), default=None,
                        help="force the modality-mismatch shift choice in the refits")
    parser.add_argument("--groups", action="store_true", help="per-family / per-modality rows")
    parser.add_argument("--exact", action="store_true",
                        help="also run services.assess.evaluate uncached and compare")
    parser.add_argument("--per-scenario", action="store_true")
    parser.add_argument("--rows-only", action="store_true",
                        help="skip the summary-only mode (its rows are the rows mode's)")
    parser.add_argument("--params", type=Path, default=None,
                        help="a policy_params.json to evaluate instead of the shipped one")
    args = parser.parse_args(argv)
    params = policy.parse_params(args.params.read_bytes()) if args.params else None

    modes: tuple[Mode, ...] = ("rows", "embeddings") if args.rows_only else MODES
    scenarios = scenarios_from_args(args, modes)
    version = params.version if params else policy.POLICY_VERSION
    print(f"policy_version {version}; {len(scenarios)} scenarios, "
          f"{len({s.family for s in scenarios})} families, "
          f"{sum(s.negative for s in scenarios)} negative, "
          f"{sum(s.truth.get('acc_fine_tune') is not None for s in scenarios)} with fine-tune")
    runs = {m: [run_metrics(s, m if m in modes else "rows") for s in scenarios] for m in MODES}
    rows = runs["rows"]
    baselines: list[tuple[str, list[Answer]]] = [
        ("baseline: always transfer", [always_transfer(r) for r in rows])]
    for name, key, higher in (("frechet ratio ≤", _frechet_ratio, False),
                              ("probe lift/logme ≥", _probe_or_logme, True),
                              ("scratch gap ≥", _scratch_gap, True)):
        if all(key(r) is None for r in rows):
            continue
        base, t = threshold_baseline(key, rows, higher_is_transfer=higher)
        baselines.append((f"baseline: {name} {t if t is None else round(t, 3)} (in-sample)",
                          [base(r) for r in rows]))
    answers = {m: [policy_decider(params)(r) for r in runs[m]] for m in MODES}

    print("\nDecision quality (within-margin scenarios count either way)")
    print(HEADER)
    print(fmt("policy in-sample, rows", score(answers["rows"], scenarios)))
    print(fmt("policy in-sample, embeddings only", score(answers["embeddings"], scenarios)))
    print(fmt("policy in-sample, summary-only", score(answers["summary"], scenarios)))
    for name, base_answers in baselines:
        print(fmt(name, score(base_answers, scenarios)))
    lofo = lomo = None
    if not args.no_lofo:
        lofo = held_out_answers(scenarios, lambda s: s.family, mismatch=args.mismatch_shift,
                                modes=modes)
        for m in MODES:
            print(fmt(f"policy LOFO refit, {m}", score(lofo[m], scenarios)))
    if not args.no_lomo:
        lomo = held_out_answers(scenarios, lambda s: modality_of(s, args.modality),
                                mismatch=args.mismatch_shift, modes=modes)
        for m in MODES:
            print(fmt(f"policy LOMO refit, {m}", score(lomo[m], scenarios)))

    for m in MODES:
        print(f"\nReliability of transfer_score ({m}, in-sample)")
        print(reliability(answers[m], scenarios))
        conf = [policy.decide(r.metrics, r.scenario.task, r.evidence, params).confidence
                for r in runs[m]]
        print(f"  mean confidence: {np.mean(conf):.3f}")
    if lofo is not None:
        print("\nReliability of transfer_score (rows, leave-one-family-out)")
        print(reliability(lofo["rows"], scenarios))

    if args.groups:
        group_deciders = [("in", answers["rows"]), *([("LOFO", lofo["rows"])] if lofo else []),
                          *([("LOFO emb", lofo["embeddings"])] if lofo else []),
                          ("frechet", baselines[1][1] if len(baselines) > 1 else [])]
        group_deciders = [(n, a) for n, a in group_deciders if a]
        per_group("Per family (rows)", lambda s: s.family, scenarios, group_deciders)
        modality_deciders = [("in", answers["rows"]),
                             *([("LOMO", lomo["rows"])] if lomo else []),
                             *([("LOMO emb", lomo["embeddings"])] if lomo else []),
                             *([("LOFO", lofo["rows"])] if lofo else [])]
        per_group("Per modality (rows)", lambda s: modality_of(s, args.modality), scenarios,
                  modality_deciders)

    if args.per_scenario:
        print("\nPer scenario (rows | embeddings only | summary)")
        for s, *per_mode in zip(scenarios, *(answers[m] for m in MODES), strict=True):
            truth = "helps" if s.helps else "NEG" if s.negative else "margin"
            cells = []
            for a in per_mode:
                ok = s.within_margin or ((a.strategy != "train_from_scratch") == s.helps)
                cells.append(f"{a.strategy:18s} {a.score:.2f} {a.risk:6s} {'' if ok else 'WRONG'}")
            print(f"  {s.id:40s} gain {s.gain:+.3f} {truth:6s} | " + " | ".join(cells))
    if args.exact:
        print("\nSame answers via services.assess.evaluate (uncached)")
        check_exact(scenarios)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
