"""Metric results + task metadata → a recommendation a person can check.

The decision is a small logistic model fitted on measured transfer outcomes (scenarios where
transfer and training from scratch were both really trained), not hand-set thresholds:

1. `policy_features` turns metrics and task metadata into a few scale-free features:
   - `probe_lift`: linear-probe (or, without one, k-NN) accuracy on the labeled target rows, as
     the share of the way from chance to perfect — transferability relative to chance;
   - `knn_lift`: the same for the k-NN probe, beside the linear one: whether same-class rows are
     neighbours in the frozen features (local structure), not only linearly separable;
   - `log2_labels_per_class`: labeled target examples per class — scratch catches up with labels;
   - `log_shift_excess`: log of the Fréchet distance over its same-distribution baseline (two
     halves of the target), the baseline rescaled to the sample sizes actually compared;
   - `logme`: LogME, the per-example log marginal evidence of a Bayesian linear model of the
     target labels on the frozen features. Unlike the probe it needs no labeled rows: the class
     means/counts of a summary suffice, so it is the transferability evidence a summary-only
     request still carries. Used by the `class_statistics` tier (no probe), not by the full
     model, where it added nothing out of family over the probe.
2. Tiers: the first model in `policy_params.json` whose features are all present decides, so a
   summary-only request or a missing metric falls back to a model fitted without that evidence
   (and says so). Each tier has two heads: P(transfer beats scratch) — the `transfer_score`,
   recalibrated on leave-one-family-out predictions — and P(negative transfer), which sets the
   risk. Coefficients are sign-constrained (more shift never helps, more probe lift never hurts).
3. Strategy: among transfer answers, a third fitted head, P(fine-tuning beats frozen features),
   from labels per class and shift, picks fine_tune or feature_extraction.

Every number comes from `policy_params.json`, produced by `scripts/fit_policy.py` from the dev
scenarios; `POLICY_VERSION` is derived from that file's content, so it changes when they change.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .results import MetricResult

PARAMS_PATH = Path(__file__).with_name("policy_params.json")

Strategy = Literal["fine_tune", "feature_extraction", "train_from_scratch"]
Risk = Literal["low", "medium", "high"]

# Reporting bands on P(negative transfer); not fitted: 0.5 = "more likely than not".
RISK_HIGH_AT = 0.5
RISK_MEDIUM_AT = 0.25


@dataclass(frozen=True)
class TaskInfo:
    type: str
    num_classes: int | None
    labeled_examples: int
    source_modality: str
    target_modality: str
    compute_budget_gpu_hours: float | None = None

    @property
    def labels_per_class(self) -> float | None:
        if self.type != "classification" or not self.num_classes:
            return None
        return self.labeled_examples / self.num_classes

    @property
    def modality_match(self) -> bool:
        return self.source_modality == self.target_modality


@dataclass(frozen=True)
class Evidence:
    """Which kinds of input the metrics saw: rows on each side, labeled rows, class statistics."""

    source_rows: bool
    target_rows: bool
    target_labeled_rows: int = 0
    class_statistics: bool = False
    omitted: Mapping[str, str] = field(default_factory=dict)

    @property
    def summary_only(self) -> bool:
        return not (self.source_rows and self.target_rows)


@dataclass(frozen=True)
class Recommendation:
    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    reasons: tuple[str, ...]


# ----------------------------------------------------------------------------------- features


@dataclass(frozen=True)
class Observation:
    """One feature's value and where it came from, for the reasons."""

    value: float
    source: str  # e.g. "linear_probe_accuracy = 0.81 (chance 0.17)"


FeatureFn = Callable[[Mapping[str, MetricResult], TaskInfo], Observation | None]


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _lift(metrics: Mapping[str, MetricResult], name: str, task: TaskInfo) -> Observation | None:
    """Probe ``name``'s accuracy as the share of the way from chance to perfect. None for
    leave-one-out (some class has a single labeled example: held out, it can never be
    predicted, so the accuracy says nothing about the features)."""
    result = metrics.get(name)
    if result is None or result.details.get("scheme") == "leave-one-out":
        return None
    accuracy = _finite(result.value)
    chance = _finite(result.details.get("chance"))
    if chance is None and task.num_classes:
        chance = 1.0 / task.num_classes
    if accuracy is None or chance is None or not 0.0 <= chance < 1.0:
        return None
    p = "" if result.p_value is None else f", permutation p = {result.p_value:.3g}"
    return Observation((accuracy - chance) / (1.0 - chance),
                       f"{name} = {accuracy:.3f} (chance {chance:.3f}{p})")


