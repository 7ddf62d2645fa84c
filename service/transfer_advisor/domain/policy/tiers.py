"""Which feature sets the policy's models use; the fitted numbers live in `policy_params.json`.

`scripts/fit_policy.py` fits one model per tier, in this order; `decide` then uses the first
tier of the parameter file whose features are all present, so a request lacking some evidence
falls back to a model fitted without it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TierSpec:
    """A tier's name and feature set."""
    name: str
    features: tuple[str, ...]


# P(transfer beats scratch) and P(negative transfer); most evidence first.
TIERS: tuple[TierSpec, ...] = (
    # with the scratch proxy (target.scratch_features or raw inputs): does transfer beat it?
    # The direct comparison and the label count only: measured shift moves to the risk heads
    # here, as out of family it cost accuracy beside the scratch gap (issue 14's note).
    TierSpec("rows_scratch", ("scratch_gap", "log2_labels_per_class")),
    # Labeled rows without a scratch proxy (embeddings and labels, what most clients send): the
    # probes and LogME measure the frozen features on the target task itself. Measured shift
    # moves to the risk heads here too: beside the probes it cost accuracy held out by family
    # and by modality (0.652 / 0.646 with it, 0.697 / 0.669 without; issue 14's note).
    TierSpec("rows", ("probe_lift", "knn_lift", "log2_labels_per_class", "logme")),
    # linear probe only (k-NN or LogME not run); also a lone k-NN accuracy, then probe_lift
    TierSpec("linear_probe", ("probe_lift", "log2_labels_per_class")),
    # no probe (summary-only, or too few labels per class): LogME from class statistics instead
    TierSpec("class_statistics", ("log2_labels_per_class", "log_shift_excess", "logme")),
    TierSpec("no_probe", ("log2_labels_per_class", "log_shift_excess")),
    TierSpec("labels_only", ("log2_labels_per_class",)),
)
# P(negative transfer) from measured shift alone (no labels needed); in every tier the risk is
# the larger of this and the tier's own negative head, so a large shift always raises it.
SHIFT_TIERS: tuple[TierSpec, ...] = (
    TierSpec("shift_rows", ("log_shift_excess", "proxy_a")),
    TierSpec("shift_frechet", ("log_shift_excess",)),
)
# P(fine-tuning beats frozen features by the margin), asked only once transfer is the answer.
STRATEGY_TIERS: tuple[TierSpec, ...] = (
    TierSpec("strategy_probe", ("probe_lift", "log2_labels_per_class", "log_shift_excess")),
    TierSpec("strategy", ("log2_labels_per_class", "log_shift_excess")),
    TierSpec("strategy_labels_only", ("log2_labels_per_class",)),
)
# Fine-tuning adapts features: more labels and more shift favour it over frozen features.
STRATEGY_DIRECTION: dict[str, int] = {
    "log2_labels_per_class": +1, "log_shift_excess": +1, "probe_lift": -1}
# P(negative transfer) from shift: more shift never lowers it.
SHIFT_DIRECTION: dict[str, int] = {"log_shift_excess": +1, "proxy_a": +1}
