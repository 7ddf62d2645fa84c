"""The fit's building blocks.

Soft labels, sign-constrained weighted logistic heads, the leave-one-family-out penalty choice,
Platt recalibration and the ridge gain head.

Shared by `scripts/fit_policy.py` (the shipped policy) and POST /policies/fit (a tenant's), so
both fit exactly the same model. A case's `weight` multiplies its term in every loss; with all
weights 1 the fit is the unweighted one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.stats import norm

from .cases import Case

Array = NDArray[np.float64]
PENALTIES = (0.3, 1.0, 3.0, 10.0)
RIDGE = (0.1, 1.0, 10.0, 100.0)
GAIN_QUANTILES = (0.1, 0.9)
MIN_CASES = 4


@dataclass(frozen=True)
class Row:
    """A case and its feature values (the fit's unit)."""

    case: Case
    features: Mapping[str, float]


def rows_of(cases: Sequence[Case]) -> list[Row]:
    """One row per case, its features as stored."""
    return [Row(c, dict(c.features)) for c in cases]


def _se(truth: Mapping[str, Any], a: str, b: str) -> float:
    std = truth["std"]
    seeds = max(int(truth.get("seeds", 1)), 1)
    return float(max(np.hypot(std[a] or 0.0, std[b] or 0.0) / np.sqrt(seeds), 1e-3))


def _best_transfer(case: Case) -> str:
    return "fine_tune" if case.truth["best_strategy"] == "fine_tune" else "feature_extraction"


def transfer_label(case: Case) -> float:
    """Soft label of "transfer beats scratch": Φ(gain / se)."""
    return float(norm.cdf(case.gain / _se(case.truth, _best_transfer(case), "scratch")))


def negative_label(case: Case) -> float:
    """Soft label of "negative transfer": Φ((−margin − gain) / se)."""
    margin = float(case.truth.get("margin", 0.02))
    return float(norm.cdf((-margin - case.gain) / _se(case.truth, _best_transfer(case),
                                                      "scratch")))


def fine_tune_label(case: Case) -> float | None:
    """Soft label of "fine-tuning beats frozen features by the margin" (None: not measured)."""
    t = case.truth
    if t.get("acc_fine_tune") is None or t.get("acc_feature_extraction") is None:
        return None
    diff = float(t["acc_fine_tune"]) - float(t["acc_feature_extraction"])
    margin = float(t.get("margin", 0.02))
    return float(norm.cdf((diff - margin) / _se(t, "fine_tune", "feature_extraction")))


LABELS: dict[str, Callable[[Case], float | None]] = {
    "transfer": transfer_label, "negative": negative_label, "fine_tune": fine_tune_label}


def fit_logistic(z: Array, y: Array, penalty: float, signs: Sequence[int],
                 weights: Array | None = None) -> tuple[float, Array]:
    """Soft-label logistic regression on standardised z; coefficient i has sign signs[i].

    Loss: Σ w·(log(1 + e^η) − y·η) + ½·penalty·|coef|², η = b + z·coef.
    """
    w_obs = np.ones(len(y)) if weights is None else weights

    def loss(w: Array) -> tuple[float, Array]:
        eta = w[0] + z @ w[1:]
        p = 0.5 * (1.0 + np.tanh(0.5 * eta))
        value = float(np.sum(w_obs * (np.logaddexp(0.0, eta) - y * eta))
                      + 0.5 * penalty * w[1:] @ w[1:])
        r = w_obs * (p - y)
        grad = np.concatenate([[np.sum(r)], z.T @ r + penalty * w[1:]])
        return value, grad

    bounds = [(None, None)] + [(0.0, None) if s > 0 else (None, 0.0) for s in signs]
    res = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return float(res.x[0]), np.asarray(res.x[1:], dtype=np.float64)


def standardise(x: Array) -> tuple[Array, Array]:
    """Column means and standard deviations (1 where a column is constant)."""
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale <= 1e-12] = 1.0
    return center, scale


def fit_head(x: Array, y: Array, penalty: float, signs: Sequence[int],
             weights: Array | None = None) -> dict[str, Any]:
    """One logistic head with its own standardisation."""
    center, scale = standardise(x)
    b, w = fit_logistic((x - center) / scale, y, penalty, signs, weights)
    return {"center": center, "scale": scale, "intercept": b, "coef": w}


def head_logit(head: Mapping[str, Any], x: Array) -> Array:
    """The (uncalibrated) logit of a fitted head at rows x."""
    return np.asarray(head["intercept"] + ((x - head["center"]) / head["scale"]) @ head["coef"])


def lofo_logits(x: Array, y: Array, fam: NDArray[Any], penalty: float, signs: Sequence[int],
                weights: Array | None = None) -> Array:
    """Each row's logit from a head fitted without its family."""
    out = np.zeros(len(y))
    for f in np.unique(fam):
        held = fam == f
        if held.all():
            continue
        out[held] = head_logit(fit_head(x[~held], y[~held], penalty, signs,
                                        None if weights is None else weights[~held]), x[held])
    return out


def logloss(eta: Array, y: Array, weights: Array | None = None) -> float:
    """(Weighted) mean log-loss of logits against soft labels."""
    return float(np.average(np.logaddexp(0.0, eta) - y * eta, weights=weights))


