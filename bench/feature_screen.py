"""Screen candidate policy features held out by family and by modality, one at a time.

    python bench/feature_screen.py [--tier rows] [--mode embeddings] [--only NAME ...]
        [--split dev] [--root DIR ...] [--no-factory]

Each candidate (a metric turned into a scale-free feature, with the direction it may push
P(transfer) fixed in advance) is added to one tier of `policy.TIERS` (default `rows`, the tier a
request with embeddings and labels but no scratch proxy uses); the policy is refitted and scored
in-sample, with every family held out in turn and with every modality held out in turn, exactly
as `bench/decision_quality.py` scores the shipped one, on the requests of one mode (default
`embeddings`: what the scenario format's scoring sends). Out-of-sample numbers decide: a feature
earns its place only if it does not lower them. The shipped tiers are the baseline row.
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
from bench.scenarios import (  # noqa: E402
    MODES,
    Mode,
    Scenario,
    add_root_arguments,
    run_metrics,
    scenarios_from_args,
)

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
def _detail(key: str) -> Transform:
    def get(v: float, r: MetricResult, t: policy.TaskInfo) -> float | None:
        x = r.details.get(key)
        return float(x) if isinstance(x, int | float) and math.isfinite(x) else None
    return get


def _log_detail(key: str) -> Transform:
    def get(v: float, r: MetricResult, t: policy.TaskInfo) -> float | None:
        x = _detail(key)(v, r, t)
        return None if x is None or x <= 0 else math.log(x)
    return get


def _nce_share(v: float, r: MetricResult, t: policy.TaskInfo) -> float | None:
    mi, h = r.details.get("mutual_information"), r.details.get("label_entropy")
    ok = isinstance(mi, int | float) and isinstance(h, int | float) and h > 0
    return float(mi) / float(h) if ok else None


CANDIDATES: dict[str, policy.Feature] = {f.name: f for f in (
    metric_feature("log_mmd", "mmd", lambda v, r, t: math.log(max(v, 1e-6)), -1),
    metric_feature("proxy_a_distance", "proxy_a_distance", lambda v, r, t: v, -1),
    metric_feature("gbc", "gbc", lambda v, r, t: v, +1),
    metric_feature("transrate", "transrate", lambda v, r, t: v, +1),
    # share of the target label entropy the source's pseudo head explains (needs source labels)
    metric_feature("nce_share", "nce", _nce_share, +1),
    metric_feature("hscore_normalized", "hscore_shrinkage", _detail("normalized"), +1),
    metric_feature("log_coral_ratio", "coral_distance", _log_detail("ratio_to_baseline"), -1),
    metric_feature("log_cosine_ratio", "mean_cosine_distance", _log_detail("ratio_to_baseline"), -1),
    metric_feature("log_bhattacharyya_ratio", "bhattacharyya_distance",
                   _log_detail("ratio_to_baseline"), -1),
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


def evaluate(name: str, scenarios: Sequence[Scenario], specs: Sequence[policy.TierSpec],
             mode: Mode) -> str:
    params = policy.parse_params(json.dumps(fit.fit_params(scenarios, specs=specs)).encode())
    runs = [run_metrics(s, mode) for s in scenarios]
    inside = dq.score([dq.policy_decider(params)(r) for r in runs], scenarios)
    cells = [inside]
    for group in (lambda s: s.family, dq.modality_of):
        held = dq.held_out_answers(scenarios, group, specs, modes=(mode,))[mode]
        cells.append(dq.score(held, scenarios))
    return f"| {name} | " + " | ".join(
        f"{c.accuracy:.3f} | {c.neg_recall:.3f} | {c.spearman:.3f} | {c.three_way:.3f}"
        for c in cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_root_arguments(parser)
    parser.add_argument("--tier", default="rows", choices=[t.name for t in policy.TIERS])
    parser.add_argument("--mode", default="embeddings", choices=MODES)
    parser.add_argument("--only", nargs="*", default=None, help="candidate names to screen")
    args = parser.parse_args(argv)
    scenarios = scenarios_from_args(args, (args.mode,))
    shipped = policy.TIERS
    tier = next(t for t in shipped if t.name == args.tier)
    print(f"Tier {tier.name}: {', '.join(tier.features)}; {len(scenarios)} scenarios, "
          f"{len({s.family for s in scenarios})} families, mode {args.mode}")
    print("| added feature | acc | negrec | spearman | 3-way | LOFO acc | LOFO negrec "
          "| LOFO spearman | LOFO 3-way | LOMO acc | LOMO negrec | LOMO spearman | LOMO 3-way |")
    print("|---" * 13 + "|")
    print(evaluate("(shipped policy)", scenarios, shipped, args.mode), flush=True)
    for name in args.only or list(CANDIDATES):
        specs = tuple(policy.TierSpec(f"{t.name}+{name}", (*t.features, name)) if t is tier else t
                      for t in shipped)
        with registered(CANDIDATES[name]):
            print(evaluate(f"+ {name}", scenarios, specs, args.mode), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
