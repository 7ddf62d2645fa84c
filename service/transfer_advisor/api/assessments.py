"""History and single records: only HTTP translation; queries live in db/repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ..db.repositories import AssessmentRepository, HistoryFilter, decode_cursor, encode_cursor
from ..errors import InvalidInput, NotFound
from ..schemas.assess import Assessment, AssessmentPage, AssessmentSummary
from ..services.assess import stored_record
from .deps import ReadCaller, SessionsDep

router = APIRouter(tags=["assessments"])

StrategyParam = Literal["fine_tune", "feature_extraction", "train_from_scratch"]


@router.get("/assessments", response_model=AssessmentPage)
def list_assessments(
    caller: ReadCaller,
    sessions: SessionsDep,
    since: datetime | None = None,
    until: datetime | None = None,
    source_name: str | None = None,
    target_name: str | None = None,
    strategy: StrategyParam | None = None,
    extractor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> AssessmentPage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""
    position = None
    if cursor:
        try:
            position = decode_cursor(cursor)
        except (ValueError, TypeError, UnicodeDecodeError):
            raise InvalidInput.at("cursor", "is not a cursor this service issued") from None
    flt = HistoryFilter(_aware(since), _aware(until), source_name, target_name, strategy, extractor)
    with sessions() as session:
        rows = AssessmentRepository(session, caller.tenant).history(flt, limit + 1, position)
    items = [AssessmentSummary(
        id=r.id, created_at=r.created_at, source_name=r.source_name, target_name=r.target_name,
        strategy=r.strategy,
        transfer_score=r.transfer_score,
        negative_transfer_risk=r.negative_transfer_risk,
        confidence=r.confidence, policy_version=r.policy_version, extractor=r.extractor_name)
        for r in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(
        rows) > limit else None
    return AssessmentPage(items=items, next_cursor=next_cursor)


@router.get("/assessments/{assessment_id}", response_model=Assessment)
def get_assessment(assessment_id: str, caller: ReadCaller, sessions: SessionsDep) -> Assessment:
    with sessions() as session:
        row = AssessmentRepository(session, caller.tenant).get(assessment_id)
        if row is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        return Assessment.model_validate(stored_record(row))


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
