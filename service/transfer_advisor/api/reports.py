"""GET /assessments/{id}/report: one assessment as a self-contained HTML page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from ..services import reports
from .deps import AssessmentId, ReadCaller, SessionsDep
from .responses import problems

router = APIRouter(tags=["assessments"])

# The page carries its own style and no script; nothing may load from anywhere.
REPORT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
HTML_PAGE: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/html": {"schema": {"type": "string"}}},
    "description": "An HTML document with inline CSS and SVG, no script and no external "
                   "resource."}}


@router.get(
    "/assessments/{assessment_id}/report",
    response_class=HTMLResponse,
    summary="Render one assessment as a self-contained HTML report",
    responses=HTML_PAGE | problems(
        s404="No such assessment for this tenant (another tenant's id is also a 404)."),
)
def get_assessment_report(assessment_id: AssessmentId, caller: ReadCaller,
                          sessions: SessionsDep) -> HTMLResponse:
    """Decision, reasons, expected gain, every metric with what it means, the omitted metrics
    and the shift plots (inline SVG), for a review or a ticket. Its Content-Security-Policy
    lets the page load nothing from anywhere."""
    page = reports.report_html(sessions, caller.tenant, assessment_id)
    filename = f"assessment-{assessment_id}.html"
    return HTMLResponse(page, headers={**REPORT_HEADERS,
                                       "Content-Disposition": f'inline; filename="{filename}"'})
