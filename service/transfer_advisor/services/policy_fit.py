"""POST /policies/fit as a use case: the tenant's outcomes become fit cases, fitted with the
shipped calibration scenarios, stored as a new (inactive) policy version.

Each outcome's features are recomputed from the metrics stored in the assessment it reports on,
through `services.replay.policy_inputs` and `policy.policy_features`, exactly as
`scripts/fit_policy.py` computes a scenario's (the scenario's metrics are a stored record too).
The latest outcome per assessment counts (a replay's outcomes count for the assessment it
replays). Tenant outcomes are weighted so that together they carry a share of the fit
(`domain.policy.fit.tenant_weights`): one of `SHARES`, the one whose fit decides the tenant's
own outcomes best out of family (held out by target dataset, `target_name`), the smaller share
on a tie. Share 0 weighs an outcome like one shipped scenario.

With the shipped scenarios, the vendor policy (fitted on them alone) is a candidate too and wins
unless the best fit is significantly better on the tenant's own outcomes (`domain.policy.guard`):
a handful of outcomes from families that disagree would otherwise pull a fit away from a vendor
policy that decides them better. Kept, its parameters are stored as the tenant's version, so it
decides exactly as the vendor. The candidates' accuracies, the test and the choice are recorded
in the policy's `fitted_on` and shown in its report.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..db.chain import ChainEntryRepository
from ..domain import policy
from ..domain.chain import ChainEntry
from ..domain.outcome import check_outcome
from ..domain.policy import guard
from ..domain.policy.cases import Case, shipped_cases, truth_of_outcome
from ..domain.policy.fit import fit_policy, tenant_weights
from ..domain.policy.fit_heads import decided_right
from ..domain.record import AssessmentRecord, HistoryFilter
from ..errors import AdvisorError, FieldError, InvalidInput
from . import policies
from .replay import policy_inputs

MIN_OUTCOMES = 10
OUTCOME = "outcome"
SHARES = (0.0, 0.25, 0.5)
GUARD = "tenant_guard"
_vendor: dict[str, dict[str, Any]] = {}
_vendor_lock = threading.Lock()


def latest_outcomes(session: Session, tenant: str) -> dict[str, ChainEntry]:
    """Root assessment id → the latest outcome reported on it (or on one of its replays)."""
    repo = ChainEntryRepository(session, tenant)
    links = repo.replay_links()
    latest: dict[str, ChainEntry] = {}
    for entry in repo.of_kind(OUTCOME):  # oldest first: later ones win
        latest[root_of(entry.subject, links)] = entry
    return latest


def root_of(record_id: str, links: dict[str, str]) -> str:
    """The original assessment a (chain of) replay(s) goes back to."""
    seen = {record_id}
    while record_id in links and links[record_id] not in seen:
        record_id = links[record_id]
        seen.add(record_id)
    return record_id


def tenant_cases(sessions: sessionmaker[Session], tenant: str) -> list[Case]:
    """One case per assessment with an outcome whose stored evidence the policy can read."""
    with sessions() as session:
        latest = latest_outcomes(session, tenant)
        originals = {r.id: r for r in ChainEntryRepository(session, tenant).records_with_outcomes(
            HistoryFilter(), None) if r.replay_of is None}
    cases = []
    for root, entry in latest.items():
        record = originals.get(root)
        if record is None:
            continue
        case = case_of(record, entry)
        if case is not None:
            cases.append(case)
    return cases


def case_of(record: AssessmentRecord, outcome: ChainEntry) -> Case | None:
    """The fit case of one assessment and its outcome (None: the record lacks the evidence)."""
    try:
        metrics, task, _ = policy_inputs(record)
        truth = check_outcome(outcome.data)
    except AdvisorError:
        return None
    features = {k: o.value for k, o in policy.policy_features(metrics, task).items()}
    return Case(str(record.id), f"tenant:{record.target_name}", task.source_modality,
                task.target_modality, features,
                truth_of_outcome(truth, outcome.data.get("seeds")), origin="tenant")


def fit_cases(tenant_rows: Sequence[Case], include_shipped: bool,
              share: float = 0.0) -> list[Case]:
    """The tenant's cases (weighted to `share` of the fit) beside the shipped ones (weight 1)."""
    shipped = list(shipped_cases()) if include_shipped else []
    weight = tenant_weights(len(shipped), len(tenant_rows), share)
    return [*shipped, *(dataclasses.replace(c, weight=weight) for c in tenant_rows)]


def vendor_params(**fit_options: Any) -> dict[str, Any]:
    """The policy fitted on the shipped cases alone (a tenant fit's baseline), fitted once per
    table content and options."""
    cases = shipped_cases()
    key = hashlib.sha256(json.dumps([[c.as_json() for c in cases], fit_options], sort_keys=True,
                                    default=str).encode()).hexdigest()
    with _vendor_lock:
        if key not in _vendor:
            _vendor.clear()  # one table at a time
            _vendor[key] = fit_policy(cases, {"script": "POST /policies/fit (vendor baseline)",
                                              "base_policy": policy.POLICY_VERSION},
                                      **fit_options)
        return copy.deepcopy(_vendor[key])


def fit(sessions: sessionmaker[Session], tenant: str, actor: str, include_shipped: bool = True,
        **fit_options: Any) -> policies.PolicyInfo:
    """Fit, store (inactive) and return a new policy version; 422 with too few outcomes."""
    mine = tenant_cases(sessions, tenant)
    if len(mine) < MIN_OUTCOMES:
        message = (f"a fit needs outcomes on at least {MIN_OUTCOMES} assessments that kept "
                   f"their metrics; this tenant has {len(mine)} "
                   f"({MIN_OUTCOMES - len(mine)} more needed)")
        raise InvalidInput(message, errors=[FieldError("outcomes", message)],
                           extra={"outcomes_needed": MIN_OUTCOMES, "outcomes": len(mine)})
    provenance = {"tenant": tenant, "outcomes": len(mine), "include_shipped": include_shipped,
                  "base_policy": policy.POLICY_VERSION, "script": "POST /policies/fit"}
    fits: dict[float, dict[str, Any]] = {}
    says: dict[float, list[bool]] = {}
    for share in SHARES if include_shipped else (0.0,):
        cases = fit_cases(mine, include_shipped, share)
        fits[share] = fit_policy(cases, {**provenance, "tenant_share": share,
                                         "tenant_weight": cases[-1].weight}, **fit_options)
        says[share] = guard.held_out_says(fits[share], cases,
                                          [c for c in cases if c.origin == "tenant"])
    accuracy = {str(k): round(sum(ok) / len(ok), 6)
                for k, ok in ((k, decided_right(v, mine)) for k, v in says.items())}
    if not include_shipped:  # asked for the tenant's outcomes alone: no vendor to keep
        params = fits[0.0]
        params["fitted_on"]["tenant_share_evidence"] = accuracy
        return policies.store_fit(sessions, tenant, params, actor)
    vendor = vendor_params(**fit_options)
    verdict = guard.choose(mine, guard.policy_says(policy.parse_params(
        json.dumps(vendor).encode()), mine), says)
    if verdict.share is None:
        # the vendor's parameters as they are: only the provenance says whose and why
        params = vendor
        params["fitted_on"] = {**vendor["fitted_on"], **provenance, "kept": "vendor"}
    else:
        params = fits[verdict.share]
    params["fitted_on"]["tenant_share_evidence"] = accuracy
    params["fitted_on"][GUARD] = verdict.evidence
    return policies.store_fit(sessions, tenant, params, actor)
