"""Rank candidate sources for one target, and say which evidence separated the top two.

Order: expected gain (the policy's gain head, accuracy points of transfer over scratch), then
transfer score, then — when the policy's answers tie, as for candidates without source data,
which all fall back to the labels-only model — the probe lift and LogME of each candidate's
features, then the request order.

Separation: the head that decided the order of the top two (gain, else transfer score) is a sum
of per-feature pushes coef·(x − centre)/scale; when both used the same model, the feature whose
push differs most in the winner's favour is the evidence that separated them. When they used
different models (one lacked some evidence), the model is what separated them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..results import MetricResult
from .decision import Recommendation, choose_tier, model_inputs
from .features import FEATURES, Observation, policy_features
from .inputs import TaskInfo
from .params import PolicyParams, Tier, load_params

# Differences below this are ties (scores and gains are rounded by no one, but computed in
# float64 from the same features: equal evidence gives equal values to the last bit or so).
TIE = 1e-9
# When the policy's answers tie: these features decide, in this order.
TIE_BREAK_FEATURES = ("probe_lift", "logme")


@dataclass(frozen=True)
class Candidate:
    """One assessed candidate: its name, metrics, task as decided on, and recommendation."""

    name: str
    metrics: Mapping[str, MetricResult]
    task: TaskInfo
    recommendation: Recommendation

    @property
    def gain(self) -> float:
        """The expected gain's point value (−inf without a gain head)."""
        gain = self.recommendation.expected_gain
        return -math.inf if gain is None else gain.value

    def observations(self) -> dict[str, Observation]:
        """The policy features these metrics give."""
        return policy_features(self.metrics, self.task)


@dataclass(frozen=True)
class Separation:
    """Which evidence put the first candidate above the second, and a sentence saying so.

    `evidence` is a policy feature name (e.g. `probe_lift`), `model` when the two were judged
    by different models, or None when they tie on every key.
    """

    evidence: str | None
    reason: str


def _tie_values(candidate: Candidate) -> tuple[float, ...]:
    obs = candidate.observations()
    return tuple(obs[f].value if f in obs else -math.inf for f in TIE_BREAK_FEATURES)


def order(candidates: Sequence[Candidate]) -> list[int]:
    """Indices of `candidates`, best first (see the module docstring for the keys)."""
    keys = [(c.gain, c.recommendation.transfer_score, *_tie_values(c)) for c in candidates]
    return sorted(range(len(candidates)), key=lambda i: (tuple(-k for k in keys[i]), i))


def _pushes(candidate: Candidate, params: PolicyParams,
            head: str) -> tuple[Tier | None, dict[str, float]]:
    """The model that judged the candidate and each feature's push on `head` (gain/transfer)."""
    obs = candidate.observations()
    tier = choose_tier(params.tiers, obs)
    if tier is None:
        return None, {}
    x, _ = model_inputs(tier, obs, candidate.task, impute=params.mismatch_shift == "largest")
    if head == "gain" and tier.gain is not None:
        return tier, {f: c * (x[f] - tier.center[f]) / tier.scale[f]
                      for f, c in tier.gain.coef.items()}
    return tier, tier.transfer.contributions(x, tier.center, tier.scale)


def _source(obs: Mapping[str, Observation], feature: str) -> str:
    return obs[feature].source if feature in obs else "not observed"


def separate(first: Candidate, second: Candidate,
             params: PolicyParams | None = None) -> Separation:
    """Why `first` ranks above `second` (as `order` put them)."""
    params = params or load_params()
    a, b = first.name, second.name
    if first.gain - second.gain > TIE:
        head = "gain"
        gap = f"expected gain {first.gain:+.3f} vs {second.gain:+.3f} accuracy"
        unit = "accuracy"
    elif first.recommendation.transfer_score - second.recommendation.transfer_score > TIE:
        head = "transfer"
        gap = (f"equal expected gain, transfer_score {first.recommendation.transfer_score:.3f} "
               f"vs {second.recommendation.transfer_score:.3f}")
        unit = "log-odds"
    else:
        return _tie_break(first, second)
    tier_a, push_a = _pushes(first, params, head)
    tier_b, push_b = _pushes(second, params, head)
    if tier_a is None or tier_b is None or tier_a.name != tier_b.name:
        missing = ([f for f in tier_a.features if tier_b is None or f not in tier_b.features]
                   if tier_a is not None else [])
        lacks = ("" if not missing else
                 f"; {b} lacks {', '.join(FEATURES[f].label for f in missing)}")
        return Separation("model", (
            f"{a} ranks above {b} ({gap}): they were judged by different models, "
            f"'{tier_a.name if tier_a else 'base rate'}' vs "
            f"'{tier_b.name if tier_b else 'base rate'}'{lacks}"))
    diffs = {f: push_a[f] - push_b.get(f, 0.0) for f in push_a}
    feature = max(diffs, key=lambda f: (diffs[f], f))
    obs_a, obs_b = first.observations(), second.observations()
    return Separation(feature, (
        f"{a} ranks above {b} ({gap}); the evidence that separated them most is "
        f"{FEATURES[feature].label}: {_source(obs_a, feature)} vs {_source(obs_b, feature)} "
        f"({diffs[feature]:+.3f} {unit} of the difference in model '{tier_a.name}')"))


def _tie_break(first: Candidate, second: Candidate) -> Separation:
    a, b = first.name, second.name
    obs_a, obs_b = first.observations(), second.observations()
    for feature, va, vb in zip(TIE_BREAK_FEATURES, _tie_values(first), _tie_values(second),
                               strict=True):
        if va - vb > TIE or (va > -math.inf and vb == -math.inf):
            return Separation(feature, (
                f"{a} ranks above {b}: equal expected gain and transfer_score "
                f"({first.recommendation.transfer_score:.3f}), so "
                f"{FEATURES[feature].label} decides: {_source(obs_a, feature)} vs "
                f"{_source(obs_b, feature)}"))
    return Separation(None, (
        f"{a} and {b} tie on expected gain, transfer_score and "
        f"{', '.join(TIE_BREAK_FEATURES)}; kept in request order"))
