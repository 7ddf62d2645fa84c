"""POST /rank as a use case: one target, 2–16 candidate sources, each assessed exactly as
POST /assess assesses a pair; ordered best first; one append-only record in the tenant's chain.

Each candidate goes through `assess.evaluate_inputs`, the evaluation path of /assess, with the
tenant's policy. Done once for all candidates: the target's labels (checked against its item
count), the scratch features (decoded, or derived from the raw inputs) and the scratch probe;
for candidates that share the target's embeddings (the top-level target's, or one extractor's)
also the target decoding, the baselines' target halves and every target-only metric (probes,
LogME, H-scores, TransRate, GBC): `TargetWork`. A candidate's result therefore equals a
separate /assess on the same data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from .. import __version__
from ..domain import arrays, policy
from ..domain.audit import input_fingerprint
from ..domain.metrics import TargetWork
from ..domain.policy.ranking import Candidate, Separation, order, rank_reasons, separate
from ..domain.ranking_record import RankingRecord
from ..domain.results import MetricResult
from ..errors import AdvisorError, FieldError, InvalidInput, PayloadTooLarge
from ..schemas.assess import DatasetSpec
from ..schemas.rank import RankCandidate, RankRequest
from ..settings import Settings
from . import policies, records
from .assess import Evaluation, evaluate_inputs, metric_out, recommendation_out
from .compute_threads import compute_cores, shared_governor
from .extractors import ExtractorService
from .inputs import (
    DecodedSide,
    Rows,
    check_class_counts,
    check_pair,
    decode_scratch,
    decode_side,
    decode_source_probs,
    metric_inputs,
)
from .rank_inputs import RankInputs, check_candidates, check_limits, embed_candidates, item_count


@dataclass(frozen=True)
class RankedCandidate:
    """One candidate's evaluation, as /assess would have made it."""

    name: str
    evaluation: Evaluation
    source_name: str | None
    extractor: dict[str, Any] | None

    def item(self, rank: int, rank_reason: str | None = None) -> dict[str, Any]:
        """The candidate as a ranking item (JSON): its assessment, whose reasons end with
        `rank_reason` (what placed it) when given."""
        ev = self.evaluation
        rec = recommendation_out(ev.recommendation)
        if rank_reason is not None:
            rec["reasons"] = [*rec["reasons"], rank_reason]
        return {"name": self.name, "rank": rank, **rec,
                "metrics": {k: metric_out(v) for k, v in ev.metrics.results.items()},
                "omitted": dict(ev.metrics.omitted), "source_name": self.source_name,
                "extractor": self.extractor, "evidence": ev.evidence}


@dataclass(frozen=True)
class RankingEvaluation:
    """The candidates best first, what placed each and separated the top two; nothing stored."""

    ranked: list[RankedCandidate]
    separation: Separation
    evidence: dict[str, Any]
    policy_version: str
    rank_reasons: list[str]  # one per place, best first

    def items(self) -> list[dict[str, Any]]:
        """The ranking's items (JSON), best first."""
        return [c.item(i + 1, why)
                for i, (c, why) in enumerate(zip(self.ranked, self.rank_reasons, strict=True))]

    def record(self, request: RankRequest, tenant: str, input_sha256: str) -> RankingRecord:
        """The unchained audit record of this ranking."""
        return RankingRecord(
            tenant=tenant, target_name=request.target.name,
            items=self.items(),
            separated_by=self.separation.evidence, reasons=[self.separation.reason],
            policy_version=self.policy_version, service_version=__version__,
            input_sha256=input_sha256, evidence=self.evidence)


@contextmanager
def _prefixed(prefix: str) -> Iterator[None]:
    """Re-raise a refusal with its field paths under `prefix` (e.g. `candidates[2]`)."""
    try:
        yield
    except AdvisorError as exc:
        if not prefix:
            raise
        errors = [FieldError(f"{prefix}.{e.field}", e.message) for e in exc.errors]
        detail = f"{prefix}.{exc.detail}" if exc.errors else f"{prefix}: {exc.detail}"
        raise type(exc)(detail, errors=errors, headers=exc.headers, extra=exc.extra) from None


def _candidate_target(request: RankRequest, i: int, cand: RankCandidate,
                      embedded: RankInputs) -> tuple[object, DatasetSpec, Rows | None, str]:
    """(sharing key, spec, extractor rows, field prefix) of the target under candidate i."""
    top = request.target
    if cand.extractor is not None:
        rows = embedded.target_rows.get(i)
        if rows is None:
            raise InvalidInput.at(f"candidates[{i}].extractor", "extractor candidates need the "
                                  "service (POST /rank or the CLI with --server); in-process, "
                                  "give the target's embeddings under the candidate")
        return ("extractor", cand.extractor), top, rows, f"candidates[{i}]"
    if cand.target is not None:
        spec = cand.target.model_copy(update={"labels": top.labels})
        return ("own", i), spec, None, f"candidates[{i}]"
    return "top", top, None, ""


