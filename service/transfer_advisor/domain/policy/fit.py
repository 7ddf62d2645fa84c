"""Fit a whole policy (every tier's heads) from cases: the parameter file `decide` loads.

For each tier (`TIERS`, a feature subset, most evidence first) three heads are fitted on the
cases that have its features (see `fit_heads`): transfer (P(transfer beats scratch), soft labels
Φ(gain / se)), negative (P(negative transfer)) and a ridge gain head; strategy tiers fit
P(fine-tuning beats frozen features by the margin), shift tiers P(negative transfer) from shift
alone. Coefficients are L2-penalised and sign-constrained by each feature's `direction`, the
penalty picked by leave-one-family-out log-loss, transfer/negative heads Platt-recalibrated on
their leave-one-family-out logits. `scripts/fit_policy.py` fits the shipped policy with it,
POST /policies/fit a tenant's (the shipped cases plus the tenant's outcomes, weighted by
`tenant_weights`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .cases import Case
from .features import FEATURES
from .fit_heads import (
    PENALTIES,
    Array,
    Row,
    decision_accuracy,
    fit_gain,
    fit_head,
    fit_tier,
    head_logit,
    negative_label,
    r6,
    transfer_label,
)
from .tiers import SHIFT_DIRECTION, SHIFT_TIERS, STRATEGY_DIRECTION, STRATEGY_TIERS, TIERS, TierSpec

SCHEMA = "logit-v2"
# A tenant's outcomes together weigh at least this share of the fit (each at least as much as
# one shipped scenario), so a few dozen outcomes move a policy fitted on ~180 scenarios.
TENANT_SHARE = 0.5


def tenant_weights(n_shipped: int, n_tenant: int, share: float = TENANT_SHARE) -> float:
    """Weight of each tenant case so tenant cases carry `share` of the total weight.

    Never below 1 (a tenant case counts at least as much as a shipped one).

    >>> tenant_weights(180, 20)
    9.0
    """
    if n_tenant == 0 or n_shipped == 0 or not 0.0 < share < 1.0:
        return 1.0
    return max(1.0, share / (1.0 - share) * n_shipped / n_tenant)


def mismatch_choice(rows: Sequence[Row], features: Sequence[str],
                    directions: Mapping[str, int]) -> dict[str, Any]:
    """Whether to impute the largest calibrated shift on a modality mismatch.

    Compares, on the modality-mismatched cases, the LOFO decision accuracy of the transfer head
    with the shift as measured vs imputed as the largest calibrated shift.
    """
    picked = [r for r in rows if all(f in r.features for f in features)]
    shift = [i for i, f in enumerate(features) if FEATURES[f].shift]
    x = np.array([[r.features[f] for f in features] for r in picked])
    y = np.array([transfer_label(r.case) for r in picked])
    wts = np.array([r.case.weight for r in picked])
    fam = np.array([r.case.family for r in picked])
    mismatch = np.array([not r.case.modality_match for r in picked])
    signs = [directions[f] for f in features]
    said: dict[str, list[bool]] = {"measured": [], "largest": []}
    truth: list[Case] = []
    for f in np.unique(fam[mismatch]) if len(picked) else []:
        held = fam == f
        head = fit_head(x[~held], y[~held], 1.0, signs, wts[~held])
        imputed = x[held].copy()
        imputed[:, shift] = np.maximum(imputed[:, shift], x[~held][:, shift].max(axis=0))
        said["measured"] += list(head_logit(head, x[held]) >= 0)
        said["largest"] += list(head_logit(head, imputed) >= 0)
        truth += [r.case for r, h in zip(picked, held, strict=True) if h]
    acc = {k: decision_accuracy(np.array(v, dtype=float), truth) for k, v in said.items()}
    choice = "measured" if truth and acc["measured"] > acc["largest"] else "largest"
    return {"choice": choice, "n": len(truth), "lofo_accuracy": {k: r6(v) for k, v in acc.items()}}


def _ranges(h: Mapping[str, Any], feats: Sequence[str]) -> dict[str, dict[str, float]]:
    return {key: {f: r6(v) for f, v in zip(feats, h[key], strict=True)}
            for key in ("center", "scale", "low", "high")}


def _head_json(h: Mapping[str, Any], feats: Sequence[str]) -> dict[str, Any]:
    return {"intercept": r6(h["intercept"]),
            "coef": {f: r6(c) for f, c in zip(feats, h["coef"], strict=True)},
            "calibration": [r6(h["calibration"][0]), r6(h["calibration"][1])],
            "penalty": h["penalty"], "lofo_logloss": r6(h["lofo_logloss"])}


def _restandardise(h: dict[str, Any], ref: Mapping[str, Any]) -> dict[str, Any]:
    """Rewrite head h (own centre/scale) in ref's centre/scale: same logits, shared reasons."""
    coef = h["coef"] * ref["scale"] / h["scale"]
    intercept = h["intercept"] + float(np.sum(h["coef"] * (ref["center"] - h["center"])
                                              / h["scale"]))
    return {**h, "coef": coef, "intercept": intercept}


