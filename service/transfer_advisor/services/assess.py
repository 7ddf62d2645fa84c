"""POST /assess as a use case: decode → metrics → policy → one append-only, chained record."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .. import __version__, observability
from ..domain import policy
from ..domain.audit import input_fingerprint
from ..domain.metrics import MetricRun, compute_metrics
from ..domain.record import AssessmentRecord
from ..domain.results import MetricResult
from ..schemas.assess import AssessRequest
from ..settings import Settings
from . import records
from .compute_threads import compute_cores, shared_governor
from .extractors import ExtractorService
from .inputs import (
    DecodedSide,
    build_metric_inputs,
    decode_side,
    evidence_of,
    refuse_source_scratch,
    task_info,
)
from .scratch_features import ScratchFeatures


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """Everything computed for a request, before anything is stored."""

    metrics: MetricRun
    recommendation: policy.Recommendation
    evidence: dict[str, Any]

    def evaluated_fields(self, request: AssessRequest) -> dict[str, Any]:
        """The record's fields that come from the evaluation (no id, tenant or hashes)."""
        body = self.record(request, tenant="", input_sha256="").body()
        return {k: body[k] for k in ("source_name", "target_name", "recommendation", "metrics",
                                     "policy_version", "service_version", "evidence")}

    def record(self, request: AssessRequest, tenant: str, input_sha256: str,
               extractor: dict[str, Any] | None = None) -> AssessmentRecord:
        """The unchained audit record of this evaluation."""
        return AssessmentRecord(
            tenant=tenant,
            source_name=request.source.name,
            target_name=request.target.name,
            recommendation=recommendation_out(self.recommendation),
            metrics={k: metric_out(v) for k, v in self.metrics.results.items()},
            policy_version=policy.POLICY_VERSION,
            service_version=__version__,
            input_sha256=input_sha256,
            evidence=self.evidence,
            extractor=extractor,
        )


def metric_out(result: MetricResult) -> dict[str, Any]:
    return {"value": result.value, "p_value": result.p_value, "details": result.details}


def recommendation_out(rec: policy.Recommendation) -> dict[str, Any]:
    return {"strategy": rec.strategy, "transfer_score": rec.transfer_score,
            "negative_transfer_risk": rec.negative_transfer_risk,
            "confidence": rec.confidence, "reasons": list(rec.reasons),
            **({} if rec.expected_gain is None else {"expected_gain": {
                "value": rec.expected_gain.value, "low": rec.expected_gain.low,
                "high": rec.expected_gain.high}})}


def evaluate(request: AssessRequest, settings: Settings, source_rows: Any = None,
             target_rows: Any = None, target_scratch: ScratchFeatures | None = None) -> Evaluation:
    """The pure part of an assessment: no database. Used by the API and by the benches.

    `target_scratch`: scratch features derived from the target's raw inputs (the client's
    `target.scratch_features` win over them)."""
    num_classes = request.task.num_classes if request.task.type == "classification" else None
    source = decode_side(request.source, "source", None, settings, source_rows)
    target = decode_side(request.target, "target", num_classes, settings, target_rows)
    inputs = build_metric_inputs(request, source, target, settings, target_scratch)
    run = compute_metrics(inputs, request.options.metrics,
                          deadline=time.monotonic() + settings.metric_time_budget_seconds)
    task = task_info(request, target)
    rec = policy.decide(run.results, task, evidence_of(source, target, run.omitted))
    evidence = _evidence_record(request, task, source, target, run)
    if inputs.x_scratch is not None:  # only then, so records without them keep their shape
        evidence["scratch_features"] = {"from": inputs.scratch_from,
                                        "rows": inputs.x_scratch.shape[0],
                                        "dim": inputs.x_scratch.shape[1]}
    return Evaluation(run, rec, evidence)


def _evidence_record(request: AssessRequest, task: policy.TaskInfo, source: DecodedSide,
                     target: DecodedSide, run: MetricRun) -> dict[str, Any]:
    # The task as decided on (num_classes filled in when inferred), so a replay sees the same.
    return {"source": source.describe(), "target": target.describe(),
            "task": {**request.task.model_dump(mode="json"), "num_classes": task.num_classes},
            "options": request.options.model_dump(mode="json"),
            "omitted": dict(run.omitted)}


def assess(
    sessions: sessionmaker[Session],
    settings: Settings,
    request: AssessRequest,
    tenant: str,
    idempotency_key: str | None = None,
    extractors: ExtractorService | None = None,
) -> AssessmentRecord:
    """Assess and store; returns the stored record. A retry with the same key returns it again,
    before any work (no embedding, no metrics)."""
    # a Python dump: validated rows stay arrays and are hashed as bytes, not re-serialised
    input_sha = input_fingerprint(request.model_dump())
    if idempotency_key is not None:
        existing = records.by_idempotency_key(sessions, tenant, idempotency_key, input_sha)
        if existing is not None:
            return existing
    refuse_source_scratch(request)  # before any embedding work
    extractor, source_rows, target_rows, target_scratch = (
        extractors.embed_request(request, tenant) if extractors is not None
        else (None, None, None, None))
    with shared_governor(compute_cores(settings.compute_cores)).computing():
        evaluation = evaluate(request, settings, source_rows, target_rows, target_scratch)
    stored = records.append(
        sessions, evaluation.record(request, tenant, input_sha, extractor), idempotency_key)
    # Counted once durable, so /metrics never reports an assessment that a 503 lost.
    observability.report_evaluation(evaluation.recommendation.strategy, evaluation.metrics.seconds)
    return stored

