"""ASGI middleware: check the API key and its scope from the headers, before any body is read.

FastAPI reads and parses a request body before it resolves dependencies, so a key checked in a
dependency comes after a 40 MB body has been received and parsed. This gate answers 401/403 from
the headers alone; the caller it found rides along in the request state, so the dependency does
not look the key up twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import AdvisorError
from .deps import Caller, authenticate_header
from .problems import DATABASE_ERRORS, database_problem, send_problem

CALLER_STATE = "caller"


def required_scope(route: Any) -> str | None:
    """The scope a route's dependencies demand (see deps.require_scope), or None."""
    if not isinstance(route, APIRoute):
        return None
    return next((getattr(d.call, "required_scope", None) for d in _walk(route.dependant)
                 if getattr(d.call, "required_scope", None)), None)


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _walk(sub)


def _matching_route(routes: Sequence[BaseRoute], scope: Scope) -> BaseRoute | None:
    """The route that will serve `scope`. Recent FastAPI keeps an included router as one node
    (`original_router`); this app includes its routers without a prefix, so their routes match
    the request path as they are."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found = _matching_route(inner.routes, scope)
            if found is not None:
                return found
            continue
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


class AuthGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._scopes: dict[int, str | None] = {}

    def _scope_of(self, scope: Scope) -> str | None:
        route = _matching_route(scope["app"].router.routes, scope)
        if route is None:
            return None
        key = id(route)
        if key not in self._scopes:
            self._scopes[key] = required_scope(route)
        return self._scopes[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        app_state = scope["app"].state
        needed = self._scope_of(scope)
        if needed is not None and app_state.settings.auth_required:
            headers = dict(scope.get("headers") or [])
            header = headers.get(b"authorization", b"").decode("latin-1")
            check: Callable[[], Caller] = lambda: authenticate_header(  # noqa: E731
                header, app_state.settings, app_state.sessions, needed)
            try:
                caller = await run_in_threadpool(check)
            except AdvisorError as err:
                await send_problem(send, err, scope.get("path", ""))
                return
            except DATABASE_ERRORS as exc:  # outside the app's handlers: map it here (503)
                await send_problem(send, database_problem(exc), scope.get("path", ""))
                return
            scope.setdefault("state", {})[CALLER_STATE] = caller
        await self.app(scope, receive, send)
