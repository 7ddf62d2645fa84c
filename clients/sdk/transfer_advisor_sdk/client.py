"""`AdvisorClient`: the generated client (transfer_advisor_client) with the habits of a good SDK.

- errors raise: a problem+json answer becomes a typed `ProblemError` subclass;
- 429 and 503 are retried, waiting what `Retry-After` says (bounded by `max_retries` and
  `max_retry_wait`; a longer wait raises instead of retrying early); POST /assess always carries
  an Idempotency-Key, so a retry never stores twice;
- numpy arrays, DataFrames and summaries are sent in the encoded (base64) forms;
- `iter_assessments` follows `next_cursor` through the history.

Any generated operation, including ones this layer does not wrap yet, runs through `call`:
`client.call(some_op_module, body=..., ...)`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from types import ModuleType, TracebackType
from typing import Any, Self

import httpx
from transfer_advisor_client import AuthenticatedClient, Client
from transfer_advisor_client.api.assess import assess as assess_op
from transfer_advisor_client.api.assessments import (
    get_assessment,
    get_assessment_stats,
    list_assessments,
    replay_assessment,
)
from transfer_advisor_client.api.audit import verify_audit
from transfer_advisor_client.api.extractors import get_extractor, list_extractors
from transfer_advisor_client.api.health import readyz
from transfer_advisor_client.models import (
    Assessment,
    AssessmentPage,
    AssessmentStats,
    AssessmentSummary,
    AssessRequest,
    AuditVerification,
    ExtractorList,
    ExtractorOut,
    Readiness,
    Replay,
)
from transfer_advisor_client.types import UNSET, Response

from .encode import dataset_spec
from .errors import ProblemError

RETRY_STATUSES = frozenset({429, 503})


class AdvisorClient:
    """A Transfer Advisor server at `base_url`; `api_key` unless the server runs without auth.

    `max_retries` bounds the retries of a 429/503 answer, `max_retry_wait` (seconds) each wait;
    without a Retry-After the wait doubles from `backoff` seconds.
    """

    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 60.0,
                 max_retries: int = 3, max_retry_wait: float = 30.0, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep,
                 httpx_args: Mapping[str, Any] | None = None) -> None:
        options: dict[str, Any] = {"base_url": base_url, "timeout": httpx.Timeout(timeout),
                                   "raise_on_unexpected_status": False,
                                   "httpx_args": dict(httpx_args or {})}
        self.http: Client | AuthenticatedClient = (
            AuthenticatedClient(token=api_key, **options) if api_key else Client(**options))
        self.max_retries, self.max_retry_wait, self.backoff = max_retries, max_retry_wait, backoff
        self.sleep = sleep
        self.retries: list[float] = []  # the waits of the retries made (newest last)

    def __enter__(self) -> Self:
        self.http.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.http.__exit__(kind, value, tb)

    def close(self) -> None:
        self.http.get_httpx_client().close()

    # -- the one path every request takes ---------------------------------------------------

    def call(self, operation: ModuleType, **kwargs: Any) -> Any:
        """Run a generated operation (`transfer_advisor_client.api.<tag>.<operation_id>`):
        retry 429/503 as configured, raise a typed ProblemError for any error answer, return
        the parsed body on success."""
        attempt = 0
        while True:
            response: Response[Any] = operation.sync_detailed(client=self.http, **kwargs)
            status = int(response.status_code)
            if status < 400:
                return response.parsed
            error = ProblemError.from_http(status, response.headers, response.content)
            wait = self._retry_wait(error, attempt)
            if wait is None:
                raise error
            self.retries.append(wait)
            self.sleep(wait)
            attempt += 1

    def _retry_wait(self, error: ProblemError, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None to raise now."""
        if error.status not in RETRY_STATUSES or attempt >= self.max_retries:
            return None
        wait = error.retry_after if error.retry_after is not None else self.backoff * 2**attempt
        return None if wait > self.max_retry_wait else wait

    # -- POST /assess ------------------------------------------------------------------------

    def assess(self, source: Any, target: Any, *, task: Mapping[str, Any] | None = None,
               modality: str | None = None, source_labels: Any = None,
               target_labels: Any = None, source_probs: Any = None,
               scratch_features: Any = None, extractor: str | None = None,
               options: Mapping[str, Any] | None = None, source_name: str = "source",
               target_name: str = "target", idempotency_key: str | None = None) -> Assessment:
        """Assess one source/target pair; the stored record.

        `source`/`target`: arrays (n, d) (embeddings), images (n, h, w[, c]) or texts (with
        `extractor`), summaries, or DatasetSpec mappings. `task` as in the contract; without
        it, `modality` names both sides' modality and `labeled_examples` is the number of
        target labels. A fresh Idempotency-Key is sent unless one is given, so the retries of
        a 429/503 never store twice.
        """
        body: dict[str, Any] = {"source": dataset_spec(source, source_name, source_labels),
                "target": dataset_spec(target, target_name, target_labels,
                                       source_probs=source_probs,
                                       scratch_features=scratch_features),
                "task": dict(task) if task is not None else _task(modality, target_labels)}
        if extractor is not None:
            body["extractor"] = extractor
        if options is not None:
            body["options"] = dict(options)
        record: Assessment = self.call(assess_op, body=AssessRequest.from_dict(body),
                                       idempotency_key=idempotency_key or uuid.uuid4().hex)
        return record

    # -- history -----------------------------------------------------------------------------

    def get_assessment(self, assessment_id: str) -> Assessment:
        record: Assessment = self.call(get_assessment, assessment_id=assessment_id)
        return record

    def list_assessments(self, *, limit: int = 50, cursor: str | None = None,
                         **filters: Any) -> AssessmentPage:
        """One page, newest first. Filters: since, until (datetimes), source_name,
        target_name, strategy, extractor."""
        page: AssessmentPage = self.call(list_assessments, limit=limit,
                                         cursor=UNSET if cursor is None else cursor,
                                         **_filters(filters))
        return page

    def iter_assessments(self, *, page_size: int = 100, **filters: Any
                         ) -> Iterator[AssessmentSummary]:
        """Every matching record, newest first, fetched a page at a time."""
        cursor: str | None = None
        while True:
            page = self.list_assessments(limit=page_size, cursor=cursor, **filters)
            yield from page.items
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def get_assessment_stats(self, *, bucket: str = "day", **filters: Any) -> AssessmentStats:
        stats: AssessmentStats = self.call(get_assessment_stats, bucket=bucket,
                                           **_filters(filters))
        return stats

    def replay_assessment(self, assessment_id: str) -> Replay:
        replay: Replay = self.call(replay_assessment, assessment_id=assessment_id)
        return replay

    def verify_audit(self) -> AuditVerification:
        result: AuditVerification = self.call(verify_audit)
        return result

    # -- extractors, health ------------------------------------------------------------------

    def list_extractors(self) -> list[ExtractorOut]:
        found: ExtractorList = self.call(list_extractors)
        return list(found.items)

    def get_extractor(self, name: str) -> ExtractorOut:
        found: ExtractorOut = self.call(get_extractor, name=name)
        return found

    def ready(self) -> Readiness:
        """GET /readyz; a 503 (not ready) raises ServiceUnavailable after the retries."""
        state: Readiness = self.call(readyz)
        return state


def _task(modality: str | None, target_labels: Any) -> dict[str, Any]:
    if modality is None:
        raise ValueError("give task={...} or modality= (the modality of both sides)")
    labeled = 0 if target_labels is None else len(target_labels)
    return {"labeled_examples": labeled, "source_modality": modality, "target_modality": modality}


def _filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    known = {"since", "until", "source_name", "target_name", "strategy", "extractor"}
    unknown = set(filters) - known
    if unknown:
        raise TypeError(f"unknown filter(s) {sorted(unknown)}; known: {sorted(known)}")
    out = {}
    for key, value in filters.items():
        if isinstance(value, str) and key in {"since", "until"}:
            value = datetime.fromisoformat(value)
        out[key] = UNSET if value is None else value
    return out
