"""GET /dashboard and its drill-down: server-rendered HTML over the caller's history.

Not part of the OpenAPI document (HTML for people, not an API). Needs the `read` scope like
GET /assessments; with auth required, put it behind a proxy that adds the Bearer header.
The URL holds the filters and the page cursor (see dashboard/query.py); a bad one, or an
unknown record, answers an HTML page that says what to fix, not problem+json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..dashboard import STATIC, TEMPLATES, query
from ..dashboard.glossary import METRIC_HELP, TERMS, help_for
from ..domain.vocabulary import Risk, Strategy
from ..errors import AdvisorError, InvalidInput, NotFound
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
    return {"tenant": tenant, "root_path": root, "static_url": f"{root}/dashboard/static",
            "help": help_for, "terms": TERMS, "metric_help": METRIC_HELP,
            "strategies": list(Strategy), "risks": list(Risk), **extra}


def _error_page(request: Request, tenant: str, err: AdvisorError,
                q: query.DashboardQuery | None) -> HTMLResponse:
    """The problem as a page: what was wrong, field by field, and the form to fix it."""
    shown = q or query.DashboardQuery(values={k: v for k, v in request.query_params.items()
                                              if k in query.FIELDS})
    return templates.TemplateResponse(
        request, "error.html",
        _context(request, tenant, err=err, q=shown, bad={e.field for e in err.errors}),
        status_code=err.status, headers=SECURITY_HEADERS)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, caller: ReadCaller, sessions: SessionsDep) -> HTMLResponse:
    """Filters (as GET /assessments, plus `days`), `cursor` for older rows; see query.py."""
    q: query.DashboardQuery | None = None
    now = datetime.now(UTC)
    try:
        q = query.parse(request.query_params)
        overview = history.overview(sessions, caller.tenant, q.history_filter(now), q.cursor,
                                    q.pair)
    except InvalidInput as err:
        return _error_page(request, caller.tenant, err, q)
    return templates.TemplateResponse(
        request, "dashboard.html",
        _context(request, caller.tenant, overview=overview, q=q, api_query=q.api_link(now),
                 calibration=calibration.overview(sessions, caller.tenant)),
        headers=SECURITY_HEADERS)


@router.get("/dashboard/assessments/{assessment_id}", response_class=HTMLResponse)
def dashboard_assessment(request: Request, assessment_id: AssessmentId, caller: ReadCaller,
                         sessions: SessionsDep) -> HTMLResponse:
    try:
        record = assessment_or_404(sessions, caller.tenant, assessment_id)
    except NotFound as err:
        return _error_page(request, caller.tenant, err, None)
    return templates.TemplateResponse(
        request, "assessment.html", _context(request, caller.tenant, a=record),
        headers=SECURITY_HEADERS)


def install_dashboard(app: FastAPI) -> None:
    """The pages plus the vendored Chart.js and the page script, served by the app itself."""
    app.include_router(router)
    app.mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static")
