"""Fit the decision policy on the transfer scenarios and write `policy_params.json`.

    python scripts/fit_policy.py [--split dev] [--root DIR ...] [--no-factory] [--out ...json]

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "service"))

from bench.scenarios import (  # noqa: E402
    Scenario,
    add_root_arguments,
    metric_code_hash,
    run_metrics,
    scenarios_from_args,
)

from transfer_advisor.domain import policy  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "service" / "transfer_advisor" / "domain" / "policy_params.json"
SCHEMA = "logit-v2"
PENALTIES = (0.3, 1.0, 3.0, 10.0)
RIDGE = (0.1, 1.0, 10.0, 100.0)
GAIN_QUANTILES = (0.1, 0.9)


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    features: dict[str, float]


def scenario_rows(scenarios: Sequence[Scenario]) -> list[Row]:
    """Features per scenario, from the rows-mode metrics (what a full request measures)."""
    out = []
    for s in scenarios:
        run = run_metrics(s, "rows")
        feats = {k: o.value for k, o in policy.policy_features(run.metrics, s.task).items()}
        out.append(Row(s, feats))
    return out


def _se(truth: Mapping[str, Any], a: str, b: str) -> float:
    std = truth["std"]
    seeds = max(int(truth.get("seeds", 1)), 1)
    return float(max(np.hypot(std[a] or 0.0, std[b] or 0.0) / np.sqrt(seeds), 1e-3))


def transfer_label(s: Scenario) -> float:
    best = "fine_tune" if s.truth["best_strategy"] == "fine_tune" else "feature_extraction"
    return float(norm.cdf(s.gain / _se(s.truth, best, "scratch")))


def negative_label(s: Scenario) -> float:
    best = "fine_tune" if s.truth["best_strategy"] == "fine_tune" else "feature_extraction"
    margin = float(s.truth.get("margin", 0.02))
    return float(norm.cdf((-margin - s.gain) / _se(s.truth, best, "scratch")))


def fine_tune_label(s: Scenario) -> float | None:
    t = s.truth
    if t.get("acc_fine_tune") is None:
        return None
    # fine-tune is recommended where it beats the frozen features by the margin
    diff = float(t["acc_fine_tune"]) - float(t["acc_feature_extraction"])
    margin = float(t.get("margin", 0.02))
    return float(norm.cdf((diff - margin) / _se(t, "fine_tune", "feature_extraction")))


def fit_logistic(
    z: np.ndarray, y: np.ndarray, penalty: float, signs: Sequence[int]
) -> tuple[float, np.ndarray]:
    """Soft-label logistic regression on standardised z; coefficient i has sign signs[i] (or 0)."""

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        eta = w[0] + z @ w[1:]
        p = 0.5 * (1.0 + np.tanh(0.5 * eta))
        value = float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * penalty * w[1:] @ w[1:])
        grad = np.concatenate([[np.sum(p - y)], z.T @ (p - y) + penalty * w[1:]])
        return value, grad

    bounds = [(None, None)] + [(0.0, None) if s > 0 else (None, 0.0) for s in signs]
    res = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return float(res.x[0]), res.x[1:]


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale <= 1e-12] = 1.0
    return center, scale


def _fit_head(x: np.ndarray, y: np.ndarray, penalty: float, signs: Sequence[int]) -> dict[str, Any]:
    center, scale = _standardise(x)
    b, w = fit_logistic((x - center) / scale, y, penalty, signs)
    return {"center": center, "scale": scale, "intercept": b, "coef": w}


def _head_logit(head: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    return np.asarray(head["intercept"] + ((x - head["center"]) / head["scale"]) @ head["coef"])


def _lofo_logits(x: np.ndarray, y: np.ndarray, fam: np.ndarray, penalty: float,
                 signs: Sequence[int]) -> np.ndarray:
    out = np.zeros(len(y))
    for f in np.unique(fam):
        held = fam == f
        if held.all():
            out[held] = 0.0
            continue
        out[held] = _head_logit(_fit_head(x[~held], y[~held], penalty, signs), x[held])
    return out


def _logloss(eta: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, eta) - y * eta))


def _platt(eta: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """σ(a·η + b) fitted to soft labels; a ≥ 0 keeps the ranking (and monotonicity)."""
    b, w = fit_logistic(eta[:, None], y, 1e-6, [+1])
    return float(w[0]), b


def family_folds(families: np.ndarray, folds: int | None) -> np.ndarray:
    """Families as the held-out groups, or (`folds`) families dealt into that many groups by
    name: the bench's many refits calibrate on fewer, larger held-out groups to stay cheap."""
    if folds is None:
        return families
    names = sorted(set(families.tolist()))
    return np.array([str(names.index(f) % folds) for f in families])


