"""Fit the decision policy on the dev transfer scenarios and write `policy_params.json`.

    python scripts/fit_policy.py [--split dev] [--out service/transfer_advisor/domain/policy_params.json]

For every scenario the default metric set runs exactly as `POST /assess` runs it (cached in
`.cache/`), `policy.policy_features` turns the metrics into features, and for each tier (a
feature subset, from most to least evidence) three small logistic heads are fitted:

- transfer: P(transfer beats scratch). Soft labels Φ(gain / se), se from the 5-seed stds, so a
  within-margin scenario counts as uncertain rather than as a hard 0 or 1;
- negative: P(negative transfer) with soft labels Φ((−margin − gain) / se);
- strategy (separate tiers): P(fine-tuning beats frozen features), on scenarios where it was measured.

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

from bench.scenarios import Scenario, load_scenarios, metric_code_hash, run_metrics  # noqa: E402

from transfer_advisor.domain import policy  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "service" / "transfer_advisor" / "domain" / "policy_params.json"
SCHEMA = "logit-v1"
PENALTIES = (0.3, 1.0, 3.0, 10.0)


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
    diff = float(t["acc_fine_tune"]) - float(t["acc_feature_extraction"])
    return float(norm.cdf(diff / _se(t, "fine_tune", "feature_extraction")))


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


def fit_tier(rows: Sequence[Row], features: Sequence[str], label: str,
             directions: Mapping[str, int]) -> dict[str, Any] | None:
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
    fam = np.array([r.scenario.family for r in picked])
    signs = [directions[f] for f in features]
    scores = {pen: _logloss(_lofo_logits(x, y, fam, pen, signs), y) for pen in PENALTIES}
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


def fit_params(scenarios: Sequence[Scenario], split: str = "dev",
               specs: Sequence[policy.TierSpec] = policy.TIERS) -> dict[str, Any]:
    """All tiers (`specs`, by default the declared ones) and heads as the JSON-ready dict the
    policy loads."""
    rows = scenario_rows(scenarios)
    directions = {name: f.direction for name, f in policy.FEATURES.items()}
    tiers = []
    for spec in specs:
        t = fit_tier(rows, spec.features, "transfer", directions)
        n = fit_tier(rows, spec.features, "negative", {f: -d for f, d in directions.items()})
        if t is None or n is None:
            continue
        tiers.append({
            "name": spec.name, "features": list(spec.features), **_ranges(t, spec.features),
            "transfer": _head_json(t, spec.features),
            # the negative head shares the transfer head's standardisation: re-express it
            "negative": _head_json(_restandardise(n, t), spec.features),
            "lofo_accuracy": _r(_decision_accuracy(t["lofo_calibrated"], t["scenarios"])),
            "n_scenarios": t["n"],
        })
    strategy = []
    for spec in policy.STRATEGY_TIERS:
        s = fit_tier(rows, spec.features, "fine_tune", policy.STRATEGY_DIRECTION)
        if s is None:
            continue
        strategy.append({
            "name": spec.name, "features": list(spec.features), **_ranges(s, spec.features),
            "transfer": _head_json(s, spec.features), "n_scenarios": s["n"],
        })
    prior = float(np.mean([transfer_label(s) for s in scenarios]))
    return {
        "schema": SCHEMA,
        "fitted_on": {"split": split, "scenarios": len(scenarios),
                      "families": len({s.family for s in scenarios}),
                      "metric_code": metric_code_hash(),
                      "script": "scripts/fit_policy.py"},
        "prior_transfer": _r(prior),
        "tiers": tiers,
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
    parser.add_argument("--split", default="dev")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    scenarios = load_scenarios(args.split)
    params = fit_params(scenarios, args.split)
    version = write_params(params, args.out)
    for t in params["tiers"]:
        print(f"tier {t['name']:12s} n={t['n_scenarios']:3d} LOFO acc={t['lofo_accuracy']:.3f} "
              f"transfer coef={t['transfer']['coef']} negative coef={t['negative']['coef']}")
    for t in params["strategy_tiers"]:
        print(f"strategy {t['name']:22s} n={t['n_scenarios']:3d} coef={t['transfer']['coef']}")
    print(f"wrote {args.out} (policy_version {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
