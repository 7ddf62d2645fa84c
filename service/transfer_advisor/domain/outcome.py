"""What a team measured after acting on an assessment, and what it says about the decision.

An outcome holds accuracies measured on held-out target data: training from scratch and at
least one transfer strategy (feature extraction, fine-tuning). From them, exactly as the
scenario files' `truth.json` defines it (contract `scenarios.md`): the transfer gain is the best
transfer accuracy minus scratch's, transfer helps when the gain exceeds the margin, negative
transfer is a gain below minus the margin, and the best strategy is the most accurate of the
measured ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import FieldError, InvalidInput
from .calibration import Measured

MARGIN = 0.02  # as in the scenario files' truth.json
ACCURACY_FIELDS = ("acc_scratch", "acc_feature_extraction", "acc_fine_tune")
TRANSFER_FIELDS = ("acc_feature_extraction", "acc_fine_tune")
STRATEGY_OF = {"acc_scratch": "train_from_scratch",
               "acc_feature_extraction": "feature_extraction", "acc_fine_tune": "fine_tune"}


@dataclass(frozen=True)
class OutcomeTruth:
    """The measured accuracies and what they imply (scenarios.md's truth fields)."""

    acc_scratch: float
    acc_feature_extraction: float | None
    acc_fine_tune: float | None
    margin: float = MARGIN

    @property
    def transfer_gain(self) -> float:
        """Best measured transfer accuracy minus scratch's."""
        best = max(a for a in (self.acc_feature_extraction, self.acc_fine_tune) if a is not None)
        return best - self.acc_scratch

    @property
    def transfer_helps(self) -> bool:
        """The gain exceeds the margin."""
        return self.transfer_gain > self.margin

    @property
    def negative_transfer(self) -> bool:
        """The gain is below minus the margin."""
        return self.transfer_gain < -self.margin

    @property
    def within_margin(self) -> bool:
        """Neither helps nor hurts: either answer counts as right."""
        return not (self.transfer_helps or self.negative_transfer)

    @property
    def best_strategy(self) -> str:
        """The most accurate measured strategy (scratch wins ties, then frozen features)."""
        measured = {STRATEGY_OF[f]: getattr(self, f) for f in ACCURACY_FIELDS
                    if getattr(self, f) is not None}
        return max(measured, key=lambda k: measured[k])

    @property
    def fine_tune_measured(self) -> bool:
        """Whether the three-way answer can be scored."""
        return self.acc_fine_tune is not None

    def measured(self) -> Measured:
        """What the calibration scores read."""
        return Measured(self.transfer_gain, self.transfer_helps, self.negative_transfer,
                        self.best_strategy, self.fine_tune_measured)


def check_outcome(data: Mapping[str, Any]) -> OutcomeTruth:
    """The truth an outcome body states; InvalidInput naming each unusable field.

    Accuracies must be finite numbers in [0, 1]; scratch and at least one transfer strategy
    are required.
    """
    errors: list[FieldError] = []
    values: dict[str, float | None] = {}
    for name in ACCURACY_FIELDS:
        raw = data.get(name)
        if raw is None:
            values[name] = None
            if name == "acc_scratch":
                errors.append(FieldError(name, "is required (accuracy trained from scratch)"))
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            errors.append(FieldError(name, "must be a number"))
            continue
        value = float(raw)
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            errors.append(FieldError(name, f"must be a finite accuracy in [0, 1], got {raw!r}"))
            continue
        values[name] = value
    if all(data.get(f) is None for f in TRANSFER_FIELDS):
        errors.append(FieldError("acc_feature_extraction",
                                 "give at least one transfer strategy's accuracy "
                                 "(acc_feature_extraction or acc_fine_tune)"))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return OutcomeTruth(float(data["acc_scratch"]), values["acc_feature_extraction"],
                        values["acc_fine_tune"])
