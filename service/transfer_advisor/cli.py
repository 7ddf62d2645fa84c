"""`transfer-advisor`: serve, db upgrade|downgrade, keys create|list|revoke, openapi."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        k: v
        for k, v in (("host", getattr(args, "host", None)), ("port", getattr(args, "port", None)))
        if v is not None
    }
    return Settings(**overrides)


def _sessions(settings: Settings):  # type: ignore[no-untyped-def]
    from .db import migrate
    from .db.engine import make_engine, make_sessionmaker

    engine = make_engine(settings)
    migrate.upgrade(engine)
    return make_sessionmaker(engine)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    loopback = settings.host in {"127.0.0.1", "localhost", "::1"}
    if not settings.auth_required and not loopback and not args.allow_insecure:
        print(
            "refusing to bind a non-loopback address with TRANSFER_ADVISOR_AUTH=disabled; "
            "pass --allow-insecure to override",
            file=sys.stderr,
        )
        return 2
    from .observability import logging_config

    # One structured line per request comes from our middleware, so uvicorn's access log is off.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level=args.log_level, access_log=False,
                log_config=logging_config(settings.log_format, args.log_level))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from .db import migrate
    from .db.engine import make_engine

    engine = make_engine(Settings())
    if args.action == "upgrade":
        migrate.upgrade(engine, args.revision or "head")
    else:
        migrate.downgrade(engine, args.revision or "-1")
    print(f"database {args.action}d to {args.revision or ('head' if args.action == 'upgrade' else '-1')}")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from .errors import AdvisorError
    from .services import keys

    sessions = _sessions(Settings())
    try:
        if args.action == "create":
            key_id, key = keys.create_key(sessions, args.tenant, args.scope or [])
            print(f"created key {key_id} for tenant {args.tenant} (shown once):", file=sys.stderr)
            print(key)
        elif args.action == "list":
            for row in keys.list_keys(sessions, args.tenant):
                state = "revoked" if row.revoked_at else "active"
                print(f"{row.id}\t{row.tenant}\t{row.scopes}\t{state}\t{row.created_at.isoformat()}")
        else:
            keys.revoke_key(sessions, args.key_id)
            print(f"revoked {args.key_id}")
    except AdvisorError as exc:  # a clear message and exit 2, not a traceback
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from .openapi import render_openapi

    text = render_openapi()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="transfer-advisor", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--allow-insecure",
        action="store_true",
        help="allow a non-loopback bind without TRANSFER_ADVISOR_AUTH=required",
    )
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?")
    db.set_defaults(func=cmd_db)

    keys = sub.add_parser("keys", help="API keys")
    keys_sub = keys.add_subparsers(dest="action", required=True)
    create = keys_sub.add_parser("create")
    create.add_argument("--tenant", required=True)
    create.add_argument("--scope", action="append", choices=["assess", "read", "admin"])
    listing = keys_sub.add_parser("list")
    listing.add_argument("--tenant")
    revoke = keys_sub.add_parser("revoke")
    revoke.add_argument("key_id")
    keys.set_defaults(func=cmd_keys)

    openapi = sub.add_parser("openapi", help="print the OpenAPI document (YAML)")
    openapi.add_argument("--output", "-o")
    openapi.set_defaults(func=cmd_openapi)

    from . import cli_assess  # `assess` lives in its own module: file loading, table output

    cli_assess.add_parser(sub)

    from . import cli_extractors  # extractors list|register|build, embed, summarize

    cli_extractors.add_parsers(sub)
    return parser


# Requests already run in parallel in the server's threadpool; a multi-threaded BLAS inside each
# oversubscribes the cores (eigvalsh at d = 384: 0.83 s threaded vs 0.022 s single-threaded on a
# busy 2-core machine). Only effective before numpy is imported, hence here; the environment wins.
SINGLE_THREAD_BLAS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        for var in SINGLE_THREAD_BLAS:
            os.environ.setdefault(var, "1")
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