def _probe_lift(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    return _lift(metrics, "linear_probe_accuracy", task) or _lift(metrics, "knn_accuracy", task)


def _knn_lift(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    # only beside the linear probe: alone, the k-NN accuracy already stands in as probe_lift
    if _lift(metrics, "linear_probe_accuracy", task) is None:
        return None
    return _lift(metrics, "knn_accuracy", task)


def _log2_labels_per_class(
    metrics: Mapping[str, MetricResult], task: TaskInfo
) -> Observation | None:
    classes = task.num_classes if task.type == "classification" and task.num_classes else 1
    per_class = max(task.labeled_examples, 1) / max(classes, 1)
    return Observation(math.log2(per_class), f"labeled_examples per class = {per_class:.3g}")


def _log_shift_excess(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    result = metrics.get("frechet_distance")
    if result is None:
        return None
    value = _finite(result.value)
    baseline = _finite(result.details.get("baseline"))
    if value is None or baseline is None or baseline <= 0.0:
        return None
    # The baseline compares two halves of the target; finite-sample bias scales like 1/na + 1/nb,
    # so rescale it to the sizes actually compared (source vs whole target).
    scale = 1.0
    n_s, n_t = _finite(result.details.get("n_source")), _finite(result.details.get("n_target"))
    if n_s and n_t and n_t >= 2:
        h1 = n_t // 2
        scale = (1.0 / n_s + 1.0 / n_t) / (1.0 / h1 + 1.0 / (n_t - h1))
    ratio = value / (baseline * scale)
    return Observation(
        math.log(max(ratio, 1e-12)),
        f"frechet_distance = {value:.4g} = {ratio:.3g}× its same-distribution baseline "
        f"({baseline * scale:.4g}, size-adjusted)")


def _logme(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    result = metrics.get("logme")
    value = None if result is None else _finite(result.value)
    if result is None or value is None:
        return None
    origin = ("the summary's class statistics" if result.details.get("moments_from") == "summary"
              else "the labeled rows")
    return Observation(value, f"logme = {value:.3f} (log evidence per example, from {origin})")


FEATURES: dict[str, FeatureFn] = {
    "probe_lift": _probe_lift,
    "knn_lift": _knn_lift,
    "log2_labels_per_class": _log2_labels_per_class,
    "log_shift_excess": _log_shift_excess,
    "logme": _logme,
}
# Which way each feature may push P(transfer beats scratch): +1 up, −1 down (fit constraint).
FEATURE_DIRECTION: dict[str, int] = {
    "probe_lift": +1,
    "knn_lift": +1,
    "log2_labels_per_class": -1,
    "log_shift_excess": -1,
    "logme": +1,  # more label evidence in the frozen features never argues for scratch
}
FEATURE_LABEL: dict[str, str] = {
    "probe_lift": "probe lift over chance",
    "knn_lift": "k-NN lift over chance",
    "log2_labels_per_class": "log2 labels per class",
    "log_shift_excess": "log shift over baseline",
    "logme": "LogME evidence per example",
}
# The evidence behind each feature, for "missing" reasons.
FEATURE_EVIDENCE: dict[str, str] = {
    "probe_lift": "linear_probe_accuracy / knn_accuracy (need target embeddings with labels, "
                  "at least 2 per class)",
    "knn_lift": "knn_accuracy beside linear_probe_accuracy (need target embeddings with "
                "labels, at least 2 per class)",
    "log2_labels_per_class": "task.labeled_examples and task.num_classes",
    "log_shift_excess": "frechet_distance with its same-distribution baseline (needs target rows)",
    "logme": "logme (needs target labels with embeddings, or class_means/class_counts in the "
             "target summary)",
}
SHIFT_FEATURES = ("log_shift_excess",)
# Features that need target rows with labels; a summary-only request can never observe them.
ROW_FEATURES = ("probe_lift", "knn_lift")


def policy_features(
    metrics: Mapping[str, MetricResult], task: TaskInfo
) -> dict[str, Observation]:
    """All features computable from these metrics (missing or non-finite ones are left out)."""
    out: dict[str, Observation] = {}
    for name, fn in FEATURES.items():
        try:
            obs = fn(metrics, task)
        except (TypeError, ValueError, ZeroDivisionError, KeyError):
            obs = None
        if obs is not None and math.isfinite(obs.value):
            out[name] = obs
    return out


# ----------------------------------------------------------------------------------- params


@dataclass(frozen=True)
class Head:
    """logit = intercept + Σ coef·(x − center)/scale, then calibrated: σ(a·logit + b)."""

    intercept: float
    coef: Mapping[str, float]
    calibration: tuple[float, float] = (1.0, 0.0)

    def logit(self, x: Mapping[str, float], center: Mapping[str, float],
              scale: Mapping[str, float]) -> float:
        z = self.intercept + sum(c * (x[f] - center[f]) / scale[f] for f, c in self.coef.items())
        return self.calibration[0] * z + self.calibration[1]

    def contributions(self, x: Mapping[str, float], center: Mapping[str, float],
                      scale: Mapping[str, float]) -> dict[str, float]:
        return {f: self.calibration[0] * c * (x[f] - center[f]) / scale[f]
                for f, c in self.coef.items()}


@dataclass(frozen=True)
class Tier:
    name: str
    features: tuple[str, ...]
    center: Mapping[str, float]
    scale: Mapping[str, float]
    low: Mapping[str, float]
    high: Mapping[str, float]
    transfer: Head
    negative: Head
    lofo_accuracy: float


@dataclass(frozen=True)
class PolicyParams:
    version: str
    tiers: tuple[Tier, ...]
    strategy_tiers: tuple[Tier, ...]
    best_lofo_accuracy: float
    prior_transfer: float
    raw: Mapping[str, Any]


def _head(d: Mapping[str, Any]) -> Head:
    cal = d.get("calibration", [1.0, 0.0])
    return Head(float(d["intercept"]), {k: float(v) for k, v in d["coef"].items()},
                (float(cal[0]), float(cal[1])))


def _floats(m: Mapping[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in m.items()}


def _tier(d: Mapping[str, Any]) -> Tier:
    neg = d.get("negative") or {"intercept": 0.0, "coef": {}}
    return Tier(d["name"], tuple(d["features"]), _floats(d["center"]), _floats(d["scale"]),
                _floats(d["low"]), _floats(d["high"]), _head(d["transfer"]), _head(neg),
                float(d.get("lofo_accuracy", 0.0)))


def params_version(raw_bytes: bytes) -> str:
    return hashlib.sha256(raw_bytes).hexdigest()[:12]


def parse_params(raw_bytes: bytes) -> PolicyParams:
    raw = json.loads(raw_bytes)
    tiers = tuple(_tier(t) for t in raw["tiers"])
    strategy = tuple(_tier(t) for t in raw.get("strategy_tiers", []))
    best = max((t.lofo_accuracy for t in tiers), default=1.0) or 1.0
    version = f"{raw.get('schema', 'logit')}-{params_version(raw_bytes)}"
    return PolicyParams(version, tiers, strategy, best, float(raw.get("prior_transfer", 0.5)), raw)


@lru_cache(maxsize=1)
def load_params(path: Path = PARAMS_PATH) -> PolicyParams:
    return parse_params(path.read_bytes())


def _policy_version() -> str:
    try:
        return load_params().version
    except (OSError, ValueError, KeyError):
        return "unfitted"


POLICY_VERSION = _policy_version()


# ----------------------------------------------------------------------------------- decide


def _sigmoid(z: float) -> float:
    if not math.isfinite(z):
        return 0.5 if math.isnan(z) else (1.0 if z > 0 else 0.0)
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _pick(tiers: Sequence[Tier], available: Mapping[str, Observation]) -> Tier | None:
    return next((t for t in tiers if all(f in available for f in t.features)), None)


def _clipped(tier: Tier, obs: Mapping[str, Observation]) -> tuple[dict[str, float], list[str]]:
    x, notes = {}, []
    for f in tier.features:
        v = obs[f].value
        c = min(max(v, tier.low[f]), tier.high[f])
        if c != v:
            notes.append(f"{FEATURE_LABEL[f]} {v:.3g} lies outside the calibrated range "
                         f"[{tier.low[f]:.3g}, {tier.high[f]:.3g}]; used {c:.3g}")
        x[f] = c
    return x, notes


def _neutral_value(head: Head, tier: Tier, x: Mapping[str, float], f: str) -> float | None:
    """The value of feature f at which, all else equal, the calibrated score crosses 0.5."""
    c = head.coef.get(f, 0.0) * head.calibration[0]
    if c == 0.0:
        return None
    rest = head.logit(x, tier.center, tier.scale) - c * (x[f] - tier.center[f]) / tier.scale[f]
    return tier.center[f] - rest * tier.scale[f] / c


def _evidence_unit(feature: str) -> str:
    return "labeled target rows" if feature in ROW_FEATURES else feature


def decide(
    metrics: Mapping[str, MetricResult],
    task: TaskInfo,
    evidence: Evidence,
    params: PolicyParams | None = None,
) -> Recommendation:
    """Recommend a strategy; never NaN, whatever subset of metrics is present."""
    params = params or load_params()
    reasons: list[str] = []
    obs = policy_features(metrics, task)
    tier = _pick(params.tiers, obs)
    if tier is None:  # nothing usable at all: the dev base rate, at zero confidence
        p = params.prior_transfer
        reasons.append(f"no usable metric: transfer_score {p:.2f} is the base rate of the "
                       "calibration scenarios")
        return Recommendation("feature_extraction" if p >= 0.5 else "train_from_scratch",
                              p, "medium", 0.0, tuple(reasons))
    x, notes = _clipped(tier, obs)
    if not task.modality_match:
        for f in SHIFT_FEATURES:
            if f in x:
                x[f] = max(x[f], tier.high[f])
        reasons.append(
            f"modality mismatch: source is {task.source_modality}, target is "
            f"{task.target_modality}; shift taken as the largest seen in calibration and "
            "negative-transfer risk set to high")

    p = _sigmoid(tier.transfer.logit(x, tier.center, tier.scale))
    p_neg = _sigmoid(tier.negative.logit(x, tier.center, tier.scale))
    transfer = p >= 0.5
    reasons.append(
        f"transfer_score {p:.2f} {'≥' if transfer else '<'} 0.5 (calibrated P(transfer beats "
        f"training from scratch), model '{tier.name}')")
    contrib = tier.transfer.contributions(x, tier.center, tier.scale)
    for f in sorted(contrib, key=lambda k: -abs(contrib[k])):
        o = obs[f]
        toward = "transfer" if contrib[f] > 0 else "scratch"
        neutral = _neutral_value(tier.transfer, tier, x, f)
        flip = "" if neutral is None else (
            f"; the decision flips at {FEATURE_LABEL[f]} "
            f"{'≥' if tier.transfer.coef[f] > 0 else '≤'} {neutral:.3g} all else equal")
        reasons.append(
            f"{o.source}: {FEATURE_LABEL[f]} {o.value:.3g} vs calibration centre "
            f"{tier.center[f]:.3g} pushed towards {toward} ({contrib[f]:+.2f} log-odds){flip}")
    reasons.extend(notes)

    # risk
    if not task.modality_match or p_neg >= RISK_HIGH_AT:
        risk: Risk = "high"
    elif p_neg >= RISK_MEDIUM_AT or not transfer:
        risk = "medium"
    else:
        risk = "low"
    reasons.append(f"P(negative transfer) {p_neg:.2f} (high at ≥ {RISK_HIGH_AT}, medium at ≥ "
                   f"{RISK_MEDIUM_AT}) → risk {risk}")

    # strategy
    strategy: Strategy = "train_from_scratch"
    if transfer:
        strategy = "feature_extraction"
        s_tier = _pick(params.strategy_tiers, obs)
        if s_tier is not None:
            sx, _ = _clipped(s_tier, obs)
            if not task.modality_match:
                for f in SHIFT_FEATURES:
                    if f in sx:
                        sx[f] = max(sx[f], s_tier.high[f])
            p_ft = _sigmoid(s_tier.transfer.logit(sx, s_tier.center, s_tier.scale))
            if p_ft >= 0.5:
                strategy = "fine_tune"
            why = ", ".join(f"{FEATURE_LABEL[f]} {sx[f]:.3g} (centre {s_tier.center[f]:.3g})"
                            for f in s_tier.features)
            reasons.append(
                f"P(fine-tuning beats frozen features) {p_ft:.2f} from {why} → {strategy}: "
                + ("more labels and/or more shift let end-to-end training adapt the features"
                   if strategy == "fine_tune" else
                   "few labels per class and/or small shift favour the frozen features"))

    # confidence: the calibrated P(the decision is right), rescaled to [0, 1], times the share
    # of the full model's evidence that was really observed (not missing, not imputed).
    full = params.tiers[0].features
    imputed = set(SHIFT_FEATURES) if not task.modality_match else set()
    if evidence.summary_only or evidence.target_labeled_rows == 0:
        imputed |= set(ROW_FEATURES)
    # the evidence a full request with labels provides; the probes count as one kind of it
    wanted = {_evidence_unit(f) for f in (*full, *ROW_FEATURES)}
    seen = {_evidence_unit(f) for f in tier.features if f in obs and f not in imputed}
    completeness = len(seen & wanted) / len(wanted)
    confidence = (max(p, 1.0 - p) * 2.0 - 1.0) * completeness
    if evidence.summary_only:
        reasons.append("summary-only request: no rows, so the same-distribution baseline, the "
                       "sample-based shift tests and the label-based transferability estimates "
                       "(linear probe, k-NN) could not run; confidence lowered")
    if tier is not params.tiers[0]:
        missing = [FEATURE_EVIDENCE.get(f, f) for f in full if f not in obs]
        reasons.append(f"fell back to model '{tier.name}': missing {'; '.join(missing)} "
                       f"(leave-one-family-out accuracy {tier.lofo_accuracy:.2f} vs "
                       f"{params.tiers[0].lofo_accuracy:.2f}); confidence scaled by the share "
                       f"of evidence observed ({completeness:.2f})")
    for name, why in evidence.omitted.items():
        reasons.append(f"{name} omitted: {why}")
    confidence = min(max(confidence, 0.0), 1.0)
    p = min(max(p, 0.0), 1.0)
    return Recommendation(strategy, p, risk, confidence, tuple(reasons))
