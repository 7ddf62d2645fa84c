"""`decide`: features → tier → calibrated heads → risk, strategy, confidence, reasons."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..results import MetricResult
from . import reasons
from .features import FEATURES, Observation, policy_features, row_features, shift_features
from .inputs import Evidence, TaskInfo
from .params import GainHead, Head, PolicyParams, Tier, load_params

Strategy = Literal["fine_tune", "feature_extraction", "train_from_scratch"]
Risk = Literal["low", "medium", "high"]

# Reporting bands on P(negative transfer); not fitted: 0.5 = "more likely than not".
RISK_HIGH_AT = 0.5
RISK_MEDIUM_AT = 0.25


@dataclass(frozen=True)
class ExpectedGain:
    """Accuracy points of the best transfer strategy over scratch, with an 80 % interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Recommendation:
    """What the policy recommends, with its reasons."""
    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    reasons: tuple[str, ...]
    expected_gain: ExpectedGain | None = None


def decide(
    metrics: Mapping[str, MetricResult],
    task: TaskInfo,
    evidence: Evidence,
    params: PolicyParams | None = None,
) -> Recommendation:
    """Recommend a strategy; never NaN, whatever subset of metrics is present."""
    params = params or load_params()
    obs = policy_features(metrics, task)
    tier = choose_tier(params.tiers, obs)
    if tier is None:
        return _base_rate(params)
    x, range_notes = model_inputs(tier, obs, task, impute=params.mismatch_shift == "largest")
    p = probability(tier.transfer, tier, x)
    p_tier_negative = probability(tier.negative, tier, x)
    p_shift, shift_note = shift_risk(params, obs)
    p_negative = max(p_tier_negative, p_shift)
    transfer = p >= 0.5
    risk = negative_transfer_risk(p_negative, transfer, task)
    above = [] if label_evidence(tier) or risk == "high" else shift_above_average(params, obs)
    if above:
        # nothing measured on the target's labels can rule negative transfer out: "check
        # domain similarity first" is the rule here, not the shift head, which out of family
        # barely tells negative transfer apart (its calibrated slope may be 0)
        risk = "high"
        shift_note.append(reasons.shift_without_labels(above))
    strategy, strategy_notes = choose_strategy(params, obs, task, transfer=transfer)
    completeness = evidence_completeness(params, tier, obs, task, evidence,
                                         impute=params.mismatch_shift == "largest")
    # P(the decision is right) rescaled to [0, 1], times the share of the evidence observed
    confidence = (max(p, 1.0 - p) * 2.0 - 1.0) * completeness
    why = [
        *([] if task.modality_match else
          [reasons.modality_mismatch(task, imputed=params.mismatch_shift == "largest")]),
        reasons.transfer_score(p, tier),
        *_contributions(tier, x, obs),
        *range_notes,
        *shift_note,
        reasons.risk(p_negative, risk, RISK_HIGH_AT, RISK_MEDIUM_AT),
        *strategy_notes,
        *_evidence_notes(params, tier, obs, evidence, completeness),
    ]
    gain = expected_gain(tier.gain, tier, x)
    if gain is not None:
        why.append(reasons.expected_gain(gain.value, gain.low, gain.high))
    return Recommendation(strategy, _unit(p), risk, _unit(confidence), tuple(why), gain)


def label_evidence(tier: Tier) -> bool:
    """Whether the tier sees label-based transferability evidence (a probe or LogME)."""
    return any(f in row_features() or f == "logme" for f in tier.features)


def shift_risk(params: PolicyParams, obs: Mapping[str, Observation]) -> tuple[float, list[str]]:
    """P(negative transfer) from measured shift alone, and a reason naming the shift values."""
    tier = choose_tier(params.shift_tiers, obs)
    if tier is None:
        return 0.0, []
    x = {f: min(max(obs[f].value, tier.low[f]), tier.high[f]) for f in tier.features}
    p = probability(tier.negative, tier, x)
    return p, [reasons.shift_risk(p, [obs[f] for f in tier.features])]


def shift_above_average(params: PolicyParams,
                        obs: Mapping[str, Observation]) -> list[tuple[Observation, float]]:
    """Shift measures above their calibration scenarios' average, with that average."""
    tier = choose_tier(params.shift_tiers, obs)
    if tier is None:
        return []
    return [(obs[f], tier.center[f]) for f in tier.features if obs[f].value > tier.center[f]]


def expected_gain(head: GainHead | None, tier: Tier, x: Mapping[str, float]) -> ExpectedGain | None:
    """The gain head's estimate, clipped to the possible [-1, 1], with its interval."""
    if head is None:
        return None
    value = head.value(x, tier.center, tier.scale)

    def clip(v: float) -> float:
        return min(max(v, -1.0), 1.0)

    return ExpectedGain(clip(value), clip(value + head.residual_low),
                        clip(value + head.residual_high))


def _base_rate(params: PolicyParams) -> Recommendation:
    """Nothing usable at all: the dev base rate, at zero confidence."""
    p = params.prior_transfer
    return Recommendation("feature_extraction" if p >= 0.5 else "train_from_scratch",
                          p, "medium", 0.0, (reasons.no_usable_metric(p),))


def choose_tier(tiers: Sequence[Tier], available: Mapping[str, Observation]) -> Tier | None:
    """The first tier whose features are all available."""
    return next((t for t in tiers if all(f in available for f in t.features)), None)


