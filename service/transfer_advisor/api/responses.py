"""What the OpenAPI document says about every operation: one place for the conventions.

A router declares only what is particular to it:

    @router.post("/things/{thing_id}/frob", status_code=201, response_model=Thing,
                 summary="Frob one thing", responses=problems(409) | created("/things/{id}"))
    def frob_thing(...) -> Thing:
        \"\"\"What it does, in a sentence or two (the operation's description).\"\"\"

The operation id is the function's name (`frob_thing`, so the generated client reads
`frob_thing.sync(...)`), set for every route by `operation_id_of`. `install_openapi` then adds what
follows from the route's dependencies, so no router repeats it:

- a required scope (deps.require_scope): Bearer security, 401, 403 and 429 (with Retry-After);
- the database (deps.SessionsDep): 503 with Retry-After;
- a request body: 413 and 422; any parameter: 422; a path parameter: 404;
- every status from 400 up is `application/problem+json` (the `Problem` schema), and so is
  `default`.

tests/test_openapi.py fails for any operation without a summary, a description, an explicit
operation id, these problem responses, or a schema property or parameter without a description.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from .auth_gate import required_scope
from .deps import get_sessions, rate_limited_caller
from .problems import PROBLEM_JSON

SECURITY_SCHEME = "bearerAuth"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.",
                               "schema": {"type": "integer", "minimum": 1}}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "`Bearer`: the scheme to use.",
                                         "schema": {"type": "string"}}}

# The meaning of each problem status in this API (RFC 9457 bodies, `type` names the case).
PROBLEM_STATUSES: dict[int, str] = {
    400: "Malformed request (e.g. a body that is not JSON).",
    401: "No API key, or an unknown or revoked one (`/problems/unauthorized`).",
    403: "The API key lacks the scope this operation needs (`/problems/missing-scope`).",
    404: "No such resource for this tenant (another tenant's id is also a 404).",
    409: "Conflicts with what is stored (e.g. an Idempotency-Key reused with another body).",
    413: "The body or a part of it is over a configured limit; `limit` names the setting.",
    422: "The input is not usable; `errors[].field` names each field (e.g. `source.embeddings`).",
    429: "Rate limit of this API key exceeded; retry after `Retry-After` seconds.",
    503: "Database (or a bundled extractor) unavailable; retry after `Retry-After` seconds.",
}
PROBLEM_HEADERS: dict[int, dict[str, Any]] = {401: WWW_AUTHENTICATE, 429: RETRY_AFTER,
                                              503: RETRY_AFTER}


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    """One problem+json response object for the OpenAPI document."""
    out: dict[str, Any] = {"description": description or PROBLEM_STATUSES.get(
        status, "Problem (RFC 9457)."),
                           "content": {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}}
    if status in PROBLEM_HEADERS:
        out["headers"] = dict(PROBLEM_HEADERS[status])
    return out


def problems(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: its own problem statuses (the derived ones come for free).

    A description particular to the route goes by keyword, `problems(409, s409="...")`; a
    keyword alone also declares its status (or rewords a derived one).
    """
    named = {int(key.removeprefix("s")) for key in descriptions}
    return {status: problem_response(status, descriptions.get(f"s{status}"))
            for status in sorted({*statuses, *named})}


def created(location: str) -> dict[int | str, dict[str, Any]]:
    """The `Location` header of a 201 (`location` is its form, e.g. `/assessments/{id}`)."""
    return {201: {"headers": {"Location": {"description": f"The new resource: `{location}`.",
                                           "schema": {"type": "string"}}}}}


def operation_id_of(route: APIRoute) -> str:
    """The operation id of every route: the endpoint function's name (`list_assessments`)."""
    return route.name


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _walk(sub)


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers that recent FastAPI keeps as one node."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def derived_statuses(route: APIRoute) -> tuple[str | None, list[int]]:
    """(required scope, problem statuses) that follow from the route's dependencies."""
    scope = required_scope(route)
    dependants = [route.dependant, *_walk(route.dependant)]
    calls = {d.call for d in dependants}
    path_params = [p for d in dependants for p in d.path_params]
    params = [p for d in dependants
              for p in (*d.path_params, *d.query_params, *d.header_params, *d.cookie_params)]
    statuses: list[int] = []
    if scope is not None:
        statuses += [401, 403]
    if rate_limited_caller in calls:
        statuses.append(429)
    if path_params:
        statuses.append(404)
    if route.body_field is not None:
        statuses.append(413)
    if route.body_field is not None or params:
        statuses.append(422)
    if get_sessions in calls:
        statuses.append(503)
    return scope, statuses


def _is_problem_status(code: str) -> bool:
    return code.isdigit() and int(code) >= 400


def _complete(operation: dict[str, Any], scope: str | None, statuses: list[int]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for code in [c for c in responses if _is_problem_status(c)]:
        content = responses[code].get("content") or {}
        # FastAPI's own 422 (HTTPValidationError as application/json) is never what is sent;
        # a status declared without content is a problem. A route's own body (e.g. /readyz's
        # 503) stays.
        if not content or "HTTPValidationError" in str(content):
            given = responses[code].get("description", "")
            custom = given if given and given != "Validation Error" else None
            responses[code] = problem_response(int(code), custom)
    for status in statuses:
        responses.setdefault(str(status), problem_response(status))
    responses["default"] = {"description": "Any other problem (RFC 9457).",
                            "content": {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}}
    operation["responses"] = dict(sorted(responses.items()))
    if scope is not None:
        operation["security"] = [{SECURITY_SCHEME: []}]
        note = (f"Needs an API key with the `{scope}` scope (`Authorization: Bearer <key>`; "
                "not needed when the server runs with auth disabled on loopback).")
        operation["description"] = f"{operation.get('description', '').rstrip()}\n\n{note}".strip()


def install_openapi(app: FastAPI, problem_schema: dict[str, Any]) -> None:
    """Wrap `app.openapi` to apply the conventions above once, when the schema is first built."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        paths = schema.get("paths", {})
        for route in _api_routes(app.router.routes):
            if not route.include_in_schema:
                continue
            scope, statuses = derived_statuses(route)
            for method in route.methods or ():
                operation = paths.get(route.path_format, {}).get(method.lower())
                if operation is not None:
                    _complete(operation, scope, statuses)
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        schemas["Problem"] = problem_schema
        components["securitySchemes"] = {SECURITY_SCHEME: {
            "type": "http", "scheme": "bearer",
            "description": "An API key from `transfer-advisor keys create` (shown once). Scopes: "
                           "`assess` (POST /assess, replay), `read` (history, stats, "
                           "extractors), `admin` (register extractors, verify the audit trail)."}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
