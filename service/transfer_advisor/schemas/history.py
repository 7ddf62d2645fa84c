"""Wire models for stats, audit verification and replay (mirror the contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from .assess import Assessment


class StrategyCounts(BaseModel):
    """Records per recommended strategy."""

    fine_tune: int = Field(default=0, description="Records recommending `fine_tune`.")
    feature_extraction: int = Field(default=0,
                                    description="Records recommending `feature_extraction`.")
    train_from_scratch: int = Field(default=0,
                                    description="Records recommending `train_from_scratch`.")


class StatsBucket(BaseModel):
    """One time bucket."""

    start: datetime = Field(description="Start of the bucket (UTC).")
    counts: StrategyCounts = Field(description="Records per strategy in the bucket.")
    total: int = Field(description="Records in the bucket.")
    mean_transfer_score: float | None = Field(description="Mean transfer score of the bucket.")


class Stats(BaseModel):
    """Counts per strategy per time bucket, with the history filters applied."""

    bucket: Literal["hour", "day", "week"] = Field(description="Bucket width.")
    buckets: list[StatsBucket] = Field(
        description="Non-empty buckets only, oldest first; starts are UTC (weeks start Monday).")
    totals: StrategyCounts = Field(description="Records per strategy over all buckets.")
    total: int = Field(description="Records over all buckets.")


class AuditVerification(BaseModel):
    """The result of recomputing the tenant's hash chain."""

    ok: bool = Field(description="Whether every record checked is intact.")
    checked: int = Field(description="Records examined, in chain order, up to the first bad one.")
    first_bad_id: str | None = Field(description="The first record that fails, if any.")
    problem: str | None = Field(default=None, description="What is wrong, when ok is false.")


class FieldChange(BaseModel):
    """One decision field, before and after the replay."""

    before: Any = Field(description="In the original record.")
    after: Any = Field(description="Under the current policy.")


class Replay(BaseModel):
    """A replay: the new record and what changed against the original."""

    original_id: str = Field(description="The record replayed.")
    changed: bool = Field(description="Whether the decision (strategy, score, risk, confidence) "
                                      "differs under the current policy.")
    changes: dict[str, FieldChange] = Field(description="Field → before/after, for the fields "
                                                        "that changed.")
    replay: Assessment = Field(description="The new record (`replay_of` = original_id).")
