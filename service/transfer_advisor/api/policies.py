"""GET /policies, POST /policies/fit, POST /policies/{version}/activate: HTTP translation only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import AfterValidator

from ..schemas.assess import no_nul
from ..schemas.outcomes import Policy, PolicyFitRequest, PolicyList
from ..services import policies, policy_fit
from .deps import AdminCaller, Caller, ReadCaller, SessionsDep

router = APIRouter(tags=["policies"])

VersionPath = Annotated[str, Path(max_length=100), AfterValidator(no_nul)]


def actor(caller: Caller) -> str:
    """Who, for the audit trail: the API key's id (auth disabled: no key)."""
    return f"key:{caller.key_id}" if caller.key_id else "no key (auth disabled)"


@router.get("/policies", response_model=PolicyList)
def list_policies(caller: ReadCaller, sessions: SessionsDep) -> PolicyList:
    """The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess decides with."""
    items, active = policies.list_policies(sessions, caller.tenant)
    return PolicyList(items=[Policy.model_validate(p.as_wire()) for p in items],
                      active_version=active)


@router.post("/policies/fit", status_code=201, response_model=Policy)
def fit_policy(caller: AdminCaller, sessions: SessionsDep,
               body: Annotated[PolicyFitRequest | None, Body()] = None) -> Policy:
    """Fit a new version from the shipped calibration scenarios and the tenant's outcomes
    (features recomputed from the metrics stored in each assessment). Not active until
    activated. 422 (saying how many are needed) with too few outcomes."""
    request = body or PolicyFitRequest()
    info = policy_fit.fit(sessions, caller.tenant, actor(caller), request.include_shipped)
    return Policy.model_validate(info.as_wire())


@router.post("/policies/{version}/activate", response_model=Policy)
def activate_policy(version: VersionPath, caller: AdminCaller, sessions: SessionsDep) -> Policy:
    """Make `version` (shipped or the tenant's own) the one POST /assess decides with for this
    tenant; other tenants are untouched. Audited in the tenant's chain (who, when, which)."""
    return Policy.model_validate(
        policies.activate(sessions, caller.tenant, version, actor(caller)).as_wire())
