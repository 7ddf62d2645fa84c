"""Metric results + task metadata → a recommendation a person can check.

The decision is a small logistic model fitted on measured transfer outcomes (scenarios where
transfer and training from scratch were both really trained), not hand-set thresholds:

1. `policy_features` turns metrics and task metadata into a few scale-free features, declared
   in one table (`features.FEATURE_TABLE`: function, fit direction, label, evidence):
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
2. Tiers (`tiers.TIERS`): the first model in `policy_params.json` whose features are all present
   decides, so a summary-only request or a missing metric falls back to a model fitted without
   that evidence (and says so). Each tier has two heads: P(transfer beats scratch) — the
   `transfer_score`, recalibrated on leave-one-family-out predictions — and P(negative
   transfer), which sets the risk. Coefficients are sign-constrained (more shift never helps,
   more probe lift never hurts).
3. Risk: the larger of the tier's P(negative transfer) and a shift-only head's (`SHIFT_TIERS`:
   Fréchet over baseline, proxy-A; no labels needed), so a large measured shift raises the risk
   in every tier.
4. Strategy: among transfer answers, a fitted head, P(fine-tuning beats frozen features by the
   margin), from the probe, labels per class and shift, picks fine_tune or feature_extraction.
5. Expected gain: a ridge regression of the measured gain on the tier's features, with an 80 %
   interval from leave-one-family-out residual quantiles.

Every number comes from `policy_params.json`, produced by `scripts/fit_policy.py` from the dev
scenarios; `POLICY_VERSION` is derived from that file's content, so it changes when they change.
"""

from .decision import (
    RISK_HIGH_AT,
    RISK_MEDIUM_AT,
    ExpectedGain,
    Recommendation,
    Risk,
    Strategy,
    choose_tier,
    decide,
    shift_risk,
)
from .features import (
    FEATURE_TABLE,
    FEATURES,
    Feature,
    FeatureFn,
    Observation,
    policy_features,
    row_features,
    shift_features,
)
from .inputs import Evidence, TaskInfo
from .params import (
    PARAMS_PATH,
    POLICY_VERSION,
    GainHead,
    Head,
    PolicyParams,
    Tier,
    load_params,
    params_version,
    parse_params,
)
from .tiers import (
    SHIFT_DIRECTION,
    SHIFT_TIERS,
    STRATEGY_DIRECTION,
    STRATEGY_TIERS,
    TIERS,
    TierSpec,
)

__all__ = [
    "FEATURES",
    "FEATURE_TABLE",
    "PARAMS_PATH",
    "POLICY_VERSION",
    "RISK_HIGH_AT",
    "RISK_MEDIUM_AT",
    "SHIFT_DIRECTION",
    "SHIFT_TIERS",
    "STRATEGY_DIRECTION",
    "STRATEGY_TIERS",
    "TIERS",
    "Evidence",
    "ExpectedGain",
    "Feature",
    "FeatureFn",
    "GainHead",
    "Head",
    "Observation",
    "PolicyParams",
    "Recommendation",
    "Risk",
    "Strategy",
    "TaskInfo",
    "Tier",
    "TierSpec",
    "choose_tier",
    "decide",
    "load_params",
    "params_version",
    "parse_params",
    "policy_features",
    "row_features",
    "shift_features",
    "shift_risk",
]
