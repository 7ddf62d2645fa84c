"""Fit the decision policy on the transfer scenarios and write `policy_params.json`.

    python scripts/fit_policy.py [--split dev] [--root DIR ...] [--no-factory] [--out ...json]
        [--table ...json] [--table-only]

It also writes the calibration table (`calibration_scenarios.json` beside the parameters): each
scenario's policy features, family, modalities and measured truth, shipped with the package so
POST /policies/fit refits inside the installed service from the same cases (plus a tenant's
outcomes) without the scenario files. `--table-only` rewrites the table and leaves the shipped
parameters as they are. The fitting itself lives in
`transfer_advisor.domain.policy.fit`, shared by both.

By default the scenarios are the shared dev split plus the scenario factory's (`../scenario-factory`
when present; `bench/factory` builds it).

For every scenario the default metric set runs exactly as `POST /assess` runs it (cached in
`.cache/`), `policy.policy_features` turns the metrics into features, and for each tier (a
feature subset, from most to least evidence) three small logistic heads are fitted:

- transfer: P(transfer beats scratch). Soft labels Φ(gain / se), se from the 5-seed stds, so a
  within-margin scenario counts as uncertain rather than as a hard 0 or 1;
- negative: P(negative transfer) with soft labels Φ((−margin − gain) / se);
- strategy (separate tiers): P(fine-tuning beats frozen features by the margin), on scenarios
  where it was measured;
- shift (separate tiers, no labels needed): P(negative transfer) from measured shift alone;
- gain: ridge regression of the measured gain on the tier's features; the 80 % interval is the
  10th–90th percentile of its leave-one-family-out residuals.

On a modality mismatch the transfer head either takes the shift as the largest calibrated one or
as measured: `mismatch_shift` records which did better leave-one-family-out on the mismatched
scenarios.

The tiers are declared in `policy.TIERS` / `policy.STRATEGY_TIERS`. Coefficients are
L2-penalised and sign-constrained by each feature's `direction` in `policy.FEATURES` (the strategy
head by `policy.STRATEGY_DIRECTION`); the penalty is
picked from a small grid by leave-one-family-out log-loss, and the transfer/negative heads are
then Platt-recalibrated on their leave-one-family-out logits (honest out-of-family calibration).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "service"))

from bench.scenarios import (  # noqa: E402
    Mode,
    Scenario,
    add_root_arguments,
    metric_code_hash,
    run_metrics,
    scenarios_from_args,
)

from transfer_advisor.domain import policy  # noqa: E402
from transfer_advisor.domain.policy.cases import TABLE_PATH, TRUTH_FIELDS, Case, dump_table  # noqa: E402
from transfer_advisor.domain.policy.fit import fit_policy  # noqa: E402
from transfer_advisor.domain.policy.fit_heads import PENALTIES  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "service" / "transfer_advisor" / "domain" / "policy_params.json"
FIT_MODES: tuple[Mode, ...] = ("rows", "summary")


def scenario_case(s: Scenario, mode: Mode = "rows") -> Case:
    """One scenario as a fit case: features from the metrics a request of `mode` measures
    (rows: what a full request measures), truth as its truth.json states it."""
    run = run_metrics(s, mode)
    feats = {k: o.value for k, o in policy.policy_features(run.metrics, s.task).items()}
    return Case(s.id if mode == "rows" else f"{s.id}#{mode}", s.family, s.task.source_modality,
                s.task.target_modality, feats, {k: s.truth.get(k) for k in TRUTH_FIELDS})


def scenario_cases(scenarios: Sequence[Scenario]) -> list[Case]:
    """Each scenario as a full request measures it and as a summary-only one does: the tiers a
    summary-only request falls back to then learn from the features it really yields (its shift
    baseline is parametric, its LogME from class moments), not only from rows-mode values.
    Both cases share the scenario's family, so a held-out family leaves with both."""
    return [scenario_case(s, mode) for s in scenarios for mode in FIT_MODES]


def fit_params(scenarios: Sequence[Scenario], split: str = "dev",
               specs: Sequence[policy.TierSpec] = policy.TIERS,
               mismatch: str | None = None,
               penalties: Sequence[float] = PENALTIES,
               folds: int | None = None) -> dict[str, Any]:
    """The parameter file fitted on `scenarios` (see `domain.policy.fit.fit_policy`)."""
    return fit_policy(scenario_cases(scenarios),
                      {"split": split, "metric_code": metric_code_hash(),
                       "script": "scripts/fit_policy.py"},
                      specs=specs, mismatch=mismatch, penalties=penalties, folds=folds)


def write_params(params: dict[str, Any], out: Path) -> str:
    text = json.dumps(params, indent=2, sort_keys=False) + "\n"
    out.write_text(text)
    return policy.parse_params(text.encode()).version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add_root_arguments(parser)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--table", type=Path, default=TABLE_PATH,
                        help="where to write the calibration table shipped with the package")
    parser.add_argument("--table-only", action="store_true",
                        help="write the calibration table only, not the parameters")
    parser.add_argument("--mismatch-shift", choices=("measured", "largest"), default=None,
                        help="force the modality-mismatch shift choice (default: fitted)")
    args = parser.parse_args(argv)
    scenarios = scenarios_from_args(args)
    split = args.split + ("+factory" if not args.root and not args.no_factory else "")
    if args.root:
        split = "+".join(p.name for p in args.root)
    cases = scenario_cases(scenarios)
    provenance = {"split": split, "metric_code": metric_code_hash(),
                  "script": "scripts/fit_policy.py"}
    if args.table_only:
        args.table.write_text(dump_table(cases, {**provenance,
                                                 "policy_version": policy.POLICY_VERSION}))
        print(f"wrote {args.table} ({len(cases)} cases); parameters unchanged")
        return 0
    params = fit_policy(cases, provenance, mismatch=args.mismatch_shift)
    version = write_params(params, args.out)
    args.table.write_text(dump_table(cases, {**provenance, "policy_version": version}))
    for t in params["tiers"]:
        print(f"tier {t['name']:12s} n={t['n_scenarios']:3d} LOFO acc={t['lofo_accuracy']:.3f} "
              f"transfer coef={t['transfer']['coef']} negative coef={t['negative']['coef']}")
    for t in params["tiers"]:
        g = t["gain"] or {}
        print(f"gain {t['name']:16s} LOFO MAE={g.get('lofo_mae')} interval="
              f"[{g.get('residual_low')}, {g.get('residual_high')}]")
    for t in params["shift_tiers"]:
        print(f"shift {t['name']:15s} n={t['n_scenarios']:3d} coef={t['negative']['coef']}")
    for t in params["strategy_tiers"]:
        print(f"strategy {t['name']:22s} n={t['n_scenarios']:3d} coef={t['transfer']['coef']}")
    print(f"mismatch_shift {params['mismatch_shift']} "
          f"(evidence {params['fitted_on']['mismatch_shift_evidence']})")
    print(f"wrote {args.out} (policy_version {version}) and {args.table} ({len(cases)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
