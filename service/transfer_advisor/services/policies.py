"""Decision-policy versions as use cases: list, fit from outcomes, activate, and the policy
POST /assess and replays decide with.

A tenant's active policy is its latest `policy_activation` chain entry (the shipped policy until
it activates one). Fits and activations are appended to the tenant's hash chain with who made
them; a fitted policy's row is stored in the same transaction as its fit entry. A stored policy
is used only after its content is checked against its version (a hash of the parameter file).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..db.chain import ChainEntryRepository, PolicyRepository
from ..db.models import PolicyRow, utcnow
from ..domain import policy
from ..domain.chain import ChainEntry
from ..domain.policy.cases import shipped_cases
from ..domain.policy.fit import lofo_report
from ..errors import Conflict, NotFound
from . import records

ACTIVATION = "policy_activation"
FIT = "policy_fit"
_CACHE_SIZE = 64
_parsed: dict[str, policy.PolicyParams] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class PolicyInfo:
    """A policy version as GET /policies shows it."""

    version: str
    tenant: str | None
    active: bool
    created_at: datetime
    sha256: str
    fitted_on: dict[str, Any]
    report: dict[str, Any]
    events: tuple[dict[str, Any], ...] = ()

    def as_wire(self) -> dict[str, Any]:
        return {"version": self.version, "tenant": self.tenant, "active": self.active,
                "created_at": self.created_at, "sha256": self.sha256,
                "fitted_on": {"scenarios": int(self.fitted_on.get("scenarios") or 0),
                              "outcomes": int(self.fitted_on.get("outcomes") or 0)},
                "report": self.report, "events": list(self.events)}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def shipped_row_values() -> dict[str, Any]:
    """The shipped parameter file as a policy row (tenant NULL)."""
    text = policy.PARAMS_PATH.read_text()
    raw = json.loads(text)
    fitted = raw.get("fitted_on") or {}
    return {"version": policy.parse_params(text.encode()).version, "params": text,
            "sha256": sha256_text(text),
            "fitted_on": {**fitted, "scenarios": int(fitted.get("scenarios") or 0),
                          "outcomes": 0},
            "report": lofo_report(raw)}


def ensure_shipped(sessions: sessionmaker[Session]) -> str:
    """Store the shipped policy's row if this database has not seen this version yet."""
    values = shipped_row_values()
    with sessions() as session:
        if PolicyRepository(session, None).exists(values["version"]):
            return str(values["version"])
        PolicyRepository(session, None).add(created_at=utcnow(), **values)
        try:
            session.commit()
        except IntegrityError:  # another process stored it first
            session.rollback()
    return str(values["version"])


def active_version(session: Session, tenant: str) -> str:
    latest = ChainEntryRepository(session, tenant).latest(ACTIVATION)
    return policy.POLICY_VERSION if latest is None else latest.subject


def _checked(row: PolicyRow) -> policy.PolicyParams:
    """The parsed parameters of a stored row, refused when they do not hash to its version."""
    with _lock:
        cached = _parsed.get(row.version)
    if cached is not None:
        return cached
    params = policy.parse_params(row.params.encode())
    if params.version != row.version or sha256_text(row.params) != row.sha256:
        raise Conflict(f"policy {row.version!r} failed its content check (its parameters do "
                       "not hash to its version); it is not used")
    with _lock:
        if len(_parsed) >= _CACHE_SIZE:
            _parsed.pop(next(iter(_parsed)))
        _parsed[row.version] = params
    return params


def params_for(sessions: sessionmaker[Session], tenant: str,
               version: str | None = None) -> policy.PolicyParams:
    """The named version (shipped or the tenant's own; 404 otherwise), else the active one."""
    with sessions() as session:
        wanted = version or active_version(session, tenant)
        if wanted == policy.POLICY_VERSION:
            return policy.load_params()
        row = PolicyRepository(session, tenant).get(wanted)
        if row is None:
            raise NotFound(f"no policy version {wanted!r}")
        return _checked(row)


