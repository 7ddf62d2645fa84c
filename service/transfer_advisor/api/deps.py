"""Annotated dependencies: settings, the session factory, and the authenticated caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from pydantic import AfterValidator
from sqlalchemy.orm import Session, sessionmaker

from ..domain.vocabulary import Scope
from ..errors import MissingScope, RateLimited, Unauthorized
from ..schemas.assess import no_nul
from ..services import keys
from ..settings import Settings
from .ratelimit import RateLimiter, retry_after

ALL_SCOPES = frozenset(Scope)


@dataclass(frozen=True)
class Caller:
    tenant: str
    scopes: frozenset[str]
    key_id: str | None = None


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


SettingsDep = Annotated[Settings, Depends(get_settings)]
# Ids are 32 hex characters; a longer one or a NUL is no id of ours and never reaches the database.
AssessmentId = Annotated[str, Path(max_length=64, description="The assessment's id (`id`)."),
                         AfterValidator(no_nul)]
RankingId = Annotated[str, Path(max_length=64, description="The ranking's id (`id`)."),
                      AfterValidator(no_nul)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]


def authenticate_header(header: str, settings: Settings, sessions: sessionmaker[Session],
                        scope: str | None = None) -> Caller:
    """The caller an Authorization header names (401 without a valid key, 403 without `scope`)."""
    if not settings.auth_required and not header:
        return Caller(settings.default_tenant, ALL_SCOPES)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <key>'",
                           headers={"WWW-Authenticate": "Bearer"})
    found = keys.authenticate(sessions, token.strip())
    if found is None:
        raise Unauthorized("the API key is unknown or revoked",
                           headers={"WWW-Authenticate": "Bearer"})
    caller = Caller(found.tenant, frozenset(found.scopes.split()), found.id)
    if scope is not None and scope not in caller.scopes:
        raise MissingScope(f"this endpoint needs the '{scope}' scope")
    return caller


def get_caller(request: Request, settings: SettingsDep, sessions: SessionsDep) -> Caller:
    checked = getattr(request.state, "caller", None)  # by api.auth_gate, before the body
    if isinstance(checked, Caller):
        return checked
    return authenticate_header(request.headers.get("authorization", ""), settings, sessions)


def rate_limited_caller(request: Request, settings: SettingsDep, sessions: SessionsDep) -> Caller:
    """The caller, after spending one token of its key's bucket (429 + Retry-After when empty)."""
    caller = get_caller(request, settings, sessions)
    # Shared by every process on PostgreSQL; a database error fails closed (503, see
    # db/ratelimit.py).
    bucket: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if bucket is not None and bucket.enabled:
        # Without a key (auth disabled) the client address stands in for it.
        who = caller.key_id or f"addr:{request.client.host if request.client else '-'}"
        wait = bucket.take(who)
        if wait > 0:
            raise RateLimited(
                f"rate limit exceeded: rate_limit_per_second={settings.rate_limit_per_second:g}, "
                f"rate_limit_burst={settings.rate_limit_burst} per API key; retry later",
                headers={"Retry-After": retry_after(wait)},
                extra={"limit": "rate_limit_per_second"})
    return caller


CallerDep = Annotated[Caller, Depends(rate_limited_caller)]


def require_scope(scope: str) -> Callable[[Caller], Caller]:
    def check(caller: CallerDep) -> Caller:
        if scope not in caller.scopes:
            raise MissingScope(f"this endpoint needs the '{scope}' scope")
        return caller

    check.required_scope = scope  # type: ignore[attr-defined]  # read by api.auth_gate
    return check


AssessCaller = Annotated[Caller, Depends(require_scope(Scope.ASSESS))]
ReadCaller = Annotated[Caller, Depends(require_scope(Scope.READ))]
AdminCaller = Annotated[Caller, Depends(require_scope(Scope.ADMIN))]
