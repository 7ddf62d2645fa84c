"""POST /assessments/{id}/replay: the stored evidence through the current policy.

The stored record keeps every metric result, the task and which kinds of input the metrics saw
(rows or summaries, labeled rows, class statistics, omitted metrics): exactly what
`policy.decide` reads. The replay is appended as a new record with `replay_of` set; the
original is never touched.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .. import __version__
from ..domain import policy
from ..domain.record import AssessmentRecord
from ..domain.results import MetricResult
from ..errors import Conflict
from . import audit, policies, records
from .assess import recommendation_out

DECISION_FIELDS = ("strategy", "transfer_score", "negative_transfer_risk", "confidence")


def policy_inputs(record: AssessmentRecord) -> tuple[dict[str, MetricResult], policy.TaskInfo,
                                                   policy.Evidence]:
    """Rebuild decide()'s arguments from a stored record; Conflict when it cannot be done."""
    try:
        evidence = record.evidence
        task, source, target = evidence["task"], evidence["source"], evidence["target"]
        metrics = {name: MetricResult(float(m["value"]), m.get("p_value"), dict(m.get("details")
                                                                             or {}))
                   for name, m in record.metrics.items()}
        info = policy.TaskInfo(
            type=task["type"], num_classes=task.get("num_classes"),
            labeled_examples=int(task["labeled_examples"]),
            source_modality=task["source_modality"], target_modality=task["target_modality"],
            compute_budget_gpu_hours=task.get("compute_budget_gpu_hours"))
        seen = policy.Evidence(
            source_rows=source["form"] != "summary", target_rows=target["form"] != "summary",
            target_labeled_rows=int(target.get("labels") or 0),
            class_statistics=bool(target.get("classes_summarised")),
            omitted=dict(evidence.get("omitted") or {}))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Conflict(f"record {record.id!r} does not keep the evidence a replay needs "
                       f"({exc.__class__.__name__}: {exc})") from None
    return metrics, info, seen


def replay(sessions: sessionmaker[Session], tenant: str, assessment_id: str,
           policy_version: str | None = None) -> dict[str, Any]:
    """Re-decide a verified record under `policy_version` (shipped or the tenant's own; default:
    the tenant's active policy); a record that fails verification is never re-chained.

    Naming a candidate version that is not active is a shadow evaluation: the answer says what it
    would have decided, and is stored as a replay under that version."""
    params = policies.params_for(sessions, tenant, policy_version)
    problem = audit.record_problem(sessions, tenant, assessment_id)
    if problem is not None:
        raise Conflict(f"record {assessment_id!r} failed verification ({problem}); nothing was "
                       "replayed. GET /audit/verify reports the chain")
    original = records.get_or_404(sessions, tenant, assessment_id)
    metrics, task, evidence = policy_inputs(original)
    rec = recommendation_out(policy.decide(metrics, task, evidence, params))
    replayed = dataclasses.replace(
        original, recommendation=rec, policy_version=params.version,
        service_version=__version__, replay_of=original.id, id=None, created_at=None,
        prev_record_sha256=None, record_sha256=None)
    stored = records.append(sessions, replayed)
    before = original.recommendation
    changes = {k: {"before": before.get(k), "after": rec[k]}
               for k in DECISION_FIELDS if before.get(k) != rec[k]}
    changed = bool(changes)
    if original.policy_version != params.version:
        changes["policy_version"] = {"before": original.policy_version, "after": params.version}
    return {"original_id": original.id, "changed": changed, "changes": changes,
            "replay": stored.as_wire()}
