"""Request ids, structured JSON logs and Prometheus metrics.

One `Observability` ASGI middleware per app: it gives every request an id (the client's
`X-Request-ID` when it is sane, else a new one), echoes it on the response, times the request
per route template, counts problems by type and writes one JSON log line per request. Code
below the API reports assessments and metric timings through `report_evaluation`, which finds
the current app's metrics through a context variable (no-op outside a request, e.g. in benches).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api.problems import UNEXPECTED, InternalError, send_problem

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is echoed only if it cannot inject anything into headers or log lines.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_MAX_PROBLEM_BYTES = 64 * 1024

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
_metrics_var: ContextVar[Metrics | None] = ContextVar("metrics", default=None)

log = logging.getLogger("transfer_advisor.access")
error_log = logging.getLogger("transfer_advisor.errors")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
METRIC_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """The app's Prometheus collectors, in a registry of its own (tests build many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "transfer_advisor_http_request_duration_seconds", "HTTP request latency per route",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.requests = Counter(
            "transfer_advisor_http_requests", "HTTP responses per route and status",
            ["method", "route", "status"], registry=self.registry)
        self.problems = Counter(
            "transfer_advisor_problems", "problem+json responses per problem type",
            ["type", "status"], registry=self.registry)
        self.assessments = Counter(
            "transfer_advisor_assessments", "new assessments per recommended strategy",
            ["strategy"], registry=self.registry)
        self.metric_seconds = Histogram(
            "transfer_advisor_metric_compute_seconds", "compute time per metric",
            ["metric"], buckets=METRIC_BUCKETS, registry=self.registry)


def report_evaluation(strategy: str, seconds: dict[str, float]) -> None:
    """Count one new assessment and its metric timings (MetricRun.seconds)."""
    metrics = _metrics_var.get()
    if metrics is None:
        return
    metrics.assessments.labels(strategy).inc()
    for name, spent in seconds.items():
        metrics.metric_seconds.labels(name).observe(spent)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class Observability:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streaming bodies)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        id_token = request_id_var.set(request_id)
        metrics_token = _metrics_var.set(self.metrics)
        started = time.perf_counter()
        status = 500
        problem_chunks: list[bytes] | None = None
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, problem_chunks, started_response
            if message["type"] == "http.response.start":
                started_response = True
                status = int(message["status"])
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                if headers.get("content-type", "").startswith("application/problem+json"):
                    problem_chunks = []
            elif (message["type"] == "http.response.body" and problem_chunks is not None
                  and sum(map(len, problem_chunks)) < _MAX_PROBLEM_BYTES):
                problem_chunks.append(message.get("body", b""))
            await send(message)

        try:
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                if started_response:
                    raise
                # Answered here, inside the request's context, so the 500 carries X-Request-ID
                # and the traceback is logged under the same id.
                error_log.exception("unhandled error on %s", scope.get("path", ""))
                await send_problem(send_with_id, InternalError(UNEXPECTED), scope.get("path", ""))
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.request_seconds.labels(method, route).observe(elapsed)
            self.metrics.requests.labels(method, route, str(status)).inc()
            problem_type = None
            if problem_chunks is not None:
                problem_type = _problem_type(b"".join(problem_chunks))
                self.metrics.problems.labels(problem_type, str(status)).inc()
            log.info("request", extra={
                "method": method, "path": scope.get("path", ""), "route": route,
                "status": status, "duration_ms": round(elapsed * 1000, 3),
                "problem": problem_type})
            _metrics_var.reset(metrics_token)
            request_id_var.reset(id_token)


def _problem_type(body: bytes) -> str:
    try:
        value = json.loads(body).get("type")
    except (ValueError, AttributeError):
        return "unparsed"
    return value if isinstance(value, str) and len(value) <= 100 else "unparsed"


# ---- structured logging ---------------------------------------------------------------------

_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get()}
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in out and value is not None:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Stamps the current request id on records, so text logs carry it too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for the service and uvicorn: every line structured, with the request id."""
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT})
    handler = {"class": "logging.StreamHandler", "formatter": "default",
               "filters": ["request_id"], "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {
            "transfer_advisor": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "propagate": False},  # our own line replaces it
        },
    }