def fit_tier(rows: Sequence[Row], features: Sequence[str], label: str,
             directions: Mapping[str, int],
             penalties: Sequence[float] = PENALTIES,
             folds: int | None = None) -> dict[str, Any] | None:
    """Fit one head on the rows that have all `features` and a label; LOFO-select the penalty."""
    picked, labels = [], []
    for r in rows:
        if not all(f in r.features for f in features):
            continue
        y = {"transfer": transfer_label, "negative": negative_label,
             "fine_tune": fine_tune_label}[label](r.scenario)
        if y is None:
            continue
        picked.append(r)
        labels.append(y)
    if len(picked) < 4:
        return None
    x = np.array([[r.features[f] for f in features] for r in picked])
    y = np.array(labels)
    fam = family_folds(np.array([r.scenario.family for r in picked]), folds)
    signs = [directions[f] for f in features]
    scores = {pen: _logloss(_lofo_logits(x, y, fam, pen, signs), y) for pen in penalties}
    penalty = min(scores, key=lambda k: (scores[k], -k))
    head = _fit_head(x, y, penalty, signs)
    lofo = _lofo_logits(x, y, fam, penalty, signs)
    a, b = _platt(lofo, y) if label != "fine_tune" else (1.0, 0.0)
    return {
        "features": list(features), "center": head["center"], "scale": head["scale"],
        "low": x.min(axis=0), "high": x.max(axis=0), "intercept": head["intercept"],
        "coef": head["coef"], "calibration": [a, b], "penalty": penalty,
        "lofo_logloss": scores[penalty], "n": len(picked),
        "lofo_calibrated": 1.0 / (1.0 + np.exp(-(a * lofo + b))),
        "scenarios": [r.scenario for r in picked],
    }


def _decision_accuracy(p: np.ndarray, scenarios: Sequence[Scenario]) -> float:
    ok = [s.within_margin or ((pi >= 0.5) == s.helps) for pi, s in zip(p, scenarios, strict=True)]
    return float(np.mean(ok)) if ok else 0.0


def _r(v: float) -> float:
    return float(round(float(v), 6))


