"""`transfer-advisor serve`: run the HTTP service (it migrates the database on start)."""

from __future__ import annotations

import argparse
from typing import Any

from ..settings import Settings
from .common import EXIT_OK, LOG_FORMATS, CliError, add_command, log_format

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub: Any) -> None:
    p = add_command(sub, "serve", "run the HTTP service", run, description=(
        "Run the HTTP service (uvicorn). The database is migrated on start unless "
        "TRANSFER_ADVISOR_MIGRATE_ON_START=false."))
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--log-level", default="info")
    p.add_argument("--log-format", choices=LOG_FORMATS, default="auto",
                   help="auto (default): TRANSFER_ADVISOR_LOG_FORMAT if set, else text on a "
                        "terminal and JSON lines otherwise")
    p.add_argument("--allow-insecure", action="store_true",
                   help="allow a non-loopback bind without TRANSFER_ADVISOR_AUTH=required")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ..app import create_app
    from ..observability import logging_config

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = Settings(**overrides)
    if not settings.auth_required and settings.host not in LOOPBACK and not args.allow_insecure:
        raise CliError("refusing to bind a non-loopback address with "
                       "TRANSFER_ADVISOR_AUTH=disabled; pass --allow-insecure to override")
    # One structured line per request comes from our middleware, so uvicorn's access log is off.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level=args.log_level, access_log=False,
                log_config=logging_config(log_format(args.log_format, settings), args.log_level))
    return EXIT_OK
