"""POST /assess as a use case: decode → metrics → policy → one append-only, chained record."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .. import __version__, observability
from ..domain import policy
from ..domain.audit import input_fingerprint
from ..domain.metrics import MetricInputs, MetricRun, TargetWork, compute_metrics
from ..domain.record import AssessmentRecord
from ..domain.results import MetricResult
from ..domain.shift.profile import shift_profile
from ..schemas.assess import AssessOptions, AssessRequest, TaskSpec
from ..settings import Settings
from . import policies, records
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
    task: policy.TaskInfo
    policy_version: str = policy.POLICY_VERSION

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
            policy_version=self.policy_version,
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
             target_rows: Any = None, target_scratch: ScratchFeatures | None = None,
             params: policy.PolicyParams | None = None) -> Evaluation:
    """The pure part of an assessment: no database. Used by the API and by the benches.

    `target_scratch`: scratch features derived from the target's raw inputs (the client's
    `target.scratch_features` win over them). `params`: the policy to decide with (default:
    the shipped one)."""
    num_classes = request.task.num_classes if request.task.type == "classification" else None
    source = decode_side(request.source, "source", None, settings, source_rows)
    target = decode_side(request.target, "target", num_classes, settings, target_rows)
    inputs = build_metric_inputs(request, source, target, settings, target_scratch)
    evaluation = evaluate_inputs(request.task, request.options, source, target, inputs,
                                 deadline=time.monotonic() + settings.metric_time_budget_seconds,
                                 params=params)
    # What the report plots (largest mean shifts, 2-D PCA); a few hundred bytes, O(d²) time.
    evaluation.evidence["shift_profile"] = shift_profile(source.summary, target.summary)
    return evaluation


def evaluate_inputs(task_spec: TaskSpec, options: AssessOptions, source: DecodedSide | None,
                    target: DecodedSide, inputs: MetricInputs, *, deadline: float,
                    work: TargetWork | None = None,
                    params: policy.PolicyParams | None = None) -> Evaluation:
    """Metrics → policy → evidence for decoded inputs: the one evaluation path of POST /assess
    and of each POST /rank candidate. `work` shares target-only work between candidates."""
    run = compute_metrics(inputs, options.metrics, deadline=deadline, work=work)
    task = task_info(task_spec, target)
    rec = policy.decide(run.results, task, evidence_of(source, target, run.omitted), params)
    # The task as decided on (num_classes filled in when inferred), so a replay sees the same.
    evidence = {"source": None if source is None else source.describe(),
                "target": target.describe(),
                "task": {**task_spec.model_dump(mode="json"), "num_classes": task.num_classes},
                "options": options.model_dump(mode="json"),
                "omitted": dict(run.omitted)}
    if inputs.x_scratch is not None:  # only then, so records without them keep their shape
        evidence["scratch_features"] = {"from": inputs.scratch_from,
                                        "rows": inputs.x_scratch.shape[0],
                                        "dim": inputs.x_scratch.shape[1]}
    return Evaluation(run, rec, evidence, task,
                      policy.POLICY_VERSION if params is None else params.version)


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
    # the tenant's active policy (the shipped one until it activates its own fit)
    params = policies.params_for(sessions, tenant)
    with shared_governor(compute_cores(settings.compute_cores)).computing():
        evaluation = evaluate(request, settings, source_rows, target_rows, target_scratch, params)
    stored = records.append(
        sessions, evaluation.record(request, tenant, input_sha, extractor), idempotency_key)
    # Counted once durable, so /metrics never reports an assessment that a 503 lost.
    observability.report_evaluation(evaluation.recommendation.strategy, evaluation.metrics.seconds)
    return stored

