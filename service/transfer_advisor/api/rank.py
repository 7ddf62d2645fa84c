"""POST /rank and GET /rankings/{id}: parse, call the use case, answer (201 with Location)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from ..schemas.rank import Ranking, RankRequest
from ..services import rank as rank_service
from .deps import AssessCaller, RankingId, ReadCaller, SessionsDep, SettingsDep
from .extractors import ExtractorsDep
from .responses import created, problems

router = APIRouter(tags=["rank"])


@router.post(
    "/rank", status_code=201, response_model=Ranking,
    summary="Rank candidate sources for one target",
    responses=created("/rankings/{id}") | problems(
        409, s409="The Idempotency-Key was used before with another body "
                  "(`/problems/idempotency-conflict`), or the tenant's active policy failed "
                  "its content check (`/problems/conflict`).",
        s413="The body, the rows or values of all candidates together, or "
             "`options.permutations` is over a configured limit; `limit` names the setting.",
        s422="A candidate or the target is not usable (or the metric time budget ran out); "
             "`errors[].field` names it, e.g. `candidates[2].target` or "
             "`candidates[0].extractor`. Nothing stored.",
        s503="Database or a candidate's bundled extractor unavailable; retry after "
             "`Retry-After`."))
def rank_candidates(
    body: RankRequest,
    response: Response,
    caller: AssessCaller,
    settings: SettingsDep,
    sessions: SessionsDep,
    extractors: ExtractorsDep,
    idempotency_key: Annotated[str | None, Header(
        min_length=1, max_length=200,
        description="Makes the POST safe to retry: the same key with the same body returns the "
                    "same ranking before any work (nothing stored twice); with another body, "
                    "409.")] = None,
) -> Ranking:
    """Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain (ties by transfer score), each assessed as POST /assess would with the
    tenant's active policy. The order reads the policy's heads on the features as measured (not
    clipped to the calibrated range), the source shift held equal in the gain when the target's
    labels measured the features; each item's last reason says what placed it, `separated_by`
    and `reasons` why the first beats the second.
    Stored in the tenant's hash chain (`Location` names it); the metric work runs in a worker
    thread."""
    record = rank_service.rank(sessions, settings, body, caller.tenant, idempotency_key,
                               extractors)
    response.headers["Location"] = f"/rankings/{record.id}"
    return Ranking.model_validate(record.as_wire())


@router.get("/rankings/{ranking_id}", response_model=Ranking, summary="Get one stored ranking",
            responses=problems(s404="No such ranking for this tenant (another tenant's id is "
                                    "also a 404)."))
def get_ranking(ranking_id: RankingId, caller: ReadCaller, sessions: SessionsDep) -> Ranking:
    """One of the tenant's stored rankings (another tenant's id is a 404)."""
    return Ranking.model_validate(
        rank_service.get_ranking(sessions, caller.tenant, ranking_id).as_wire())
