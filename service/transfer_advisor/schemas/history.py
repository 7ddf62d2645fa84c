"""Wire models for stats, audit verification and replay (mirror the contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from .assess import Assessment


class StrategyCounts(BaseModel):
    fine_tune: int = 0
    feature_extraction: int = 0
    train_from_scratch: int = 0


class StatsBucket(BaseModel):
    start: datetime
    counts: StrategyCounts
    total: int
    mean_transfer_score: float | None


class Stats(BaseModel):
    bucket: Literal["hour", "day", "week"]
    buckets: list[StatsBucket] = Field(
        description="Non-empty buckets only, oldest first; starts are UTC (weeks start Monday).")
    totals: StrategyCounts
    total: int


class AuditVerification(BaseModel):
    ok: bool
    checked: int = Field(description="Records examined, in chain order, up to the first bad one.")
    first_bad_id: str | None
    problem: str | None = Field(default=None, description="What is wrong, when ok is false.")


class FieldChange(BaseModel):
    before: Any
    after: Any


class Replay(BaseModel):
    original_id: str
    changed: bool = Field(description="Whether the decision (strategy, score, risk, confidence) "
                                      "differs under the current policy.")
    changes: dict[str, FieldChange]
    replay: Assessment
