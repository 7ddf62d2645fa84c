"""POST /assess: parse, call the use case, answer 201 with Location."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Response

from ..schemas.assess import Assessment, AssessRequest
from ..schemas.examples import ASSESS_EXAMPLES
from ..services import assess as assess_service
from .deps import AssessCaller, SessionsDep, SettingsDep
from .extractors import ExtractorsDep
from .json_body import FastJSONRoute
from .responses import created, problems

router = APIRouter(tags=["assess"], route_class=FastJSONRoute)


@router.post(
    "/assess", status_code=201, response_model=Assessment,
    summary="Assess one source/target pair",
    responses=created("/assessments/{id}") | problems(
        409, s409="The Idempotency-Key was used before with another body "
                  "(`/problems/idempotency-conflict`), or the tenant's active policy failed "
                  "its content check (`/problems/conflict`).",
        s503="Database or the named bundled extractor unavailable; retry after `Retry-After`."))
def assess(
    body: Annotated[AssessRequest, Body(openapi_examples=ASSESS_EXAMPLES)],
    response: Response,
    caller: AssessCaller,
    settings: SettingsDep,
    sessions: SessionsDep,
    extractors: ExtractorsDep,
    idempotency_key: Annotated[str | None, Header(
        min_length=1, max_length=200,
        description="Makes the POST safe to retry: the same key with the same body returns the "
                    "same record (nothing stored twice); with another body, 409.")] = None,
) -> Assessment:
    """Compute the shift and transferability metrics, decide with the tenant's policy and store
    the record in the audit chain; the answer is the stored record (`Location` names it).

    Each side is embeddings (JSON or base64), a summary (count, mean, covariance) or raw
    `inputs` for the named `extractor`. The metric work runs in a worker thread.
    """
    record = assess_service.assess(sessions, settings, body, caller.tenant, idempotency_key,
                                   extractors)
    response.headers["Location"] = f"/assessments/{record.id}"
    return Assessment.model_validate(record.as_wire())
