"""Request and response bodies of POST /rank and GET /rankings/{id} (contract v1.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from ..domain.vocabulary import Modality, Risk, Strategy
from .assess import (
    AssessOptions,
    DatasetSpec,
    ExpectedGainOut,
    ExtractorRef,
    MetricOut,
    Name,
    TaskSpec,
    WireModel,
)

MIN_CANDIDATES = 2
MAX_CANDIDATES = 16


class RankTarget(DatasetSpec):
    """The target of a ranking: its `labels`, `scratch_features` and, for extractor candidates,
    its raw `inputs`. The form (embeddings, summary or inputs) may be left out when every
    candidate brings the target's embeddings under it (`candidates[i].target`)."""

    @model_validator(mode="after")
    def _exactly_one_form(self) -> RankTarget:
        given = [k for k in ("embeddings", "summary", "inputs") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of 'embeddings', 'summary' or 'inputs' "
                             f"(got {', '.join(given)})")
        return self


class RankCandidate(WireModel):
    """One candidate source: a registered `extractor` (the target's raw `inputs` are embedded by
    it), or the target's embeddings under the candidate (`target`); without either, the
    top-level target's embeddings (candidates that differ by their `source` data only)."""

    name: Name = Field(description="The candidate's name, unique in the request; items and "
                                   "errors name it.")
    extractor: Name | None = Field(
        default=None, description="Registered extractor (GET /extractors) that embeds the "
                                  "target's raw `inputs` for this candidate.")
    source: DatasetSpec | None = Field(
        default=None, description="The candidate's source data (embeddings, summary, or raw "
                                  "inputs for its extractor); optional: without it the shift "
                                  "metrics are omitted")
    target: DatasetSpec | None = Field(
        default=None, description="The target's embeddings (or summary) under this candidate; "
                                  "labels and scratch features stay on the top-level target")
    source_modality: Modality | None = Field(
        default=None, description="Overrides task.source_modality for this candidate")


class RankRequest(WireModel):
    """POST /rank: one target, 2–16 candidate sources, the task and the metric options."""

    target: RankTarget = Field(description="The target: labels, scratch features, and its "
                                            "embeddings or raw inputs shared by the candidates.")
    candidates: list[RankCandidate] = Field(
        min_length=MIN_CANDIDATES, max_length=MAX_CANDIDATES,
        description=f"{MIN_CANDIDATES}–{MAX_CANDIDATES} candidate sources, names unique.")
    task: TaskSpec = Field(description="The target task (as for POST /assess).")
    options: AssessOptions = Field(default_factory=AssessOptions,
                                   description="Metric selection and parameters, the same for "
                                               "every candidate.")


class RankedItem(BaseModel):
    """One candidate's assessment, as POST /assess would have answered it, and its rank."""

    name: str = Field(description="`candidates[].name` of the request.")
    rank: int = Field(ge=1, description="1 = best.")
    strategy: Strategy = Field(description="What to do with this candidate's source model.")
    transfer_score: float = Field(ge=0, le=1, description="Estimated probability that transfer "
                                                          "beats training from scratch.")
    expected_gain: ExpectedGainOut | None = Field(
        default=None, description="Accuracy gain of the best transfer strategy over scratch, "
                                  "with an 80 % interval, as POST /assess estimates it (the "
                                  "ranking reads the same model on the features as measured; "
                                  "the last reason gives that value).")
    negative_transfer_risk: Risk = Field(description="Band of the probability that transfer "
                                                     "hurts.")
    confidence: float = Field(ge=0, le=1, description="How sure the policy is (lower when "
                                                      "evidence is missing).")
    reasons: list[str] = Field(description="Human-readable reasons naming each metric, its "
                                           "value and the threshold that mattered.")
    metrics: dict[str, MetricOut] = Field(description="Results by metric name.")
    omitted: dict[str, str] = Field(default_factory=dict,
                                    description="Metric → why it could not run for this "
                                                "candidate.")
    source_name: str | None = Field(default=None, description="`source.name` of the candidate "
                                                              "(null without source data).")
    extractor: ExtractorRef | None = Field(default=None, description="The extractor that "
                                                                     "embedded the raw inputs, "
                                                                     "if any.")
    evidence: dict[str, Any] = Field(default_factory=dict,
                                     description="What was assessed for this candidate: shapes, "
                                                 "summary fingerprints, task, options.")


class Ranking(BaseModel):
    """A stored ranking (append-only, in the tenant's hash chain beside assessments)."""

    id: str = Field(description="Record id (32 hex characters).")
    created_at: datetime = Field(description="When it was stored (UTC).")
    tenant: str = Field(description="The tenant of the API key that stored it.")
    target_name: str = Field(description="`target.name` of the request.")
    items: list[RankedItem] = Field(description="Best first: by expected gain, ties by "
                                                "transfer score (then probe lift, LogME), both "
                                                "on the features as measured, not clipped to "
                                                "the calibrated range, and the source shift held "
                                                "equal in the gain when the target's labels "
                                                "measured the features; each item's last reason "
                                                "says what placed it")
    separated_by: str | None = Field(
        default=None, description="The evidence (a policy feature, e.g. probe_lift, or 'model') "
                                  "that separated the top two; null when they tie")
    reasons: list[str] = Field(default_factory=list,
                               description="Why the first ranks above the second")
    policy_version: str = Field(description="The decision policy (the tenant's active one) "
                                            "that decided every candidate.")
    service_version: str = Field(description="The service version that computed it.")
    input_sha256: str = Field(description="sha256 of the canonical request (Idempotency-Key "
                                          "replays compare it).")
    record_sha256: str = Field(description="sha256 of this record (audit chain).")
    prev_record_sha256: str | None = Field(description="record_sha256 of the tenant's previous "
                                                       "entry (null for the first).")
    evidence: dict[str, Any] = Field(default_factory=dict,
                                     description="What was ranked: task, options, target items, "
                                                 "labels and form, shared target groups.")
