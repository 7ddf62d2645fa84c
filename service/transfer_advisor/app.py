"""create_app(settings): routers, problem handlers, body limit, and the database lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from . import __version__
from .api import (
    assess,
    assessments,
    audit,
    calibration,
    extractors,
    health,
    outcomes,
    policies,
    rank,
    reports,
)
from .api.auth_gate import AuthGate
from .api.dashboard import install_dashboard
from .api.limits import BodySizeLimit
from .api.problems import PROBLEM_SCHEMA, install_problem_handlers
from .api.ratelimit import RateLimiter, TokenBucket
from .api.responses import install_openapi, operation_id_of
from .db import migrate
from .db.engine import is_postgres, make_engine, make_limiter_engine, make_sessionmaker
from .db.ratelimit import SharedTokenBucket
from .observability import Metrics, Observability
from .services.compute_threads import compute_cores, shared_governor
from .services.extractors import ExtractorService
from .settings import Settings, get_settings


def rate_limiter(settings: Settings) -> RateLimiter:
    """One bucket per key shared by every process and replica on PostgreSQL; in-process on
    SQLite, which one host serves."""
    rate, burst = settings.rate_limit_per_second, settings.rate_limit_burst
    if rate > 0 and is_postgres(settings):
        return SharedTokenBucket(make_limiter_engine(settings), rate, burst)
    return TokenBucket(rate, burst)


API_DESCRIPTION = (
    "Send a source and a target dataset (embeddings, mergeable summaries, or raw inputs for an "
    "ONNX extractor) and the task; get back `fine_tune`, `feature_extraction` or "
    "`train_from_scratch`, a transfer score, a negative-transfer risk and the reasons, stored in "
    "an append-only, hash-chained audit trail. Errors are RFC 9457 `application/problem+json`.")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        if settings.migrate_on_start:
            migrate.upgrade(engine)
        app.state.engine = engine
        app.state.sessions = make_sessionmaker(engine)
        app.state.extractors = ExtractorService(settings, app.state.sessions)
        limiter = app.state.rate_limiter = rate_limiter(settings)
        shared_governor(compute_cores(settings.compute_cores)).prime()
        try:
            yield
        finally:
            if isinstance(limiter, SharedTokenBucket):
                limiter.close()
            engine.dispose()

    app = FastAPI(
        title="Transfer Advisor",
        version=__version__,
        summary="Will transfer learning help this task, or hurt it? A measured, audited answer.",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id_of,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    install_openapi(app, PROBLEM_SCHEMA)
    for module in (assess, assessments, audit, extractors, health, outcomes, calibration,
                   policies, rank, reports):
        app.include_router(module.router)
    install_dashboard(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outside the body limit: a request without a valid key is refused before its body is read.
    app.add_middleware(AuthGate)
    app.state.metrics = Metrics()
    # Added last = outermost: its request id and timing also cover 413s from BodySizeLimit.
    app.add_middleware(Observability, metrics=app.state.metrics)
    return app