def fit_gain(rows: Sequence[Row], features: Sequence[str], center: np.ndarray,
             scale: np.ndarray) -> dict[str, Any] | None:
    """Ridge regression of the measured gain on the standardised features (the transfer head's
    centre/scale); ridge by leave-one-family-out MAE, interval from those residuals' quantiles."""
    picked = [r for r in rows if all(f in r.features for f in features)]
    if len(picked) < 4:
        return None
    z = (np.array([[r.features[f] for f in features] for r in picked]) - center) / scale
    y = np.array([r.scenario.gain for r in picked])
    fam = np.array([r.scenario.family for r in picked])

    def fit(zz: np.ndarray, yy: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
        zc = zz - zz.mean(axis=0)
        w = np.linalg.solve(zc.T @ zc + lam * np.eye(zz.shape[1]), zc.T @ (yy - yy.mean()))
        return float(yy.mean() - zz.mean(axis=0) @ w), w

    def lofo(lam: float) -> np.ndarray:
        out = np.zeros(len(y))
        for f in np.unique(fam):
            held = fam == f
            if held.all():
                out[held] = y.mean()
                continue
            b, w = fit(z[~held], y[~held], lam)
            out[held] = b + z[held] @ w
        return out

    maes = {lam: float(np.mean(np.abs(lofo(lam) - y))) for lam in RIDGE}
    lam = min(maes, key=lambda k: (maes[k], -k))
    b, w = fit(z, y, lam)
    residual = y - lofo(lam)
    lo, hi = np.quantile(residual, GAIN_QUANTILES)
    return {"intercept": _r(b), "coef": {f: _r(c) for f, c in zip(features, w, strict=True)},
            "residual_low": _r(lo), "residual_high": _r(hi),
            "coverage": GAIN_QUANTILES[1] - GAIN_QUANTILES[0], "ridge": lam,
            "lofo_mae": _r(maes[lam]), "n": len(picked)}


def mismatch_choice(rows: Sequence[Row], features: Sequence[str],
                    directions: Mapping[str, int]) -> dict[str, Any]:
    """On the modality-mismatched scenarios, leave-one-family-out decision accuracy of the
    transfer head with the shift as measured vs imputed as the largest calibrated shift."""
    picked = [r for r in rows if all(f in r.features for f in features)]
    shift = [i for i, f in enumerate(features) if policy.FEATURES[f].shift]
    x = np.array([[r.features[f] for f in features] for r in picked])
    y = np.array([transfer_label(r.scenario) for r in picked])
    fam = np.array([r.scenario.family for r in picked])
    mismatch = np.array([not r.scenario.task.modality_match for r in picked])
    signs = [directions[f] for f in features]
    said: dict[str, list[bool]] = {"measured": [], "largest": []}
    truth: list[Scenario] = []
    for f in np.unique(fam[mismatch]):
        held = fam == f
        head = _fit_head(x[~held], y[~held], 1.0, signs)
        imputed = x[held].copy()
        imputed[:, shift] = np.maximum(imputed[:, shift], x[~held][:, shift].max(axis=0))
        said["measured"] += list(_head_logit(head, x[held]) >= 0)
        said["largest"] += list(_head_logit(head, imputed) >= 0)
        truth += [r.scenario for r, h in zip(picked, held, strict=True) if h]
    acc = {k: _decision_accuracy(np.array(v, dtype=float), truth) for k, v in said.items()}
    choice = "measured" if truth and acc["measured"] > acc["largest"] else "largest"
    return {"choice": choice, "n": len(truth),
            "lofo_accuracy": {k: _r(v) for k, v in acc.items()}}


def fit_params(scenarios: Sequence[Scenario], split: str = "dev",
               specs: Sequence[policy.TierSpec] = policy.TIERS,
               mismatch: str | None = None,
               penalties: Sequence[float] = PENALTIES,
               folds: int | None = None) -> dict[str, Any]:
    """All tiers (`specs`, by default the declared ones) and heads as the JSON-ready dict the
    policy loads; `mismatch` forces the modality-mismatch shift choice instead of fitting it;
    a single `penalties` value skips the penalty search and `folds` calibrates on that many
    groups of families instead of one family at a time (for the bench's many refits)."""
    rows = scenario_rows(scenarios)
    directions = {name: f.direction for name, f in policy.FEATURES.items()}
    tiers = []
    for spec in specs:
        t = fit_tier(rows, spec.features, "transfer", directions, penalties, folds)
        n = fit_tier(rows, spec.features, "negative", {f: -d for f, d in directions.items()},
                     penalties, folds)
        if t is None or n is None:
            continue
        tiers.append({
            "name": spec.name, "features": list(spec.features), **_ranges(t, spec.features),
            "transfer": _head_json(t, spec.features),
            # the negative head shares the transfer head's standardisation: re-express it
            "negative": _head_json(_restandardise(n, t), spec.features),
            "gain": fit_gain(rows, spec.features, t["center"], t["scale"]),
            "lofo_accuracy": _r(_decision_accuracy(t["lofo_calibrated"], t["scenarios"])),
            "n_scenarios": t["n"],
        })
    shift = []
    for spec in policy.SHIFT_TIERS:
        h = fit_tier(rows, spec.features, "negative", policy.SHIFT_DIRECTION, penalties, folds)
        if h is None:
            continue
        shift.append({"name": spec.name, "features": list(spec.features),
                      **_ranges(h, spec.features), "negative": _head_json(h, spec.features),
                      "n_scenarios": h["n"]})
    strategy = []
    for spec in policy.STRATEGY_TIERS:
        s = fit_tier(rows, spec.features, "fine_tune", policy.STRATEGY_DIRECTION, penalties, folds)
        if s is None:
            continue
        strategy.append({
            "name": spec.name, "features": list(spec.features), **_ranges(s, spec.features),
            "transfer": _head_json(s, spec.features), "n_scenarios": s["n"],
        })
    prior = float(np.mean([transfer_label(s) for s in scenarios]))
    prior_negative = float(np.mean([negative_label(s) for s in scenarios]))
    first = specs[0].features if specs else ()
    chosen = mismatch_choice(rows, first, directions) if first else {"choice": "largest"}
    return {
        "schema": SCHEMA,
        "fitted_on": {"split": split, "scenarios": len(scenarios),
                      "families": len({s.family for s in scenarios}),
                      "metric_code": metric_code_hash(),
                      "script": "scripts/fit_policy.py",
                      "mismatch_shift_evidence": chosen},
        "prior_transfer": _r(prior),
        "prior_negative": _r(prior_negative),
        "mismatch_shift": mismatch or chosen["choice"],
        "tiers": tiers,
        "shift_tiers": shift,
        "strategy_tiers": strategy,
    }


def _ranges(h: Mapping[str, Any], feats: Sequence[str]) -> dict[str, dict[str, float]]:
    """The standardisation (center, scale) and calibrated range (low, high) of a fitted head."""
    return {key: {f: _r(v) for f, v in zip(feats, h[key], strict=True)}
            for key in ("center", "scale", "low", "high")}


def _head_json(h: Mapping[str, Any], feats: Sequence[str]) -> dict[str, Any]:
    return {"intercept": _r(h["intercept"]),
            "coef": {f: _r(c) for f, c in zip(feats, h["coef"], strict=True)},
            "calibration": [_r(h["calibration"][0]), _r(h["calibration"][1])],
            "penalty": h["penalty"], "lofo_logloss": _r(h["lofo_logloss"])}


def _restandardise(h: dict[str, Any], ref: Mapping[str, Any]) -> dict[str, Any]:
    """Rewrite head h (own centre/scale) in ref's centre/scale: same logits, shared reasons."""
    coef = h["coef"] * ref["scale"] / h["scale"]
    intercept = h["intercept"] + float(np.sum(h["coef"] * (ref["center"] - h["center"]) / h["scale"]))
    return {**h, "coef": coef, "intercept": intercept}


def write_params(params: Mapping[str, Any], out: Path) -> str:
    text = json.dumps(params, indent=2, sort_keys=False) + "\n"
    out.write_text(text)
    return policy.parse_params(text.encode()).version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_root_arguments(parser)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--mismatch-shift", choices=("measured", "largest"), default=None,
                        help="force the modality-mismatch shift choice (default: fitted)")
    args = parser.parse_args(argv)
    scenarios = scenarios_from_args(args)
    split = args.split + ("+factory" if not args.root and not args.no_factory else "")
    params = fit_params(scenarios, split, mismatch=args.mismatch_shift)
    version = write_params(params, args.out)
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
    print(f"wrote {args.out} (policy_version {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