def evaluate_ranking(request: RankRequest, settings: Settings,
                     embedded: RankInputs | None = None,
                     params: policy.PolicyParams | None = None) -> RankingEvaluation:
    """Assess every candidate as /assess would, sharing the target-only work; order them.

    `embedded`: what the extractors made of the raw inputs (`rank_inputs.embed_candidates`).
    """
    check_candidates(request)
    check_limits(request, settings)
    embedded = embedded or RankInputs()
    options, top = request.options, request.target
    if options.permutations > settings.max_permutations:
        raise PayloadTooLarge.over("options.permutations", str(options.permutations),
                                   "max_permutations", settings.max_permutations)
    num_classes = request.task.num_classes if request.task.type == "classification" else None
    n_items = item_count(top) if top.summary is None else top.summary.count
    if top.labels is not None and n_items is not None:  # once, naming the top-level field
        arrays.check_labels(top.labels, n_items, num_classes, "target.labels")
    groups: dict[object, tuple[DecodedSide, TargetWork]] = {}
    scratch_memo: dict[str, MetricResult | str] = {}
    scratch: tuple[Rows | None, str | None] | None = None
    deadline = time.monotonic() + settings.metric_time_budget_seconds
    ranked: list[RankedCandidate] = []
    for i, cand in enumerate(request.candidates):
        at = f"candidates[{i}]"
        key, spec, rows, prefix = _candidate_target(request, i, cand, embedded)
        own = item_count(cand.target)
        if n_items is not None and own is not None and own != n_items:
            raise InvalidInput.at(f"{at}.target", f"holds {own} rows; the target has {n_items} "
                                                  "items (one row per target item)")
        if key not in groups:
            with _prefixed(prefix):
                side = decode_side(spec, "target", num_classes, settings, rows)
            groups[key] = (side, TargetWork(scratch_memo))
        target, work = groups[key]
        if n_items is None:
            n_items = target.summary.count
        elif target.summary.count != n_items:
            raise InvalidInput.at(f"{at}.target", f"holds {target.summary.count} rows; the "
                                  f"target has {n_items} items (one row per target item)")
        if scratch is None:
            scratch = decode_scratch(top, target, settings, embedded.scratch)
        task = request.task
        if cand.source_modality is not None:
            task = task.model_copy(update={"source_modality": cand.source_modality})
        with _prefixed(at):
            source = (None if cand.source is None else
                      decode_side(cand.source, "source", None, settings,
                                  embedded.source_rows.get(i)))
            check_pair(source, target, options, settings)
            probs = decode_source_probs(None if cand.target is None else cand.target.source_probs,
                                        target, "target.source_probs")
            check_class_counts(task, target)
            inputs = metric_inputs(task, options, source, target, probs, scratch)
            evaluation = evaluate_inputs(task, options, source, target, inputs,
                                         deadline=deadline, work=work, params=params)
        ranked.append(RankedCandidate(cand.name, evaluation,
                                      None if cand.source is None else cand.source.name,
                                      embedded.extractors.get(i)))
    candidates = [Candidate(r.name, r.evaluation.metrics.results, r.evaluation.task,
                            r.evaluation.recommendation) for r in ranked]
    best_first = order(candidates, params)
    separation = separate(candidates[best_first[0]], candidates[best_first[1]], params)
    placed = rank_reasons(candidates, best_first, params)
    evidence = {"task": request.task.model_dump(mode="json"),
                "options": options.model_dump(mode="json"),
                "target": {"items": n_items,
                           "labels": None if top.labels is None else len(top.labels),
                           "form": next((k for k in ("inputs", "embeddings", "summary")
                                         if getattr(top, k) is not None), None)},
                "shared_targets": len(groups)}
    version = params.version if params is not None else policy.POLICY_VERSION
    return RankingEvaluation([ranked[j] for j in best_first], separation, evidence, version,
                             placed)


def rank(sessions: sessionmaker[Session], settings: Settings, request: RankRequest, tenant: str,
         idempotency_key: str | None = None,
         extractors: ExtractorService | None = None) -> RankingRecord:
    """Rank and store; returns the stored record. A retry with the same key returns it again
    before any work (no embedding, no metrics); the same key with another body is a 409."""
    input_sha = input_fingerprint(request.model_dump(mode="json"))
    if idempotency_key is not None:
        existing = records.ranking_by_idempotency_key(sessions, tenant, idempotency_key,
                                                      input_sha)
        if existing is not None:
            return existing
    check_candidates(request)  # before any model runs
    embedded = (embed_candidates(extractors, request, tenant, settings)
                if extractors is not None else None)
    # the tenant's active policy, as /assess uses it
    params = policies.params_for(sessions, tenant)
    with shared_governor(compute_cores(settings.compute_cores)).computing():
        ranking = evaluate_ranking(request, settings, embedded, params)
    return records.append(sessions, ranking.record(request, tenant, input_sha), idempotency_key)


def get_ranking(sessions: sessionmaker[Session], tenant: str, ranking_id: str) -> RankingRecord:
    """One of the tenant's rankings (404 for another tenant's id)."""
    return records.ranking_or_404(sessions, tenant, ranking_id)
