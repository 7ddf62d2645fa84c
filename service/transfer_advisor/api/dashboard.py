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

from ..dashboard import STATIC, TEMPLATES, build_overview
from ..db.repositories import AssessmentRepository, HistoryFilter
from ..errors import NotFound
from ..schemas.assess import Assessment
from ..services.assess import stored_record
from .deps import ReadCaller, SessionsDep

# The charts read at most this many of the newest records in the window (one query).
MAX_ROWS = 5000

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
    since = datetime.now(UTC) - timedelta(days=days)
    with sessions() as session:
        rows = AssessmentRepository(session, caller.tenant).history(HistoryFilter(since=since),
                                                                     MAX_ROWS + 1)
    overview = build_overview(rows[:MAX_ROWS], truncated=len(rows) > MAX_ROWS)
    return templates.TemplateResponse(
        request, "dashboard.html", _context(request, caller.tenant, overview=overview, days=days))


@router.get("/dashboard/assessments/{assessment_id}", response_class=HTMLResponse)
def dashboard_assessment(request: Request, assessment_id: str, caller: ReadCaller,
                         sessions: SessionsDep) -> HTMLResponse:
    with sessions() as session:
        row = AssessmentRepository(session, caller.tenant).get(assessment_id)
        if row is None:
            raise NotFound(f"no assessment {assessment_id!r}")
        record = Assessment.model_validate(stored_record(row))
    return templates.TemplateResponse(
        request, "assessment.html", _context(request, caller.tenant, a=record))


def install_dashboard(app: FastAPI) -> None:
    """The pages plus the vendored Chart.js and the page script, served by the app itself."""
    app.include_router(router)
    app.mount("/dashboard/static", StaticFiles(directory=STATIC), name="dashboard-static")
