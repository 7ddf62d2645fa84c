"""History, stats, one record and replay: only HTTP translation to the history/records use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import AfterValidator
from sqlalchemy.orm import Session, sessionmaker

from ..domain.record import HistoryFilter
from ..domain.vocabulary import Risk, Strategy
from ..errors import InvalidInput
from ..schemas.assess import Assessment, AssessmentPage, AssessmentSummary, no_nul_or_none
from ..schemas.history import Replay, Stats
from ..schemas.outcomes import ReplayRequest
from ..services import history, outcomes
from ..services import replay as replay_service
from .deps import AssessCaller, AssessmentId, ReadCaller, SessionsDep
from .responses import created, problems

router = APIRouter(tags=["assessments"])


def _name(what: str) -> object:
    return Query(min_length=1, max_length=200, description=f"Only records whose {what} is this.")


def history_filter(
    since: Annotated[datetime | None, Query(description="ISO 8601, inclusive; naive = UTC")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601, exclusive; naive = UTC")] = None,
    source_name: Annotated[str | None, _name("source dataset name"),
                           AfterValidator(no_nul_or_none)] = None,
    target_name: Annotated[str | None, _name("target dataset name"),
                           AfterValidator(no_nul_or_none)] = None,
    strategy: Annotated[Strategy | None, Query(
        description="Only records with this recommended strategy.")] = None,
    extractor: Annotated[str | None, _name("extractor (name used for raw inputs)"),
                         AfterValidator(no_nul_or_none)] = None,
    negative_transfer_risk: Annotated[Risk | None, Query(
        description="Only records with this negative-transfer risk.")] = None,
    policy_version: Annotated[str | None, Query(
        min_length=1, max_length=200,
        description="Only records decided under this policy version (GET /policies)."),
                              AfterValidator(no_nul_or_none)] = None,
) -> HistoryFilter:
    since, until = _utc(since, "since"), _utc(until, "until")
    if since is not None and until is not None and since >= until:
        raise InvalidInput.at("until", "must be later than since")
    return HistoryFilter(since, until, source_name, target_name, strategy, extractor,
                         negative_transfer_risk, policy_version)


FilterDep = Annotated[HistoryFilter, Depends(history_filter)]


@router.get("/assessments", response_model=AssessmentPage,
            summary="List assessments, newest first (paged)")
def list_assessments(
    caller: ReadCaller,
    sessions: SessionsDep,
    flt: FilterDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    cursor: Annotated[str | None, Query(
        max_length=200, description="`next_cursor` of the previous page; omit for the first.")
    ] = None,
) -> AssessmentPage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page.

    Pages follow the tenant's chain order (`seq`): records that arrive while a client pages
    appear before its first page, never inside or between later pages, so paging has no
    duplicate and no gap.
    """
    found = history.page(sessions, caller.tenant, flt, limit, cursor)
    items = [AssessmentSummary.model_validate(item, from_attributes=True) for item in found.items]
    return AssessmentPage(items=items, next_cursor=found.next_cursor)


# Declared before /assessments/{assessment_id}, which would otherwise capture "stats".
@router.get("/assessments/stats", response_model=Stats,
            summary="Count assessments per strategy per time bucket")
def get_assessment_stats(
    caller: ReadCaller,
    sessions: SessionsDep,
    flt: FilterDep,
    bucket: Annotated[Literal["hour", "day", "week"], Query(
        description="Bucket width (UTC; weeks start on Monday).")] = "day",
) -> Stats:
    """Counts per strategy per UTC bucket (weeks start on Monday), with the history filters."""
    return Stats.model_validate(history.stats(sessions, caller.tenant, bucket, flt))


@router.get("/assessments/{assessment_id}", response_model=Assessment,
            summary="Get one assessment record")
def get_assessment(assessment_id: AssessmentId, caller: ReadCaller, sessions: SessionsDep) -> Assessment:
    """The full stored record: recommendation, metrics, evidence and its audit hashes."""
    return assessment_or_404(sessions, caller.tenant, assessment_id)


def assessment_or_404(sessions: sessionmaker[Session], tenant: str, assessment_id: str) -> Assessment:
    """The tenant's record in its wire form, with its outcomes (also the dashboard's
    drill-down)."""
    return Assessment.model_validate(outcomes.assessment_wire(sessions, tenant, assessment_id))


@router.post("/assessments/{assessment_id}/replay", status_code=201, response_model=Replay,
             summary="Replay an assessment under the active or a named policy",
             responses=created("/assessments/{id}") | problems(
                 409, s409="The stored original fails its integrity check (it was edited); "
                           "nothing stored."))
def replay_assessment(assessment_id: AssessmentId, response: Response, caller: AssessCaller,
                      sessions: SessionsDep,
                      body: Annotated[ReplayRequest | None, Body()] = None) -> Replay:
    """Run the stored evidence through a policy: `policy_version` (shipped or the tenant's own
    fit; a shadow evaluation before activating it), by default the tenant's active one. The
    result is stored as a new record with `replay_of` = this id (the original is never
    modified), and the answer says what changed."""
    version = body.policy_version if body is not None else None
    result = replay_service.replay(sessions, caller.tenant, assessment_id, version)
    response.headers["Location"] = f"/assessments/{result['replay']['id']}"
    return Replay.model_validate(result)


def _utc(value: datetime | None, field: str) -> datetime | None:
    """Naive = UTC; an instant with no UTC equivalent (0001-01-01T00:00+14:00) is refused."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput.at(field, "is outside the range of UTC datetimes") from None
