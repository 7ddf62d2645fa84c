"""`transfer-advisor serve`: run the HTTP service (it migrates the database on start)."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from ..domain.parallelism import available_cores
from ..settings import Settings
from .common import EXIT_OK, LOG_FORMATS, CliError, add_command, log_format

if TYPE_CHECKING:
    from fastapi import FastAPI

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WORKER_APP = "transfer_advisor.cli.serve:worker_app"


def register(sub: Any) -> None:
    p = add_command(sub, "serve", "run the HTTP service", run, description=(
        "Run the HTTP service (uvicorn). The database is migrated on start unless "
        "TRANSFER_ADVISOR_MIGRATE_ON_START=false."))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=_positive, default=1,
                   help="worker processes sharing the port (default 1); on PostgreSQL they "
                        "share the rate limit, on SQLite each enforces its own")
    p.add_argument("--log-level", default="info")
    p.add_argument("--log-format", choices=LOG_FORMATS, default="auto",
                   help="auto (default): TRANSFER_ADVISOR_LOG_FORMAT if set, else text on a "
                        "terminal and JSON lines otherwise")
    p.add_argument("--allow-insecure", action="store_true",
                   help="allow a non-loopback bind without TRANSFER_ADVISOR_AUTH=required")


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def worker_app() -> FastAPI:
    """The app of one `--workers` process: its settings come from the environment `run` set."""
    from ..app import create_app

    return create_app(Settings())


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..observability import logging_config

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    if not settings.auth_required and settings.host not in LOOPBACK and not args.allow_insecure:
        raise CliError("refusing to bind a non-loopback address with "
                       "TRANSFER_ADVISOR_AUTH=disabled; pass --allow-insecure to override")
    _ensure_extractors(settings)
    # One structured line per request comes from our middleware, so uvicorn's access log is off.
    options: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "log_level": args.log_level,
        "access_log": False,
        "log_config": logging_config(log_format(args.log_format, settings), args.log_level)}
    if args.workers == 1:
        from ..app import create_app

        uvicorn.run(create_app(settings), **options)
        return EXIT_OK
    # Workers are fresh interpreters (spawned) that build Settings from the environment: hand
    # them the host (it decides the auth default) and migrate once here, before they start.
    # Each worker's metric work shares its 1/N of the cores (BLAS threads by load, per process).
    # This supervising process never imports the app (nor numpy).
    os.environ["TRANSFER_ADVISOR_HOST"] = settings.host
    os.environ["TRANSFER_ADVISOR_PORT"] = str(settings.port)
    if settings.compute_cores == 0:
        os.environ["TRANSFER_ADVISOR_COMPUTE_CORES"] = str(
            max(1, available_cores() // args.workers))
    if settings.migrate_on_start:
        _migrate(settings)
        os.environ["TRANSFER_ADVISOR_MIGRATE_ON_START"] = "false"
    uvicorn.run(WORKER_APP, factory=True, workers=args.workers, **options)
    return EXIT_OK


def _ensure_extractors(settings: Settings) -> None:
    """The first start builds the bundled extractors it can without torch (seconds), progress
    on stderr. It never downloads (no network at run time): missing MiniLM weights are fetched
    by `transfer-advisor extractors build`, the install step."""
    import sys

    from ..extractors.build import ensure_built

    ensure_built(settings.data_dir, settings.resolved_extractor_cache_dir,
                 log=lambda msg: print(msg, file=sys.stderr, flush=True),
                 fetch=False)


def _migrate(settings: Settings) -> None:
    from ..db import migrate
    from ..db.engine import make_engine

    engine = make_engine(settings)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
