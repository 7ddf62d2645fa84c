"""What a policy is fitted on: cases with features and measured truth, and the shipped table.

A case is one decision with a measured outcome: its policy features (`policy_features` of the
metrics a POST /assess computes), its family (the held-out group of leave-one-family-out) and
the truth fields of the contract's `scenarios.md`. The shipped calibration scenarios are such
cases, written by `scripts/fit_policy.py` into `calibration_scenarios.json` beside the policy
parameters, so a fit inside the installed service needs no scenario files; a tenant's outcomes
become cases the same way, from the metrics stored in its assessments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..outcome import MARGIN, OutcomeTruth

TABLE_PATH = Path(__file__).parent.with_name("calibration_scenarios.json")
TABLE_SCHEMA = "calibration-cases-v1"
# The truth fields a case keeps (scenarios.md's truth.json, without the prose).
TRUTH_FIELDS = ("acc_scratch", "acc_feature_extraction", "acc_fine_tune", "std", "seeds",
                "transfer_gain", "best_strategy", "transfer_helps", "negative_transfer", "margin")
# Seed-to-seed std assumed for an outcome that reports none (accuracy points): its soft label
# Φ(gain / se) then treats a gain of a few points as uncertain, as the scenarios' stds do.
DEFAULT_OUTCOME_STD = 0.02


@dataclass(frozen=True)
class Case:
    """One decision with its measured outcome, as the fit reads it."""

    id: str
    family: str
    source_modality: str
    target_modality: str
    features: Mapping[str, float]
    truth: Mapping[str, Any]
    weight: float = 1.0
    origin: str = "shipped"  # or "tenant"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def gain(self) -> float:
        """Best transfer accuracy minus scratch's."""
        return float(self.truth["transfer_gain"])

    @property
    def helps(self) -> bool:
        """Transfer beat scratch by more than the margin."""
        return bool(self.truth["transfer_helps"])

    @property
    def negative(self) -> bool:
        """Transfer lost to scratch by more than the margin."""
        return bool(self.truth["negative_transfer"])

    @property
    def within_margin(self) -> bool:
        """Neither, so either answer is right."""
        return not (self.helps or self.negative)

    @property
    def modality_match(self) -> bool:
        """Source and target share a modality."""
        return self.source_modality == self.target_modality

    def as_json(self) -> dict[str, Any]:
        """The table row of this case."""
        return {"id": self.id, "family": self.family, "source_modality": self.source_modality,
                "target_modality": self.target_modality, "features": dict(self.features),
                "truth": {k: self.truth.get(k) for k in TRUTH_FIELDS}}


def case_from_json(row: Mapping[str, Any]) -> Case:
    """A table row back as a case."""
    return Case(str(row["id"]), str(row["family"]), str(row["source_modality"]),
                str(row["target_modality"]),
                {k: float(v) for k, v in row["features"].items()}, dict(row["truth"]))


def truth_of_outcome(outcome: OutcomeTruth, seeds: int | None) -> dict[str, Any]:
    """An outcome's accuracies as truth fields (stds assumed, see DEFAULT_OUTCOME_STD)."""
    std = {"scratch": DEFAULT_OUTCOME_STD,
           "feature_extraction": (None if outcome.acc_feature_extraction is None
                                  else DEFAULT_OUTCOME_STD),
           "fine_tune": None if outcome.acc_fine_tune is None else DEFAULT_OUTCOME_STD}
    return {"acc_scratch": outcome.acc_scratch,
            "acc_feature_extraction": outcome.acc_feature_extraction,
            "acc_fine_tune": outcome.acc_fine_tune, "std": std, "seeds": max(int(seeds or 1), 1),
            "transfer_gain": outcome.transfer_gain, "best_strategy": outcome.best_strategy,
            "transfer_helps": outcome.transfer_helps,
            "negative_transfer": outcome.negative_transfer, "margin": MARGIN}


def dump_table(cases: Sequence[Case], fitted_on: Mapping[str, Any]) -> str:
    """The table file's text: one case per line, so diffs stay readable."""
    head = json.dumps({"schema": TABLE_SCHEMA, "fitted_on": dict(fitted_on)}, sort_keys=True)
    rows = ",\n".join("  " + json.dumps(c.as_json(), sort_keys=True) for c in cases)
    return f'{{"meta": {head},\n "cases": [\n{rows}\n]}}\n'


def parse_table(text: str) -> tuple[tuple[Case, ...], dict[str, Any]]:
    """Cases and provenance from a table file's text."""
    raw = json.loads(text)
    if raw.get("meta", {}).get("schema") != TABLE_SCHEMA:
        raise ValueError(f"not a {TABLE_SCHEMA} table")
    return tuple(case_from_json(r) for r in raw["cases"]), dict(raw["meta"].get("fitted_on", {}))


@lru_cache(maxsize=1)
def shipped_cases(path: Path = TABLE_PATH) -> tuple[Case, ...]:
    """The shipped calibration scenarios (empty when the package has no table)."""
    try:
        return parse_table(path.read_text())[0]
    except FileNotFoundError:
        return ()
