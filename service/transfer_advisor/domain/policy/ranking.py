"""Rank candidate sources for one target, and say which evidence separated each pair.

Every candidate of a ranking shares one target: its labels, its labeled count and its scratch
proxy. What differs is how well each candidate's features serve the target — measured directly
on the target's labels by the probes (and LogME) — and how far each one's source data lies from
the target. The order reads the policy's own heads (the tier's gain and transfer heads, as
fitted) on that evidence, with two differences from an assessment's answer, which each item
keeps unchanged:

- Features are read as measured (bounded only by the values they can take), not clipped to
  the calibrated range. Clipping keeps an absolute estimate inside what calibration saw; in a
  ranking it makes every candidate beyond the range tie on that feature, whatever it measured,
  and whatever is left (e.g. the shift) then decides among them.
- When the model reads label evidence measured on the target (a probe or LogME), the source
  shift features are held at the calibration centre in the expected gain. The gain head learned
  the shift's push across scenarios, where it stands in for what the probes miss; between
  candidates of one target the probes on the target's own labels measure directly how each
  candidate's features classify it, and the distance of a candidate's source rows from the
  target adds nothing to that. Candidates with and without source data are then judged by the
  same model.

Keys, best first:
1. the expected gain on these inputs (accuracy of transfer over scratch);
2. ties (equal evidence on the target, e.g. one embedding space with different source data):
   the transfer score on these inputs, the source shift as measured — the nearer source first;
3. the probe lift, then the LogME of the candidate's features;
4. the measured source shift (Fréchet over its baseline, then proxy-A), the nearer first: frozen
   features do not depend on the source data, but with nothing else to tell them apart the
   nearer source is the safer pick;
5. the request order.

Separation: the key that decided is a sum of per-feature pushes coef·(x − centre)/scale of one
model; when both candidates were judged by the same model, the feature whose push differs most
in the winner's favour is the evidence that separated them. When they were judged by different
models (one lacked some evidence), the model is what separated them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..results import MetricResult
from .decision import Recommendation, choose_tier, label_evidence, probability
from .features import FEATURES, Observation, policy_features, shift_features
from .inputs import TaskInfo
from .params import PolicyParams, Tier, load_params

# Differences below this are ties (keys are computed in float64 from the same features: equal
# evidence gives equal values to the last bit or so).
TIE = 1e-9
# When the heads tie: these features decide, in this order, higher first (+1) or lower (−1):
# the target's evidence, then — all else equal — the nearer source.
TIE_BREAKS: tuple[tuple[str, int], ...] = (
    ("probe_lift", +1), ("logme", +1), ("log_shift_excess", -1), ("proxy_a", -1))
TIE_BREAK_FEATURES = tuple(f for f, _ in TIE_BREAKS)


@dataclass(frozen=True)
class Candidate:
    """One assessed candidate: its name, metrics, task as decided on, and recommendation."""

    name: str
    metrics: Mapping[str, MetricResult]
    task: TaskInfo
    recommendation: Recommendation

    @property
    def gain(self) -> float:
        """The assessment's expected gain (−inf without a gain head)."""
        gain = self.recommendation.expected_gain
        return -math.inf if gain is None else gain.value

    def observations(self) -> dict[str, Observation]:
        """The policy features these metrics give."""
        return policy_features(self.metrics, self.task)


@dataclass(frozen=True)
class RankKey:
    """What orders one candidate: the model, its inputs and the two head values.

    `gain_inputs` feed the gain head (shift features held at the centre when `held`);
    `score_inputs` feed the transfer head (shift as measured). `unclipped` maps each feature
    read outside the calibrated range to its measured value.
    """

    tier: Tier | None
    gain: float
    score: float
    gain_inputs: Mapping[str, float]
    score_inputs: Mapping[str, float]
    held: tuple[str, ...]
    unclipped: Mapping[str, float]
    tie_values: tuple[float, ...]

    @property
    def sort_key(self) -> tuple[float, ...]:
        """Higher is better, compared left to right."""
        return (self.gain, self.score, *self.tie_values)


