"""POST /assess: parse, call the use case, answer 201 with Location."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from ..schemas.assess import Assessment, AssessRequest
from ..services import assess as assess_service
from .deps import AssessCaller, SessionsDep, SettingsDep
from .extractors import ExtractorsDep
from .json_body import FastJSONRoute

router = APIRouter(tags=["assess"], route_class=FastJSONRoute)


@router.post("/assess", status_code=201, response_model=Assessment,
             responses={201: {"headers": {"Location": {"schema": {"type": "string"}}}}})
def post_assess(
    body: AssessRequest,
    response: Response,
    caller: AssessCaller,
    settings: SettingsDep,
    sessions: SessionsDep,
    extractors: ExtractorsDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> Assessment:
    """Assess one source/target pair and store the record (sync: metric work runs in a thread)."""
    record = assess_service.assess(sessions, settings, body, caller.tenant, idempotency_key,
                                   extractors)
    response.headers["Location"] = f"/assessments/{record.id}"
    return Assessment.model_validate(record.as_wire())
