"""How much the linear probe's fold split moves it, with one split and with repeated splits.

    python bench/probe_splits.py [--zoo ../rank-zoo] [--seeds 20] [--repeats 10]

1. dev: on each shared dev scenario (rows as a request carries them, float32), the spread over
   seeds of `linear_probe_accuracy` with one split and with `--repeats` splits (the seed only
   draws the folds: rows and labels are the scenario's). Leave-one-out scenarios are skipped
   (one split, nothing to vary).
2. zoo: on each rank-zoo target, the order our ranking reduces to within a target (the linear
   probe, ties by LogME) against the measured feature-extraction accuracy, over `--seeds`
   probe seeds: mean weighted tau and top-1 regret, one split vs `--repeats` (see
   bench/rank_quality.py for the zoo and the scores). The labeled subset is the zoo's; only
   the folds vary, so this is the part of the ranking's noise that the splits cause.

Measured 2026-12-06 (20 seeds, 10 splits): dev seed spread 2.64 -> 0.85 accuracy points on
average over 35 k-fold scenarios (median ratio 0.33, ~1/sqrt(10)); zoo (13 targets) mean
tau 0.733 -> 0.761, mean top-1 regret 1.22 -> 1.13 points (seeds at <= 1 point: 25 % -> 50 %).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
for _p in (REPO_ROOT, REPO_ROOT / "service"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from bench.rank_quality import order_scores, top1_regret, weighted_tau  # noqa: E402

from transfer_advisor.domain.results import MetricNotApplicable  # noqa: E402
from transfer_advisor.domain.transfer.logme import logme_score  # noqa: E402
from transfer_advisor.domain.transfer.probe import linear_probe_accuracy  # noqa: E402


def as_sent(x: np.ndarray) -> np.ndarray:
    """Rows as a request carries them (float32), back in float64."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def probe_values(x: np.ndarray, y: np.ndarray, repeats: int, seeds: int) -> list[float]:
    return [linear_probe_accuracy(x, y, permutations=0, repeats=repeats,
                                  rng=np.random.default_rng(seed)).value for seed in range(seeds)]


def dev_spread(seeds: int, repeats: int) -> None:
    from bench.scenarios import load_scenarios

    one, many = [], []
    for s in load_scenarios("dev"):
        _, x_target, y = s.arrays()
        x = as_sent(x_target[: len(y)])
        try:
            first = linear_probe_accuracy(x, y, permutations=0, rng=np.random.default_rng(0))
        except MetricNotApplicable:
            continue
        if first.details["scheme"] == "leave-one-out":
            continue
        a = 100 * float(np.std(probe_values(x, y, 1, seeds)))
        b = 100 * float(np.std(probe_values(x, y, repeats, seeds)))
        one.append(a)
        many.append(b)
        print(f"  {s.id:30s} n={len(y):5d}  spread one split {a:5.2f}  {repeats} splits {b:5.2f} points")
    ratio = np.median(np.array(many) / np.maximum(one, 1e-12))
    print(f"dev: mean spread over {seeds} seeds, {len(one)} k-fold scenarios: one split "
          f"{np.mean(one):.2f}, {repeats} splits {np.mean(many):.2f} points (median ratio {ratio:.2f})")


def zoo_orders(zoo: Path, seeds: int, repeats: int) -> None:
    from bench.rank_zoo.zoo import load_zoo

    per_split: dict[int, tuple[list[np.ndarray], list[np.ndarray]]] = {1: ([], []), repeats: ([], [])}
    for t in load_zoo(zoo):
        y = t.labels()
        acc = [c.acc_feature_extraction for c in t.candidates]
        xs = [as_sent(c.arrays()[2][: len(y)]) for c in t.candidates]
        logme = [logme_score(x, y).value for x in xs]
        for r, (taus, regrets) in per_split.items():
            probes = np.array([probe_values(x, y, r, seeds) for x in xs])  # (candidates, seeds)
            scores = [order_scores(list(zip(probes[:, s], logme, strict=True)))
                      for s in range(seeds)]
            taus.append(np.array([weighted_tau(acc, sc) for sc in scores]))
            regrets.append(np.array([top1_regret(acc, sc) for sc in scores]))
            print(f"  {t.id:24s} {r:2d} split(s): tau {np.nanmean(taus[-1]):.3f}  regret "
                  f"{np.mean(regrets[-1]):5.2f} (sd over seeds {np.std(regrets[-1]):.2f})")
    for r, (taus, regrets) in per_split.items():
        tau_seed = np.nanmean(np.array(taus), axis=0)
        regret_seed = np.array(regrets).mean(axis=0)
        print(f"zoo, {r:2d} split(s): mean over targets, then over {seeds} seeds: tau "
              f"{tau_seed.mean():.3f} (sd {tau_seed.std():.3f}), top-1 regret {regret_seed.mean():.2f} "
              f"points (sd {regret_seed.std():.2f}; seeds at <= 1 point: {np.mean(regret_seed <= 1.0):.0%})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", type=Path, default=REPO_ROOT.parent / "rank-zoo")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--skip-dev", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_dev:
        dev_spread(args.seeds, args.repeats)
    if (args.zoo / ".").is_dir():
        zoo_orders(args.zoo, args.seeds, args.repeats)
    else:
        print(f"no zoo at {args.zoo} (python -m bench.rank_zoo build --out DIR)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
