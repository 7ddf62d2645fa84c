"""POST /rank and GET /rankings/{id}: parse, call the use case, answer (201 with Location)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from ..schemas.rank import Ranking, RankRequest
from ..services import rank as rank_service
from .deps import AssessCaller, AssessmentId, ReadCaller, SessionsDep, SettingsDep
from .extractors import ExtractorsDep

router = APIRouter(tags=["rank"])


@router.post("/rank", status_code=201, response_model=Ranking,
             responses={201: {"headers": {"Location": {"schema": {"type": "string"}}}}})
def post_rank(
    body: RankRequest,
    response: Response,
    caller: AssessCaller,
    settings: SettingsDep,
    sessions: SessionsDep,
    extractors: ExtractorsDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> Ranking:
    """Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain; each candidate is assessed as POST /assess would. Stored in the tenant's
    hash chain (sync: metric work runs in a thread)."""
    record = rank_service.rank(sessions, settings, body, caller.tenant, idempotency_key,
                               extractors)
    response.headers["Location"] = f"/rankings/{record.id}"
    return Ranking.model_validate(record.as_wire())


@router.get("/rankings/{ranking_id}", response_model=Ranking)
def get_ranking(ranking_id: AssessmentId, caller: ReadCaller, sessions: SessionsDep) -> Ranking:
    """One of the tenant's stored rankings (another tenant's id is a 404)."""
    return Ranking.model_validate(
        rank_service.get_ranking(sessions, caller.tenant, ranking_id).as_wire())
