"""Code run in separate processes by tests/db: each builds its own engine from a URL, like a
service process would, and calls the real use cases."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.payloads import embeddings_request
from transfer_advisor.db.engine import make_engine, make_sessionmaker
from transfer_advisor.errors import IdempotencyConflict
from transfer_advisor.schemas.assess import AssessRequest
from transfer_advisor.services import assess as assess_service
from transfer_advisor.settings import Settings

_barrier: Any = None


def init(barrier: Any) -> None:
    global _barrier
    _barrier = barrier


def _settings(url: str, tenant: str) -> Settings:
    return Settings(database_url=url, default_tenant=tenant, migrate_on_start=False,
                    data_dir=Path(tempfile.gettempdir()) / "ta-workers")


def small_request(seed: int) -> AssessRequest:
    """Summary-only, d = 2: the metric work is tiny, so the test measures the storage path."""
    return AssessRequest.model_validate(embeddings_request(n=12, d=2, seed=seed, form="summary"))


def assess_many(url: str, tenant: str, worker: int, count: int) -> list[str]:
    settings = _settings(url, tenant)
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    try:
        if _barrier is not None:
            _barrier.wait(timeout=60)  # start together, so the writers really contend
        return [assess_service.assess(sessions, settings, small_request(worker * 10_000 + i),
                                      tenant).id for i in range(count)]
    finally:
        engine.dispose()


def assess_once(url: str, tenant: str, key: str, seed: int) -> tuple[str, str]:
    """('ok', id) or ('conflict', detail) for one keyed request, started with the others."""
    settings = _settings(url, tenant)
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    try:
        request = small_request(seed)
        if _barrier is not None:
            _barrier.wait(timeout=60)
        try:
            return "ok", assess_service.assess(sessions, settings, request, tenant, key).id
        except IdempotencyConflict as exc:
            return "conflict", exc.detail
    finally:
        engine.dispose()
