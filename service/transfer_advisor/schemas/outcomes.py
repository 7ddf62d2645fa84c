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
    metric: Literal["accuracy"] = Field(default="accuracy",
                                        description="What the figures measure (accuracy only).")
    test_size: int | None = Field(default=None, ge=1, le=2**53,
                                  description="Held-out target examples the accuracies were "
                                              "measured on.")
    seeds: int | None = Field(default=None, ge=1, le=1_000_000,
                              description="Training runs (seeds) each accuracy averages over.")
    notes: Annotated[Text, Field(max_length=2000)] | None = Field(
        default=None, description="Free text: models, epochs, what was trained (stored as is).")


class ReliabilityBin(BaseModel):
    """One equal-width bin of `transfer_score`: [low, high), the last one closed."""

    low: float = Field(description="Lower edge of the transfer_score bin (inclusive).")
    high: float = Field(description="Upper edge (exclusive, except 1.0 for the last bin).")
    n: int = Field(description="Scored decisions whose transfer_score falls in the bin.")
    mean_score: float | None = Field(description="Mean transfer_score in the bin (null when "
                                                 "empty).")
    observed_rate: float | None = Field(description="Share of these decisions where transfer "
                                                    "beat scratch (measured gain > 0; null "
                                                    "when empty).")


class Calibration(BaseModel):
    """A tenant's decisions scored against their outcomes (contract `scenarios.md`); a figure
    is null when nothing can score it (e.g. no negative-transfer case)."""

    n: int = Field(description="Decisions scored: each with the latest outcome reported on it.")
    policy_version: str | None = Field(
        default=None, description="The policy version scored (null: the decisions as made, "
                                  "replays left out).")
    decision_accuracy: float | None = Field(
        description="Share of decisions right on transfer (fine_tune or feature_extraction) vs "
                    "train_from_scratch, against the measured gain; a gain within ±0.02 counts "
                    "as right either way.")
    negative_transfer_recall: float | None = Field(
        description="Of the outcomes with negative transfer (gain < −0.02), the share where "
                    "the decision was train_from_scratch or the risk high.")
    spearman_score_vs_gain: float | None = Field(
        description="Spearman rank correlation of transfer_score with the measured gain.")
    three_way_accuracy: float | None = Field(
        description="Share where the strategy is the best measured one, over outcomes that "
                    "measured fine-tuning.")
    expected_gain_mae: float | None = Field(
        description="Mean |expected_gain.value − measured gain| (accuracy) over decisions "
                    "with an estimate.")
    reliability: list[ReliabilityBin] = Field(
        description="Five equal-width transfer_score bins: mean score vs observed share of "
                    "gain > 0.")


class FittedOn(BaseModel):
    """What a policy version was fitted on."""

    scenarios: int = Field(description="Shipped calibration scenarios (0 when left out).")
    outcomes: int = Field(description="The tenant's assessments with an outcome (0 for a "
                                      "shipped policy).")


class PolicyEvent(BaseModel):
    """A fit or an activation of a policy version by this tenant (audited)."""

    event: Literal["fit", "activation"] = Field(description="What happened.")
    at: datetime = Field(description="When (UTC).")
    actor: str | None = Field(description="Who: the API key id (`key:<id>`), or the CLI.")
    entry_id: str = Field(description="The audited entry in the tenant's hash chain.")


class Policy(BaseModel):
    """A decision-policy version: shipped with the service or fitted for this tenant."""

    version: str = Field(description="`<schema>-<first 12 hex of the parameter file's "
                                     "sha256>`; records name it in `policy_version`.")
    tenant: str | None = Field(description="null for a policy shipped with the service.")
    active: bool = Field(description="Whether POST /assess and POST /rank decide with it for "
                                     "this tenant.")
    created_at: datetime = Field(description="When it was stored (UTC).")
    sha256: str = Field(description="SHA-256 of the stored parameter file.")
    fitted_on: FittedOn = Field(description="How many cases it was fitted on.")
    report: dict[str, Any] = Field(description="Leave-one-family-out figures per tier.")
    events: list[PolicyEvent] = Field(default_factory=list,
                                      description="This tenant's fits and activations of it.")


class PolicyList(BaseModel):
    """The policies this tenant can activate."""

    items: list[Policy] = Field(description="Shipped versions and the tenant's fits, oldest "
                                            "first.")
    active_version: str = Field(description="The version this tenant's decisions use now.")


class PolicyFitRequest(WireModel):
    include_shipped: bool = Field(
        default=True, description="Fit on the shipped calibration scenarios as well as the "
                                  "tenant's outcomes.")


class ReplayRequest(WireModel):
    """Which policy a replay decides with."""

    policy_version: Annotated[Text, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="A shipped version or one of the tenant's fits (GET "
                                  "/policies; 404 otherwise); null = the tenant's active one.")