def _ranking_tier(tiers: Sequence[Tier], obs: Mapping[str, Observation]) -> Tier | None:
    """The first tier whose evidence is present.

    A missing shift counts as present when the tier reads label evidence on the target (there
    the shift is held at the centre anyway).
    """
    shifts = set(shift_features())
    for tier in tiers:
        optional = shifts if label_evidence(tier) else set()
        if all(f in obs or f in optional for f in tier.features):
            return tier
    return None


def _bounded(feature: str, value: float) -> float:
    low, high = FEATURES[feature].possible if feature in FEATURES else (-math.inf, math.inf)
    return min(max(value, low), high)


def rank_key(candidate: Candidate, params: PolicyParams | None = None) -> RankKey:
    """The candidate's ranking key (see the module docstring)."""
    params = params or load_params()
    obs = candidate.observations()
    ties = tuple(sign * obs[f].value if f in obs else -math.inf for f, sign in TIE_BREAKS)
    tier = _ranking_tier(params.tiers, obs)
    if tier is None:
        return RankKey(None, -math.inf, params.prior_transfer, {}, {}, (), {}, ties)
    shifts = set(shift_features())
    held = tuple(f for f in tier.features if f in shifts) if label_evidence(tier) else ()
    measured: dict[str, float] = {}
    unclipped: dict[str, float] = {}
    for f in tier.features:
        if f not in obs:  # a missing shift of a label-evidence tier: the calibration centre
            measured[f] = tier.center[f]
            continue
        measured[f] = _bounded(f, obs[f].value)
        if not tier.low[f] <= measured[f] <= tier.high[f]:
            unclipped[f] = measured[f]
    score_inputs = dict(measured)
    if params.mismatch_shift == "largest" and not candidate.task.modality_match:
        # as the policy does: across modalities the shift is the largest calibrated
        for f in shifts & set(tier.features):
            score_inputs[f] = max(score_inputs[f], tier.high[f])
    gain_inputs = {f: tier.center[f] if f in held else v for f, v in score_inputs.items()}
    gain = (-math.inf if tier.gain is None else
            tier.gain.value(gain_inputs, tier.center, tier.scale))
    score = probability(tier.transfer, tier, score_inputs)
    return RankKey(tier, gain, score, gain_inputs, score_inputs, held, unclipped, ties)


def order(candidates: Sequence[Candidate], params: PolicyParams | None = None) -> list[int]:
    """Indices of `candidates`, best first (see the module docstring for the keys)."""
    keys = [rank_key(c, params).sort_key for c in candidates]
    return sorted(range(len(candidates)), key=lambda i: (tuple(-k for k in keys[i]), i))


@dataclass(frozen=True)
class Separation:
    """Which evidence put the first candidate above the second, and a sentence saying so.

    `evidence` is a policy feature name (e.g. `scratch_gap`), `model` when the two were judged
    by different models, or None when they tie on every key.
    """

    evidence: str | None
    reason: str


def _pushes(key: RankKey, head: str) -> dict[str, float]:
    """Each feature's push on `head` (gain or transfer) at the key's inputs."""
    tier = key.tier
    if tier is None:
        return {}
    if head == "gain" and tier.gain is not None:
        return tier.gain.contributions(key.gain_inputs, tier.center, tier.scale)
    return tier.transfer.contributions(key.score_inputs, tier.center, tier.scale)


def _source(obs: Mapping[str, Observation], feature: str) -> str:
    return obs[feature].source if feature in obs else "not observed"


