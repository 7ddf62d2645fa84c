"""GET /policies, POST /policies/fit, POST /policies/{version}/activate: HTTP translation only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import AfterValidator

from ..schemas.assess import no_nul
from ..schemas.outcomes import Policy, PolicyFitRequest, PolicyList
from ..services import policies, policy_fit
from .deps import AdminCaller, Caller, ReadCaller, SessionsDep
from .responses import problems

router = APIRouter(tags=["policies"])

VersionPath = Annotated[str, Path(max_length=100, description="The policy version (`version` "
                                                              "in GET /policies)."),
                        AfterValidator(no_nul)]


def actor(caller: Caller) -> str:
    """Who, for the audit trail: the API key's id (auth disabled: no key)."""
    return f"key:{caller.key_id}" if caller.key_id else "no key (auth disabled)"


@router.get("/policies", response_model=PolicyList,
            summary="List the decision-policy versions this tenant can use")
def list_policies(caller: ReadCaller, sessions: SessionsDep) -> PolicyList:
    """The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess and POST /rank decide with, and `events` lists who fitted or activated
    each one when."""
    items, active = policies.list_policies(sessions, caller.tenant)
    return PolicyList(items=[Policy.model_validate(p.as_wire()) for p in items],
                      active_version=active)


@router.post(
    "/policies/fit", status_code=201, response_model=Policy,
    summary="Fit a new policy version from the tenant's outcomes",
    responses=problems(
        s422="Too few outcomes (`errors[].field` is `outcomes`; the members `outcomes` and "
             "`outcomes_needed` give the counts), or an unusable body. Nothing stored."))
def fit_policy(caller: AdminCaller, sessions: SessionsDep,
               body: Annotated[PolicyFitRequest | None, Body()] = None) -> Policy:
    """Fit a new version from the shipped calibration scenarios (unless `include_shipped` is
    false) and the tenant's outcomes, features recomputed from the metrics stored in each
    assessment. Stored, audited, and not active until activated; the same fit again returns the
    stored version. 422 (saying how many are needed) with outcomes on fewer than 10
    assessments."""
    request = body or PolicyFitRequest()
    info = policy_fit.fit(sessions, caller.tenant, actor(caller), request.include_shipped)
    return Policy.model_validate(info.as_wire())


@router.post(
    "/policies/{version}/activate", response_model=Policy,
    summary="Activate a policy version for this tenant",
    responses=problems(
        409, s404="No such version: neither shipped nor fitted by this tenant (another "
                  "tenant's fit is also a 404).",
        s409="The stored version failed its content check (its parameters do not hash to "
             "it); not activated."))
def activate_policy(version: VersionPath, caller: AdminCaller, sessions: SessionsDep) -> Policy:
    """Make `version` (shipped or the tenant's own) the one POST /assess and POST /rank decide
    with for this tenant; other tenants are untouched. Audited in the tenant's chain (who, when,
    which, instead of which)."""
    return Policy.model_validate(
        policies.activate(sessions, caller.tenant, version, actor(caller)).as_wire())
