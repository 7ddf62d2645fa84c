"""The sentences of a recommendation's reasons; stored records and tests compare them verbatim."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .features import FEATURES, Observation
from .inputs import TaskInfo
from .params import Tier


def _label(feature: str) -> str:
    return FEATURES[feature].label


def no_usable_metric(p: float) -> str:
    """No usable metric: the base rate answers."""
    return (f"no usable metric: transfer_score {p:.2f} is the base rate of the calibration "
            "scenarios")


def modality_mismatch(task: TaskInfo, *, imputed: bool = True) -> str:
    """The source and target modalities differ."""
    shift = ("shift taken as the largest seen in calibration" if imputed else
             "the measured shift is used (across modalities it predicted the outcome better "
             "than the largest calibrated shift)")
    return (f"modality mismatch: source is {task.source_modality}, target is "
            f"{task.target_modality}; {shift} and negative-transfer risk set to high")


def shift_risk(p: float, observed: Sequence[Observation]) -> str:
    """The shift-only head's risk, naming the shift values."""
    values = "; ".join(o.source for o in observed)
    return f"measured shift ({values}) alone → P(negative transfer) {p:.2f}"


def shift_without_labels(above: Sequence[tuple[Observation, float]]) -> str:
    """No label evidence: a shift above the calibration average sets the risk."""
    values = "; ".join(f"{o.source} (calibration average {avg:.3g})" for o, avg in above)
    return (f"no label-based evidence can rule negative transfer out and the shift is above "
            f"the calibration scenarios' average: {values} → risk high")


def expected_gain(value: float, low: float, high: float) -> str:
    """The expected gain and its interval."""
    return (f"expected gain of transfer over training from scratch {value:+.3f} accuracy "
            f"(80 % interval {low:+.3f} to {high:+.3f})")


def out_of_range(tier: Tier, feature: str, value: float, used: float) -> str:
    """A feature clipped to the calibrated range."""
    return (f"{_label(feature)} {value:.3g} lies outside the calibrated range "
            f"[{tier.low[feature]:.3g}, {tier.high[feature]:.3g}]; used {used:.3g}")


def transfer_score(p: float, tier: Tier) -> str:
    """The transfer score against its threshold."""
    return (f"transfer_score {p:.2f} {'≥' if p >= 0.5 else '<'} 0.5 (calibrated P(transfer beats "
            f"training from scratch), model '{tier.name}')")


def contribution(tier: Tier, feature: str, obs: Observation, log_odds: float,
                 neutral: float | None) -> str:
    """How one feature pushed the score, and where the decision would flip all else equal."""
    label = _label(feature)
    toward = "transfer" if log_odds > 0 else "scratch"
    flip = "" if neutral is None else (
        f"; the decision flips at {label} "
        f"{'≥' if tier.transfer.coef[feature] > 0 else '≤'} {neutral:.3g} all else equal")
    return (f"{obs.source}: {label} {obs.value:.3g} vs calibration centre "
            f"{tier.center[feature]:.3g} pushed towards {toward} ({log_odds:+.2f} log-odds){flip}")


def risk(p_negative: float, level: str, high_at: float, medium_at: float) -> str:
    """P(negative transfer) and its band."""
    return (f"P(negative transfer) {p_negative:.2f} (high at ≥ {high_at}, medium at ≥ "
            f"{medium_at}) → risk {level}")


def strategy(p_fine_tune: float, tier: Tier, x: Mapping[str, float], chosen: str) -> str:
    """Why fine-tune or frozen features."""
    why = ", ".join(f"{_label(f)} {x[f]:.3g} (centre {tier.center[f]:.3g})" for f in tier.features)
    return (f"P(fine-tuning beats frozen features) {p_fine_tune:.2f} from {why} → {chosen}: "
            + ("more labels and/or more shift let end-to-end training adapt the features"
               if chosen == "fine_tune" else
               "few labels per class and/or small shift favour the frozen features"))


SUMMARY_ONLY = ("summary-only request: no rows, so the same-distribution baseline, the "
                "sample-based shift tests and the label-based transferability estimates "
                "(linear probe, k-NN) could not run; confidence lowered")


def fell_back(tier: Tier, full: Tier, missing: Iterable[str], completeness: float) -> str:
    """The model fell back to fewer features, or the full model lacked some of its evidence."""
    evidence = "; ".join(FEATURES[f].evidence if f in FEATURES else f for f in missing)
    lacked = f"missing {evidence} " if evidence else ""
    if tier is full:
        return (f"model '{tier.name}' {lacked}(leave-one-family-out accuracy "
                f"{tier.lofo_accuracy:.2f}); confidence scaled by the share of evidence observed "
                f"({completeness:.2f})")
    return (f"fell back to model '{tier.name}': {lacked}"
            f"(leave-one-family-out accuracy {tier.lofo_accuracy:.2f} vs "
            f"{full.lofo_accuracy:.2f}); confidence scaled by the share "
            f"of evidence observed ({completeness:.2f})")


def omitted(omissions: Mapping[str, str]) -> list[str]:
    """One sentence per metric that could not run."""
    return [f"{name} omitted: {why}" for name, why in omissions.items()]
