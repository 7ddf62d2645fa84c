"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import generate_latest
from sqlalchemy import text

from ..schemas.health import Liveness, Readiness
from .deps import SessionsDep

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Liveness, summary="Liveness probe")
def healthz() -> Liveness:
    """Answers while the process runs, whatever the database (use /readyz for traffic)."""
    return Liveness(status="ok")


@router.get("/readyz", response_model=Readiness, summary="Readiness probe",
            responses={503: {"model": Readiness, "description": "Not ready: `checks` says why."}})
def readyz(request: Request, sessions: SessionsDep) -> JSONResponse:
    """Ready when the database answers and every extractor that should load has its file."""
    checks: dict[str, str] = {}
    try:
        with sessions() as session:
            session.execute(text("SELECT 1"))
        problems = request.app.state.extractors.integrity_problems()
        checks["database"] = "ok"
        checks["extractors"] = "ok" if not problems else "; ".join(
            f"{name}: {why}" for name, why in sorted(problems.items()))
    except Exception as exc:  # readiness reports any failure rather than raising it
        checks.setdefault("database", f"unavailable: {exc.__class__.__name__}")
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                        status_code=200 if ready else 503)


# The classic text format every Prometheus scrapes; pinned so the schema is the same whatever
# prometheus-client version is installed (newer ones default to version=1.0.0).
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/metrics", response_class=Response, summary="Prometheus metrics",
            responses={200: {"description": "Prometheus text exposition format.",
                             "content": {PROMETHEUS_TEXT: {"schema": {"type": "string"}}}}})
def prometheus_metrics(request: Request) -> Response:
    """Prometheus text format: latency per route, assessments per strategy, metric compute
    time per metric, problems per type. Counters are per process."""
    return Response(generate_latest(request.app.state.metrics.registry),
                    media_type=PROMETHEUS_TEXT)