def model_inputs(tier: Tier, obs: Mapping[str, Observation], task: TaskInfo,
                 *, impute: bool = True) -> tuple[dict[str, float], list[str]]:
    """The tier's feature values, clipped to the calibrated range (with a note per clip).

    On a modality mismatch, with `impute`, the shift is taken as the largest seen in
    calibration.
    """
    x, notes = {}, []
    for f in tier.features:
        value = obs[f].value
        x[f] = min(max(value, tier.low[f]), tier.high[f])
        if x[f] != value:
            notes.append(reasons.out_of_range(tier, f, value, x[f]))
    if impute and not task.modality_match:
        for f in shift_features():
            if f in x:
                x[f] = max(x[f], tier.high[f])
    return x, notes


def _sigmoid(z: float) -> float:
    if not math.isfinite(z):
        return 0.5 if math.isnan(z) else (1.0 if z > 0 else 0.0)
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def probability(head: Head, tier: Tier, x: Mapping[str, float]) -> float:
    """A head's calibrated probability at feature values x (never NaN)."""
    return _sigmoid(head.logit(x, tier.center, tier.scale))


def _unit(v: float) -> float:
    return min(max(v, 0.0), 1.0)


def _neutral_value(head: Head, tier: Tier, x: Mapping[str, float], f: str) -> float | None:
    """The value of feature f at which, all else equal, the calibrated score crosses 0.5."""
    c = head.coef.get(f, 0.0) * head.calibration[0]
    if c == 0.0:
        return None
    rest = head.logit(x, tier.center, tier.scale) - c * (x[f] - tier.center[f]) / tier.scale[f]
    neutral = tier.center[f] - rest * tier.scale[f] / c
    low, high = FEATURES[f].possible if f in FEATURES else (-math.inf, math.inf)
    # a flip point the feature can never reach (a probe lift ≥ 1.5) is not a flip point
    return neutral if low <= neutral <= high else None


def _contributions(tier: Tier, x: Mapping[str, float],
                   obs: Mapping[str, Observation]) -> list[str]:
    """One reason per feature of the transfer head, largest push first."""
    contrib = tier.transfer.contributions(x, tier.center, tier.scale)
    return [reasons.contribution(tier, f, obs[f], contrib[f],
                                 _neutral_value(tier.transfer, tier, x, f))
            for f in sorted(contrib, key=lambda k: -abs(contrib[k]))]


def negative_transfer_risk(p_negative: float, transfer: bool, task: TaskInfo) -> Risk:
    """Risk band of P(negative transfer); a modality mismatch is always high."""
    if not task.modality_match or p_negative >= RISK_HIGH_AT:
        return "high"
    if p_negative >= RISK_MEDIUM_AT or not transfer:
        return "medium"
    return "low"


def choose_strategy(params: PolicyParams, obs: Mapping[str, Observation], task: TaskInfo,
                    *, transfer: bool) -> tuple[Strategy, list[str]]:
    """Scratch, or among transfer answers the strategy head's pick (frozen features without one)."""
    if not transfer:
        return "train_from_scratch", []
    tier = choose_tier(params.strategy_tiers, obs)
    if tier is None:
        return "feature_extraction", []
    x, _ = model_inputs(tier, obs, task, impute=params.mismatch_shift == "largest")
    p_fine_tune = probability(tier.transfer, tier, x)
    strategy: Strategy = "fine_tune" if p_fine_tune >= 0.5 else "feature_extraction"
    return strategy, [reasons.strategy(p_fine_tune, tier, x, strategy)]


def _evidence_unit(feature: str) -> str:
    # the probes count as one kind of evidence: labeled target rows
    return "labeled target rows" if feature in row_features() else feature


def full_evidence(params: PolicyParams) -> tuple[str, ...]:
    """The features a request with everything lets the policy read.

    The first tier's and the first shift tier's: the risk reads the shift in every tier.
    """
    first = params.tiers[0].features if params.tiers else ()
    shift = params.shift_tiers[0].features if params.shift_tiers else ()
    return (*first, *(f for f in shift if f not in first))


def evidence_completeness(params: PolicyParams, tier: Tier, obs: Mapping[str, Observation],
                          task: TaskInfo, evidence: Evidence, *, impute: bool = True) -> float:
    """The share of the full evidence's kinds really observed; it scales confidence.

    Observed means neither missing nor imputed, and read by the tier or the shift risk.
    """
    imputed = set(shift_features()) if not task.modality_match and impute else set()
    if evidence.summary_only or evidence.target_labeled_rows == 0:
        imputed |= set(row_features())
    full = full_evidence(params)
    # the evidence a full request with labels provides
    wanted = {_evidence_unit(f) for f in (*full, *row_features())}
    read = {*tier.features, *(f for f in full if f in shift_features())}
    seen = {_evidence_unit(f) for f in read if f in obs and f not in imputed}
    return len(seen & wanted) / len(wanted)


def _evidence_notes(params: PolicyParams, tier: Tier, obs: Mapping[str, Observation],
                    evidence: Evidence, completeness: float) -> list[str]:
    """What the request lacked: rows, the full model's evidence, metrics that did not run."""
    notes = [reasons.SUMMARY_ONLY] if evidence.summary_only else []
    full = params.tiers[0]
    # what the tiers above this one and the shift risk would have read
    above = params.tiers[:params.tiers.index(tier)] if tier in params.tiers else params.tiers
    wanted = dict.fromkeys([*(f for t in above for f in t.features), *full_evidence(params)])
    missing = [f for f in wanted if f not in obs]
    if tier is not full or missing:
        notes.append(reasons.fell_back(tier, full, missing, completeness))
    # omitted metrics are listed in the assessment's own `omitted` map, not among the reasons
    return notes