def platt(eta: Array, y: Array, weights: Array | None = None) -> tuple[float, float]:
    """σ(a·η + b) fitted to soft labels; a ≥ 0 keeps the ranking (and monotonicity)."""
    b, w = fit_logistic(eta[:, None], y, 1e-6, [+1], weights)
    return float(w[0]), b


def family_folds(families: NDArray[Any], folds: int | None) -> NDArray[Any]:
    """Families as the held-out groups, or (`folds`) dealt into that many groups by name."""
    if folds is None:
        return families
    names = sorted(set(families.tolist()))
    return np.array([str(names.index(f) % folds) for f in families])


def decided_right(says: Sequence[bool], cases: Sequence[Case]) -> list[bool]:
    """Whether each transfer decision is right (a gain within the margin is right either way)."""
    return [c.within_margin or s == c.helps for s, c in zip(says, cases, strict=True)]


def decision_accuracy(p: Array, cases: Sequence[Case]) -> float:
    """Share of cases decided right at 0.5 (within-margin cases count either way)."""
    ok = decided_right([bool(pi >= 0.5) for pi in p], cases)
    return float(np.mean(ok)) if ok else 0.0


def fit_tier(rows: Sequence[Row], features: Sequence[str], label: str,
             directions: Mapping[str, int], penalties: Sequence[float] = PENALTIES,
             folds: int | None = None) -> dict[str, Any] | None:
    """One head on the rows that have all `features` and a label; LOFO-selected penalty."""
    picked: list[Row] = []
    labels: list[float] = []
    for r in rows:
        if not all(f in r.features for f in features):
            continue
        label_value = LABELS[label](r.case)
        if label_value is None:
            continue
        picked.append(r)
        labels.append(label_value)
    if len(picked) < MIN_CASES:
        return None
    x = np.array([[r.features[f] for f in features] for r in picked])
    y = np.array(labels)
    wts = np.array([r.case.weight for r in picked])
    fam = family_folds(np.array([r.case.family for r in picked]), folds)
    signs = [directions[f] for f in features]
    logits = {pen: lofo_logits(x, y, fam, pen, signs, wts) for pen in penalties}
    scores = {pen: logloss(eta, y, wts) for pen, eta in logits.items()}
    penalty = min(scores, key=lambda k: (scores[k], -k))
    head = fit_head(x, y, penalty, signs, wts)
    lofo = logits[penalty]
    a, b = platt(lofo, y, wts) if label != "fine_tune" else (1.0, 0.0)
    return {
        "features": list(features), "center": head["center"], "scale": head["scale"],
        "low": x.min(axis=0), "high": x.max(axis=0), "intercept": head["intercept"],
        "coef": head["coef"], "calibration": [a, b], "penalty": penalty,
        "lofo_logloss": scores[penalty], "n": len(picked),
        "lofo_calibrated": 1.0 / (1.0 + np.exp(-(a * lofo + b))),
        "cases": [r.case for r in picked],
    }


def r6(v: float) -> float:
    """Rounded to 6 decimals for the parameter file."""
    return float(round(float(v), 6))


def _ridge(zz: Array, yy: Array, ww: Array, lam: float) -> tuple[float, Array]:
    mz, my = np.average(zz, axis=0, weights=ww), float(np.average(yy, weights=ww))
    zc = zz - mz
    w = np.linalg.solve(zc.T @ (ww[:, None] * zc) + lam * np.eye(zz.shape[1]),
                        zc.T @ (ww * (yy - my)))
    return float(my - mz @ w), np.asarray(w, dtype=np.float64)


def fit_gain(rows: Sequence[Row], features: Sequence[str], center: Array,
             scale: Array) -> dict[str, Any] | None:
    """Ridge regression of the measured gain on the standardised features.

    Standardised with the transfer head's centre/scale; the ridge is chosen by LOFO MAE and the
    80 % interval comes from those residuals' quantiles.
    """
    picked = [r for r in rows if all(f in r.features for f in features)]
    if len(picked) < MIN_CASES:
        return None
    z = (np.array([[r.features[f] for f in features] for r in picked]) - center) / scale
    y = np.array([r.case.gain for r in picked])
    wts = np.array([r.case.weight for r in picked])
    fam = np.array([r.case.family for r in picked])

    def lofo(lam: float) -> Array:
        out = np.zeros(len(y))
        for f in np.unique(fam):
            held = fam == f
            if held.all():
                out[held] = y.mean()
                continue
            b, w = _ridge(z[~held], y[~held], wts[~held], lam)
            out[held] = b + z[held] @ w
        return out

    maes = {lam: float(np.average(np.abs(lofo(lam) - y), weights=wts)) for lam in RIDGE}
    lam = min(maes, key=lambda k: (maes[k], -k))
    b, w = _ridge(z, y, wts, lam)
    residual = y - lofo(lam)
    lo, hi = np.quantile(residual, GAIN_QUANTILES)
    return {"intercept": r6(b), "coef": {f: r6(c) for f, c in zip(features, w, strict=True)},
            "residual_low": r6(lo), "residual_high": r6(hi),
            "coverage": GAIN_QUANTILES[1] - GAIN_QUANTILES[0], "ridge": lam,
            "lofo_mae": r6(maes[lam]), "n": len(picked)}
