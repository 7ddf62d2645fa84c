"""GET /dashboard and its drill-down: server-rendered HTML over the caller's history.

Not part of the OpenAPI document (HTML for people, not an API). Needs the `read` scope like
GET /assessments; with auth required, put it behind a proxy that adds the Bearer header.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..dashboard import STATIC, TEMPLATES
from ..services import calibration, history
from .assessments import assessment_or_404
from .deps import AssessmentId, ReadCaller, SessionsDep

# Pages show names clients chose: no inline script or style runs, no framing, no sniffing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(tags=["dashboard"], include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES)


def _context(request: Request, tenant: str, **extra: Any) -> dict[str, Any]:
    root = request.scope.get("root_path", "")
    return {"tenant": tenant, "root_path": root, "static_url": f"{root}/dashboard/static", **extra}


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    caller: ReadCaller,
    sessions: SessionsDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> HTMLResponse:
    overview = history.overview(sessions, caller.tenant, datetime.now(UTC) - timedelta(days=days))
    return templates.TemplateResponse(
        request, "dashboard.html", _context(request, caller.tenant, overview=overview, days=days,
                                            calibration=calibration.overview(sessions,
                                                                             caller.tenant)),
        headers=SECURITY_HEADERS)


@router.get("/dashboard/assessments/{assessment_id}", response_class=HTMLResponse)
def dashboard_assessment(request: Request, assessment_id: AssessmentId, caller: ReadCaller,
                         sessions: SessionsDep) -> HTMLResponse:
    record = assessment_or_404(sessions, caller.tenant, assessment_id)
    return templates.TemplateResponse(
        request, "assessment.html", _context(request, caller.tenant, a=record),
        headers=SECURITY_HEADERS)


def install_dashboard(app: FastAPI) -> None:
    """The pages plus the vendored Chart.js and the page script, served by the app itself."""
    app.include_router(router)
    app.mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static")
