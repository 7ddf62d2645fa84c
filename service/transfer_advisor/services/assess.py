"""POST /assess as a use case: decode → metrics → policy → one append-only, chained record."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .. import __version__, observability
from ..db.engine import WRITE_TRANSACTION
from ..db.models import AssessmentRow, utcnow
from ..db.repositories import AssessmentRepository
from ..domain import policy
from ..domain.audit import input_fingerprint, record_hash
from ..domain.metrics import MetricRun, compute_metrics
from ..domain.results import MetricResult
from ..errors import IdempotencyConflict
from ..schemas.assess import AssessRequest
from ..settings import Settings
from .inputs import DecodedSide, build_metric_inputs, decode_side, evidence_of, task_info

# Rows embedded from raw inputs, per side, and the extractor that made them (name, version, sha256).
Embedder = Callable[[AssessRequest], tuple[dict[str, Any], Any, Any]]

APPEND_RETRIES = 5


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """Everything computed for a request, before anything is stored."""

    metrics: MetricRun
    recommendation: policy.Recommendation
    evidence: dict[str, Any]

    def outcome(self, request: AssessRequest) -> dict[str, Any]:
        """The record's fields that come from the evaluation (no id, tenant or hashes)."""
        return {
            "source_name": request.source.name,
            "target_name": request.target.name,
            "recommendation": recommendation_out(self.recommendation),
            "metrics": {k: metric_out(v) for k, v in self.metrics.results.items()},
            "policy_version": policy.POLICY_VERSION,
            "service_version": __version__,
            "evidence": self.evidence,
        }


def metric_out(result: MetricResult) -> dict[str, Any]:
    return {"value": result.value, "p_value": result.p_value, "details": result.details}


def recommendation_out(rec: policy.Recommendation) -> dict[str, Any]:
    return {"strategy": rec.strategy, "transfer_score": rec.transfer_score,
            "negative_transfer_risk": rec.negative_transfer_risk,
            "confidence": rec.confidence, "reasons": list(rec.reasons)}


def evaluate(request: AssessRequest, settings: Settings,
             source_rows: Any = None, target_rows: Any = None) -> Evaluation:
    """The pure part of an assessment: no database. Used by the API and by the benches."""
    num_classes = request.task.num_classes if request.task.type == "classification" else None
    source = decode_side(request.source, "source", None, settings, source_rows)
    target = decode_side(request.target, "target", num_classes, settings, target_rows)
    inputs = build_metric_inputs(request, source, target, settings)
    run = compute_metrics(inputs, request.options.metrics,
                          deadline=time.monotonic() + settings.metric_time_budget_seconds)
    task = task_info(request)
    rec = policy.decide(run.results, task, evidence_of(source, target, run.omitted))
    return Evaluation(run, rec, _evidence_record(request, source, target, run))


def _evidence_record(request: AssessRequest, source: DecodedSide, target: DecodedSide,
                     run: MetricRun) -> dict[str, Any]:
    return {"source": source.describe(), "target": target.describe(),
            "task": request.task.model_dump(mode="json"),
            "options": request.options.model_dump(mode="json"),
            "omitted": dict(run.omitted)}


def assess(
    sessions: sessionmaker[Session],
    settings: Settings,
    request: AssessRequest,
    tenant: str,
    idempotency_key: str | None = None,
    extractor: dict[str, Any] | None = None,
    source_rows: Any = None,
    target_rows: Any = None,
) -> dict[str, Any]:
    """Assess and store; returns the stored record. A retry with the same key returns it again."""
    input_sha = input_fingerprint(request.model_dump(mode="json"))
    if idempotency_key is not None:
        existing = _replay_idempotent(sessions, tenant, idempotency_key, input_sha)
        if existing is not None:
            return existing
    evaluation = evaluate(request, settings, source_rows, target_rows)
    record = {
        "tenant": tenant,
        **evaluation.outcome(request),
        "extractor": extractor,
        "input_sha256": input_sha,
        "replay_of": None,
    }
    stored = store(sessions, tenant, record, idempotency_key)
    # Counted once durable, so /metrics never reports an assessment that a 503 lost.
    observability.report_evaluation(evaluation.recommendation.strategy, evaluation.metrics.seconds)
    return stored


def store(sessions: sessionmaker[Session], tenant: str, record: dict[str, Any],
          idempotency_key: str | None = None) -> dict[str, Any]:
    """Append one record to the tenant's chain in one transaction, retrying lost races."""
    for attempt in range(APPEND_RETRIES):
        with sessions() as session:
            session.connection(execution_options={WRITE_TRANSACTION: True})
            repo = AssessmentRepository(session, tenant)
            seq, prev = repo.lock_chain_head()
            created = utcnow()
            full = {**record, "id": _new_id(created), "created_at": created.isoformat(),
                    "prev_record_sha256": prev}
            full["record_sha256"] = record_hash(full)
            repo.append(_row(full, seq + 1, idempotency_key))
            try:
                session.commit()
                return full
            except IntegrityError:
                session.rollback()
                if idempotency_key is not None:
                    existing = _replay_idempotent(sessions, tenant, idempotency_key,
                                                  record["input_sha256"])
                    if existing is not None:
                        return existing
                if attempt == APPEND_RETRIES - 1:
                    raise
    raise AssertionError("unreachable")


def _replay_idempotent(sessions: sessionmaker[Session], tenant: str, key: str,
                       input_sha: str) -> dict[str, Any] | None:
    with sessions() as session:
        row = AssessmentRepository(session, tenant).by_idempotency_key(key)
        if row is None:
            return None
        if row.input_sha256 != input_sha:
            raise IdempotencyConflict(
                f"Idempotency-Key {key!r} was used for another request body (record {row.id})")
        return stored_record(row)


def stored_record(row: AssessmentRow) -> dict[str, Any]:
    return {**row.record, "record_sha256": row.record_sha256}


def _new_id(created: datetime) -> str:
    # Time-ordered prefix (ms since epoch) + randomness: sortable and unguessable.
    return f"{int(created.timestamp() * 1000):012x}{uuid.uuid4().hex[:20]}"


def _row(full: dict[str, Any], seq: int, idempotency_key: str | None) -> AssessmentRow:
    rec = full["recommendation"]
    extractor = full.get("extractor") or {}
    body = {k: v for k, v in full.items() if k != "record_sha256"}
    return AssessmentRow(
        id=full["id"], tenant=full["tenant"], seq=seq,
        created_at=datetime.fromisoformat(full["created_at"]),
        source_name=full["source_name"], target_name=full["target_name"],
        strategy=rec["strategy"], transfer_score=rec["transfer_score"],
        negative_transfer_risk=rec["negative_transfer_risk"], confidence=rec["confidence"],
        policy_version=full["policy_version"], service_version=full["service_version"],
        extractor_name=extractor.get("name"), input_sha256=full["input_sha256"],
        idempotency_key=idempotency_key,
        replay_of=full.get("replay_of"), record=body, record_sha256=full["record_sha256"],
        prev_record_sha256=full["prev_record_sha256"])
