"""GET /audit/verify: recompute the caller's hash chain (admin scope)."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter

from ..schemas.history import AuditVerification
from ..services import audit
from .deps import AdminCaller, SessionsDep

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", response_model=AuditVerification,
            summary="Verify the tenant's audit hash chain")
def verify_audit(caller: AdminCaller, sessions: SessionsDep) -> AuditVerification:
    """Walk the tenant's records in chain order; `first_bad_id` names the first record whose
    hash, back-link, sequence or indexed columns do not match its hashed content."""
    return AuditVerification(**dataclasses.asdict(audit.verify(sessions, caller.tenant)))
