"""Screen candidate policy features by leave-one-family-out, one at a time.

    python bench/feature_screen.py [--split dev] [--only NAME ...]

Each candidate (a metric turned into a scale-free feature, with the direction it may push
P(transfer) fixed in advance) is added to the full `rows` tier (`policy.TIERS`); the
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import scripts.fit_policy as fit  # noqa: E402
from bench import decision_quality as dq  # noqa: E402
from bench.scenarios import Scenario, load_scenarios, run_metrics  # noqa: E402

from transfer_advisor.domain import policy  # noqa: E402
from transfer_advisor.domain.results import MetricResult  # noqa: E402

Transform = Callable[[float, MetricResult, policy.TaskInfo], float | None]


def metric_feature(name: str, metric: str, transform: Transform, direction: int) -> policy.Feature:
    """A candidate feature: `transform` of one metric's value, None when the metric is absent."""
    def compute(metrics: Mapping[str, MetricResult],
                task: policy.TaskInfo) -> policy.Observation | None:
        result = metrics.get(metric)
        if result is None:
            return None
        value = float(result.value)  # finite: MetricResult checks it
        out = transform(value, result, task)
        return None if out is None else policy.Observation(out, f"{metric} = {value:.4g}")
    return policy.Feature(name, compute, direction, label=name, evidence=metric)


# Directions on P(transfer) are fixed before looking at outcomes.
CANDIDATES: dict[str, policy.Feature] = {f.name: f for f in (
    metric_feature("log_mmd", "mmd", lambda v, r, t: math.log(max(v, 1e-6)), -1),
    metric_feature("proxy_a_distance", "proxy_a_distance", lambda v, r, t: v, -1),
    metric_feature("gbc", "gbc", lambda v, r, t: v, +1),
    metric_feature("transrate", "transrate", lambda v, r, t: v, +1),
    policy.FEATURES["logme"],
)}


@contextmanager
def registered(feature: policy.Feature) -> Iterator[None]:
    """The candidate among the policy's features for the length of one screen."""
    before = policy.FEATURES.get(feature.name)
    policy.FEATURES[feature.name] = feature
    try:
        yield
    finally:
        if before is None:
            del policy.FEATURES[feature.name]
        else:
            policy.FEATURES[feature.name] = before


def evaluate(name: str, scenarios: Sequence[Scenario], specs: Sequence[policy.TierSpec]) -> str:
    params = policy.parse_params(json.dumps(fit.fit_params(scenarios, specs=specs)).encode())
    runs = [run_metrics(s, "rows") for s in scenarios]
    inside = dq.score([dq.policy_decider(params)(r) for r in runs], scenarios)
    lofo = dq.score(dq.lofo_answers(scenarios, "rows", specs), scenarios)
    return (f"| {name} | {inside.accuracy:.3f} | {inside.neg_recall:.3f} | {inside.spearman:.3f} "
            f"| {inside.three_way:.3f} | {lofo.accuracy:.3f} | {lofo.neg_recall:.3f} "
            f"| {lofo.spearman:.3f} | {lofo.three_way:.3f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--only", nargs="*", default=None, help="candidate names to screen")
    args = parser.parse_args(argv)
    scenarios = load_scenarios(args.split)
    shipped = policy.TIERS
    full = shipped[0]
    print(f"Full tier: {', '.join(full.features)}; {len(scenarios)} scenarios ({args.split})")
    print("| added feature | acc | negrec | spearman | 3-way | LOFO acc | LOFO negrec "
          "| LOFO spearman | LOFO 3-way |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(evaluate("(shipped policy)", scenarios, shipped))
    if "knn_lift" in full.features:  # how the k-NN lift earned its place
        print(evaluate("(shipped, without knn_lift)", scenarios, shipped[1:]))
    for name in args.only or list(CANDIDATES):
        specs = (policy.TierSpec(f"{full.name}+{name}", (*full.features, name)), *shipped)
        with registered(CANDIDATES[name]):
            print(evaluate(f"+ {name}", scenarios, specs), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
