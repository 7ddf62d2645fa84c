"""Screen candidate policy features by leave-one-family-out, one at a time.

    python bench/feature_screen.py [--split dev] [--only NAME ...]

Each candidate (a metric turned into a scale-free feature, with the direction it may push
P(transfer) fixed in advance) is added to the full `rows` tier of `scripts/fit_policy.py`; the
policy is refitted and scored in-sample and with every family held out in turn, exactly as
`bench/decision_quality.py` scores the shipped one. Out-of-family numbers decide: a feature
earns its place only if it does not lower any of them. The shipped policy is the baseline
row, with the policy without its k-NN lift (the last feature admitted this way) next to it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import scripts.fit_policy as fit  # noqa: E402
from bench import decision_quality as dq  # noqa: E402
from bench.scenarios import Scenario, load_scenarios, run_metrics  # noqa: E402

from transfer_advisor.domain import policy  # noqa: E402
from transfer_advisor.domain.results import MetricResult  # noqa: E402

Transform = Callable[[float, MetricResult, policy.TaskInfo], float | None]


def metric_feature(metric: str, transform: Transform) -> policy.FeatureFn:
    def feature(metrics: Mapping[str, MetricResult],
                task: policy.TaskInfo) -> policy.Observation | None:
        result = metrics.get(metric)
        value = None if result is None else policy._finite(result.value)
        if result is None or value is None:
            return None
        out = transform(value, result, task)
        return None if out is None else policy.Observation(out, f"{metric} = {value:.4g}")
    return feature


# name -> (feature, direction on P(transfer)); directions are fixed before looking at outcomes
CANDIDATES: dict[str, tuple[policy.FeatureFn, int]] = {
    "log_mmd": (metric_feature("mmd", lambda v, r, t: math.log(max(v, 1e-6))), -1),
    "proxy_a_distance": (metric_feature("proxy_a_distance", lambda v, r, t: v), -1),
    "gbc": (metric_feature("gbc", lambda v, r, t: v), +1),
    "transrate": (metric_feature("transrate", lambda v, r, t: v), +1),
    "logme": (policy.FEATURES["logme"], +1),
}


def evaluate(name: str, scenarios: Sequence[Scenario],
             tiers: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    fit.TIERS = tiers
    params = policy.parse_params(json.dumps(fit.fit_params(scenarios)).encode())
    runs = [run_metrics(s, "rows") for s in scenarios]
    inside = dq.score([dq.policy_decider(params)(r) for r in runs], scenarios)
    lofo = dq.score(dq.lofo_answers(scenarios, "rows"), scenarios)
    return (f"| {name} | {inside.accuracy:.3f} | {inside.neg_recall:.3f} | {inside.spearman:.3f} "
            f"| {inside.three_way:.3f} | {lofo.accuracy:.3f} | {lofo.neg_recall:.3f} "
            f"| {lofo.spearman:.3f} | {lofo.three_way:.3f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--only", nargs="*", default=None, help="candidate names to screen")
    args = parser.parse_args(argv)
    scenarios = load_scenarios(args.split)
    shipped = fit.TIERS
    full_name, full_features = shipped[0]
    print(f"Full tier: {', '.join(full_features)}; {len(scenarios)} scenarios ({args.split})")
    print("| added feature | acc | negrec | spearman | 3-way | LOFO acc | LOFO negrec "
          "| LOFO spearman | LOFO 3-way |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(evaluate("(shipped policy)", scenarios, shipped))
    if "knn_lift" in full_features:  # how the k-NN lift earned its place
        print(evaluate("(shipped, without knn_lift)", scenarios, shipped[1:]))
    for name in args.only or list(CANDIDATES):
        feature, direction = CANDIDATES[name]
        policy.FEATURES[name], policy.FEATURE_DIRECTION[name] = feature, direction
        policy.FEATURE_LABEL[name] = name
        try:
            tiers = ((f"{full_name}+{name}", (*full_features, name)), *shipped)
            print(evaluate(f"+ {name}", scenarios, tiers), flush=True)
        finally:
            for table in (policy.FEATURES, policy.FEATURE_DIRECTION, policy.FEATURE_LABEL):
                table.pop(name, None)
            fit.TIERS = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
