"""Render every error as RFC 9457 application/problem+json."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from ..errors import AdvisorError, Conflict, DatabaseUnavailable, InvalidInput

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = "5"
log = logging.getLogger("transfer_advisor.errors")


def problem_response(status: int, slug: str, title: str, detail: str, instance: str,
                     errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None,
                     extra: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": f"/problems/{slug}", "title": title, "status": status,
                            "detail": detail, "instance": instance}
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem(err: AdvisorError, instance: str) -> JSONResponse:
    return problem_response(err.status, err.slug, err.title, err.detail, instance,
                            [e.as_dict() for e in err.errors], err.headers, err.extra)


class ProblemInTransit(StarletteHTTPException):
    """An AdvisorError raised where only HTTPExceptions pass through, e.g. from the body stream
    (FastAPI turns any other exception while reading the body into a 400)."""

    def __init__(self, err: AdvisorError) -> None:
        super().__init__(err.status, err.detail)
        self.problem = err


async def send_problem(send: Send, err: AdvisorError, instance: str) -> None:
    """Answer with `err` from raw ASGI code (middleware), headers included."""
    response = problem(err, instance)
    await send({"type": "http.response.start", "status": response.status_code,
                "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _field_path(loc: tuple[Any, ...]) -> str:
    """('body', 'source', 'embeddings', 'shape') → 'source.embeddings.shape'.

    Union branches add the model name to the location (e.g. 'EncodedMatrix',
    'list[list[...]]'); they are dropped so the path names only the client's fields.
    """
    parts: list[str] = []
    for item in loc[1:] if loc and loc[0] in {"body", "query", "path", "header"} else loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif isinstance(item, str) and (item[:1].isupper() or "[" in item or "-" in item):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "body"


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for error in exc.errors():
        if error.get("type") == "json_invalid":  # loc is ('body', char offset): name the body
            where = error.get("loc", ())[-1]
            seen.setdefault("body", f"is not valid JSON ({error.get('ctx', {}).get('error', '')}"
                                    f" at position {where})")
            continue
        path = _field_path(tuple(error.get("loc", ())))
        seen.setdefault(path, str(error.get("msg", "invalid")))
    return [{"field": field, "message": message} for field, message in seen.items()]


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(AdvisorError)
    async def _advisor(request: Request, exc: AdvisorError) -> JSONResponse:
        return problem(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc)
        fields = ", ".join(e["field"] for e in errors[:5])
        return problem_response(422, "validation-error", "Request failed validation",
                                f"invalid field(s): {fields}", request.url.path, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, ProblemInTransit):
            return problem(exc.problem, request.url.path)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem_response(exc.status_code, slug, str(exc.detail), str(exc.detail),
                                request.url.path, headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        return problem(database_problem(exc), request.url.path)


DATABASE_ERRORS = (DBAPIError, PoolTimeout)


def database_problem(exc: Exception) -> AdvisorError:
    """Only an outage is a 503: a value the database refuses or a lost race is the client's.
    A timeout (connect, statement, lock, pool checkout, stalled round trip) is an outage."""
    if isinstance(exc, IntegrityError):
        log.info("database refused a duplicate: %s", exc.__class__.__name__)
        return Conflict("the request conflicts with a concurrent one that was stored first; "
                        "read it back or retry")
    if isinstance(exc, DataError):
        log.info("database refused a value: %s", exc.__class__.__name__)
        return InvalidInput("a value in the request cannot be stored (e.g. a NUL character "
                            "or a number out of range)")
    log.warning("database unavailable: %s", exc.__class__.__name__)
    return DatabaseUnavailable(
        "the database is unreachable or did not confirm the write; retry later (with "
        "the same Idempotency-Key the retry cannot store twice)",
        headers={"Retry-After": RETRY_AFTER_SECONDS})


class InternalError(AdvisorError):
    """What a client sees of a bug: the request id in its headers finds the logged traceback."""


UNEXPECTED = "an unexpected error occurred; it has been logged with this response's X-Request-ID"


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "detail"],
    "description": "RFC 9457 problem details, as every error is answered "
                   "(`application/problem+json`).",
    "properties": {
        "type": {"type": "string", "description": "Names the kind of problem, e.g. "
                 "`/problems/invalid-input`, `/problems/not-found`, `/problems/rate-limited`."},
        "title": {"type": "string", "description": "Short summary of the kind of problem."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong in this request."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {"type": "array", "description": "The fields at fault (validation problems).",
                   "items": {"type": "object", "required": ["field", "message"],
                             "properties": {
                                 "field": {"type": "string", "description":
                                           "Dotted path of the field, e.g. `source.embeddings`."},
                                 "message": {"type": "string",
                                             "description": "What is wrong with it."}}}},
        "limit": {"type": "string", "description": "The setting whose limit was hit (413, 429, "
                  "time budget), e.g. `max_body_bytes` (env TRANSFER_ADVISOR_MAX_BODY_BYTES)."}},
}