def separate(first: Candidate, second: Candidate,
             params: PolicyParams | None = None) -> Separation:
    """Why `first` ranks above `second` (as `order` put them)."""
    params = params or load_params()
    key_a, key_b = rank_key(first, params), rank_key(second, params)
    a, b = first.name, second.name
    if key_a.gain - key_b.gain > TIE:
        head, unit = "gain", "accuracy"
        gap = f"expected gain {key_a.gain:+.3f} vs {key_b.gain:+.3f} accuracy"
    elif key_a.score - key_b.score > TIE:
        head, unit = "transfer", "log-odds"
        gap = (f"equal expected gain, transfer score {key_a.score:.3f} vs {key_b.score:.3f} "
               "with the source shift as measured")
    else:
        return _tie_break(first, second, key_a, key_b)
    tier_a, tier_b = key_a.tier, key_b.tier
    if tier_a is None or tier_b is None or tier_a.name != tier_b.name:
        missing = ([f for f in tier_a.features if tier_b is None or f not in tier_b.features]
                   if tier_a is not None else [])
        lacks = ("" if not missing else
                 f"; {b} lacks {', '.join(FEATURES[f].label for f in missing)}")
        return Separation("model", (
            f"{a} ranks above {b} ({gap}): they were judged by different models, "
            f"'{tier_a.name if tier_a else 'base rate'}' vs "
            f"'{tier_b.name if tier_b else 'base rate'}'{lacks}"))
    push_a, push_b = _pushes(key_a, head), _pushes(key_b, head)
    diffs = {f: push_a[f] - push_b.get(f, 0.0) for f in push_a}
    feature = max(diffs, key=lambda f: (diffs[f], f))
    obs_a, obs_b = first.observations(), second.observations()
    return Separation(feature, (
        f"{a} ranks above {b} ({gap}); the evidence that separated them most is "
        f"{FEATURES[feature].label}: {_source(obs_a, feature)} vs {_source(obs_b, feature)} "
        f"({diffs[feature]:+.3f} {unit} of the difference in model '{tier_a.name}')"))


def _tie_break(first: Candidate, second: Candidate, key_a: RankKey,
               key_b: RankKey) -> Separation:
    a, b = first.name, second.name
    obs_a, obs_b = first.observations(), second.observations()
    for feature, va, vb in zip(TIE_BREAK_FEATURES, key_a.tie_values, key_b.tie_values,
                               strict=True):
        if va - vb > TIE or (va > -math.inf and vb == -math.inf):
            return Separation(feature, (
                f"{a} ranks above {b}: equal expected gain and transfer score "
                f"({key_a.score:.3f}), so {FEATURES[feature].label} decides: "
                f"{_source(obs_a, feature)} vs {_source(obs_b, feature)}"))
    return Separation(None, (
        f"{a} and {b} tie on expected gain, transfer score and "
        f"{', '.join(TIE_BREAK_FEATURES)}; kept in request order"))


def _key_sentence(candidate: Candidate, key: RankKey, params: PolicyParams) -> str:
    """What the ranking read for one candidate, and how it differs from its assessment."""
    if key.tier is None:
        return "no model had its evidence (the base rate)"
    parts = [f"model '{key.tier.name}'"]
    if key.unclipped:
        parts.append("read as measured beyond the calibrated range: " + ", ".join(
            f"{FEATURES[f].label if f in FEATURES else f} {v:.3g} (range "
            f"[{key.tier.low[f]:.3g}, {key.tier.high[f]:.3g}])"
            for f, v in key.unclipped.items()))
    if key.held:
        parts.append("source shift held at the calibration centre: the probes on the "
                     "target's labels measure the features directly")
    if key.tier.gain is None:
        return f"no gain head, transfer score {key.score:.3f} ({'; '.join(parts)})"
    own, why = candidate.gain, []
    obs = candidate.observations()
    own_tier = choose_tier(params.tiers, obs)
    if own_tier is not None and own_tier.name != key.tier.name:
        why.append(f"comes from model '{own_tier.name}'")
    else:
        if key.unclipped:
            why.append("clips to the calibrated range")
        if any(f in obs for f in key.held):
            why.append("reads the source shift")
    note = ("" if abs(own - key.gain) <= TIE or not math.isfinite(own) or not why else
            f"; the assessment's own expected gain {own:+.3f} {' and '.join(why)}")
    return f"expected gain {key.gain:+.3f} on the ranking's inputs ({'; '.join(parts)}){note}"


def rank_reasons(candidates: Sequence[Candidate], best_first: Sequence[int],
                 params: PolicyParams | None = None) -> list[str]:
    """One reason per place (best first): the candidate's key, and what put it above the next."""
    params = params or load_params()
    out = []
    n = len(best_first)
    for place, i in enumerate(best_first):
        cand = candidates[i]
        sentence = (f"Ranked {place + 1} of {n} by "
                    f"{_key_sentence(cand, rank_key(cand, params), params)}")
        if place + 1 < n:
            sentence += f". {separate(cand, candidates[best_first[place + 1]], params).reason}"
        out.append(sentence)
    return out