def _tenant_accuracy(fitted: Mapping[str, Any]) -> float | None:
    """LOFO decision accuracy of a transfer head on the tenant's cases only."""
    cases: list[Case] = fitted["cases"]
    idx = [i for i, c in enumerate(cases) if c.origin == "tenant"]
    if not idx:
        return None
    p: Array = fitted["lofo_calibrated"]
    return r6(decision_accuracy(p[idx], [cases[i] for i in idx]))


def _weighted_mean(values: Sequence[float], cases: Sequence[Case]) -> float:
    return float(np.average(values, weights=[c.weight for c in cases]))


def fit_policy(cases: Sequence[Case], fitted_on: Mapping[str, Any],
               specs: Sequence[TierSpec] = TIERS, mismatch: str | None = None,
               penalties: Sequence[float] = PENALTIES, folds: int | None = None) -> dict[str, Any]:
    """All tiers and heads as the JSON-ready parameter file.

    Args:
        cases: what to fit on (features, family, truth, weight).
        fitted_on: provenance recorded in the file (with the case counts added).
        specs: the tiers to fit (default: the declared ones).
        mismatch: force the modality-mismatch shift choice instead of fitting it.
        penalties: the penalty grid (one value skips the search).
        folds: calibrate on that many groups of families instead of one family at a time.
    """
    rows = [Row(c, dict(c.features)) for c in cases]
    directions = {name: f.direction for name, f in FEATURES.items()}
    tiers = []
    for spec in specs:
        t = fit_tier(rows, spec.features, "transfer", directions, penalties, folds)
        n = fit_tier(rows, spec.features, "negative", {f: -d for f, d in directions.items()},
                     penalties, folds)
        if t is None or n is None:
            continue
        tenant_acc = _tenant_accuracy(t)
        tiers.append({
            "name": spec.name, "features": list(spec.features), **_ranges(t, spec.features),
            "transfer": _head_json(t, spec.features),
            # the negative head shares the transfer head's standardisation: re-express it
            "negative": _head_json(_restandardise(n, t), spec.features),
            "gain": fit_gain(rows, spec.features, t["center"], t["scale"]),
            "lofo_accuracy": r6(decision_accuracy(t["lofo_calibrated"], t["cases"])),
            **({} if tenant_acc is None else {"lofo_accuracy_tenant": tenant_acc}),
            "n_scenarios": t["n"],
        })
    shift = []
    for spec in SHIFT_TIERS:
        h = fit_tier(rows, spec.features, "negative", SHIFT_DIRECTION, penalties, folds)
        if h is not None:
            shift.append({"name": spec.name, "features": list(spec.features),
                          **_ranges(h, spec.features), "negative": _head_json(h, spec.features),
                          "n_scenarios": h["n"]})
    strategy = []
    for spec in STRATEGY_TIERS:
        s = fit_tier(rows, spec.features, "fine_tune", STRATEGY_DIRECTION, penalties, folds)
        if s is not None:
            strategy.append({"name": spec.name, "features": list(spec.features),
                             **_ranges(s, spec.features), "transfer": _head_json(s, spec.features),
                             "n_scenarios": s["n"]})
    prior = _weighted_mean([transfer_label(c) for c in cases], cases)
    prior_negative = _weighted_mean([negative_label(c) for c in cases], cases)
    first = specs[0].features if specs else ()
    chosen = mismatch_choice(rows, first, directions) if first else {"choice": "largest"}
    return {
        "schema": SCHEMA,
        "fitted_on": {**fitted_on, "scenarios": sum(c.origin == "shipped" for c in cases),
                      "families": len({c.family for c in cases}),
                      "mismatch_shift_evidence": chosen},
        "prior_transfer": r6(prior),
        "prior_negative": r6(prior_negative),
        "mismatch_shift": mismatch or chosen["choice"],
        "tiers": tiers,
        "shift_tiers": shift,
        "strategy_tiers": strategy,
    }


def lofo_report(params: Mapping[str, Any]) -> dict[str, Any]:
    """The leave-one-family-out figures of a fitted parameter file, per tier.

    A tenant's fit also reports the share of the fit its outcomes got, and each candidate share's
    out-of-family accuracy on those outcomes (what chose it).
    """
    fitted = params.get("fitted_on") or {}
    return {
        "tiers": [{"name": t["name"], "n": t["n_scenarios"], "lofo_accuracy": t["lofo_accuracy"],
                   "lofo_accuracy_tenant": t.get("lofo_accuracy_tenant"),
                   "transfer_lofo_logloss": t["transfer"]["lofo_logloss"],
                   "gain_lofo_mae": (t.get("gain") or {}).get("lofo_mae")}
                  for t in params.get("tiers", [])],
        "mismatch_shift": params.get("mismatch_shift"),
        **{k: fitted[k] for k in ("tenant_share", "tenant_share_evidence") if k in fitted},
    }
