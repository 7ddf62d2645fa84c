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

    name: Name
    extractor: Name | None = None
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
    target: RankTarget
    candidates: list[RankCandidate] = Field(min_length=MIN_CANDIDATES, max_length=MAX_CANDIDATES)
    task: TaskSpec
    options: AssessOptions = Field(default_factory=AssessOptions)


class RankedItem(BaseModel):
    name: str
    rank: int = Field(ge=1)
    strategy: Strategy
    transfer_score: float = Field(ge=0, le=1)
    expected_gain: ExpectedGainOut | None = None
    negative_transfer_risk: Risk
    confidence: float = Field(ge=0, le=1)
    reasons: list[str]
    metrics: dict[str, MetricOut]
    omitted: dict[str, str] = Field(default_factory=dict)
    source_name: str | None = None
    extractor: ExtractorRef | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)


class Ranking(BaseModel):
    id: str
    created_at: datetime
    tenant: str
    target_name: str
    items: list[RankedItem] = Field(description="Best first: by expected gain, ties by "
                                                "transfer score (then probe lift, LogME)")
    separated_by: str | None = Field(
        default=None, description="The evidence (a policy feature, e.g. probe_lift, or 'model') "
                                  "that separated the top two; null when they tie")
    reasons: list[str] = Field(default_factory=list,
                               description="Why the first ranks above the second")
    policy_version: str
    service_version: str
    input_sha256: str
    record_sha256: str
    prev_record_sha256: str | None
    evidence: dict[str, Any] = Field(default_factory=dict)