def list_policies(sessions: sessionmaker[Session], tenant: str) -> tuple[list[PolicyInfo], str]:
    """Shipped versions and the tenant's fits, oldest first, and the active version."""
    ensure_shipped(sessions)
    with sessions() as session:
        active = active_version(session, tenant)
        rows = PolicyRepository(session, tenant).list()
        events = _events(session, tenant)
        return [_info(r, active, events.get(r.version, ())) for r in rows], active


def _events(session: Session, tenant: str,
            versions: list[str] | None = None) -> dict[str, tuple[dict[str, Any], ...]]:
    """Version → the tenant's fits and activations of it (who, when), oldest first."""
    repo = ChainEntryRepository(session, tenant)
    found: dict[str, list[dict[str, Any]]] = {}
    entries = [*repo.of_kind(FIT, versions), *repo.of_kind(ACTIVATION, versions)]
    for e in sorted(entries, key=lambda e: str(e.created_at)):
        found.setdefault(e.subject, []).append({
            "event": "fit" if e.kind == FIT else "activation", "at": e.created_at,
            "actor": e.data.get("actor"), "entry_id": e.id})
    return {k: tuple(v) for k, v in found.items()}


def _info(row: PolicyRow, active: str,
          events: tuple[dict[str, Any], ...] = ()) -> PolicyInfo:
    return PolicyInfo(row.version, row.tenant, row.version == active, row.created_at, row.sha256,
                      dict(row.fitted_on), dict(row.report), events)


def get_policy(sessions: sessionmaker[Session], tenant: str, version: str) -> PolicyInfo:
    ensure_shipped(sessions)
    with sessions() as session:
        return _info_of(session, tenant, version)


def activate(sessions: sessionmaker[Session], tenant: str, version: str,
             actor: str) -> PolicyInfo:
    """Make `version` the tenant's policy (audited: who, when, which, instead of which)."""
    ensure_shipped(sessions)
    with sessions() as session:
        row = PolicyRepository(session, tenant).get(version)
        if row is None:
            raise NotFound(f"no policy version {version!r}")
        _checked(row)  # never activate a policy that fails its content check
        previous = active_version(session, tenant)
    records.append_entry(sessions, ChainEntry(ACTIVATION, tenant, version,
                                              {"actor": actor, "previous": previous}))
    return get_policy(sessions, tenant, version)


def fit_report(params: dict[str, Any]) -> dict[str, Any]:
    """A tenant fit's report: the LOFO figures and, when the vendor policy was a candidate, each
    candidate's accuracy on the tenant's outcomes and the choice (kept the vendor, or a share)."""
    guard = (params.get("fitted_on") or {}).get("tenant_guard")
    return {**lofo_report(params), **({} if guard is None else {"tenant_guard": guard})}


def store_fit(sessions: sessionmaker[Session], tenant: str, params: dict[str, Any],
              actor: str) -> PolicyInfo:
    """Store a fitted parameter file as the tenant's new version with its audited fit entry;
    the same file fitted again is the same version, returned as it is."""
    text = json.dumps(params, indent=2) + "\n"
    version = policy.parse_params(text.encode()).version
    fitted_on = dict(params.get("fitted_on") or {})
    with sessions() as session:
        if PolicyRepository(session, tenant).get(version) is not None:
            return _info_of(session, tenant, version)
        if PolicyRepository(session, tenant).exists(version):
            raise Conflict(f"policy version {version!r} already exists")

    def add_row(session: Session) -> None:
        PolicyRepository(session, tenant).add(version, text, sha256_text(text), fitted_on,
                                              fit_report(params), utcnow())

    records.append_entry(sessions, ChainEntry(FIT, tenant, version, {
        "actor": actor, "sha256": sha256_text(text),
        "scenarios": fitted_on.get("scenarios"), "outcomes": fitted_on.get("outcomes")}),
        also=add_row)
    return get_policy(sessions, tenant, version)


def _info_of(session: Session, tenant: str, version: str) -> PolicyInfo:
    row = PolicyRepository(session, tenant).get(version)
    if row is None:
        raise NotFound(f"no policy version {version!r}")
    return _info(row, active_version(session, tenant),
                 _events(session, tenant, [version]).get(version, ()))


def shipped_case_count() -> int:
    return len(shipped_cases())
