"""Wire models of contract v1.1: outcomes, calibration and policy versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from .assess import Text, WireModel

Accuracy = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class OutcomeIn(WireModel):
    """What the team measured on held-out target data after acting on the assessment."""

    acc_scratch: Accuracy = Field(description="Accuracy trained from scratch, in [0, 1].")
    acc_feature_extraction: Accuracy | None = Field(
        default=None, description="Accuracy with frozen source features (this or acc_fine_tune "
                                  "is required).")
    acc_fine_tune: Accuracy | None = Field(default=None,
                                           description="Accuracy fine-tuning the source model.")
    metric: Literal["accuracy"] = "accuracy"
    test_size: int | None = Field(default=None, ge=1, le=2**53)
    seeds: int | None = Field(default=None, ge=1, le=1_000_000)
    notes: Annotated[Text, Field(max_length=2000)] | None = None


class ReliabilityBin(BaseModel):
    low: float
    high: float
    n: int
    mean_score: float | None
    observed_rate: float | None = Field(description="Share of these decisions where transfer "
                                                    "beat scratch (measured gain > 0).")


class Calibration(BaseModel):
    n: int = Field(description="Decisions scored: each with the latest outcome reported on it.")
    policy_version: str | None = Field(
        default=None, description="The policy version scored (null: the decisions as made, "
                                  "replays left out).")
    decision_accuracy: float | None
    negative_transfer_recall: float | None
    spearman_score_vs_gain: float | None
    three_way_accuracy: float | None
    expected_gain_mae: float | None
    reliability: list[ReliabilityBin]


class FittedOn(BaseModel):
    scenarios: int
    outcomes: int


class PolicyEvent(BaseModel):
    event: Literal["fit", "activation"]
    at: datetime
    actor: str | None = Field(description="Who: the API key id (`key:<id>`), or the CLI.")
    entry_id: str = Field(description="The audited entry in the tenant's hash chain.")


class Policy(BaseModel):
    version: str
    tenant: str | None = Field(description="null for a policy shipped with the service.")
    active: bool
    created_at: datetime
    sha256: str = Field(description="SHA-256 of the stored parameter file.")
    fitted_on: FittedOn
    report: dict[str, Any] = Field(description="Leave-one-family-out figures per tier.")
    events: list[PolicyEvent] = Field(default_factory=list,
                                      description="This tenant's fits and activations of it.")


class PolicyList(BaseModel):
    items: list[Policy]
    active_version: str


class PolicyFitRequest(WireModel):
    include_shipped: bool = Field(
        default=True, description="Fit on the shipped calibration scenarios as well as the "
                                  "tenant's outcomes.")


class ReplayRequest(WireModel):
    policy_version: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
