"""`transfer-advisor db upgrade|downgrade [REVISION]`: Alembic migrations."""

from __future__ import annotations

import argparse
from typing import Any

from ..settings import Settings
from .common import EXIT_OK, add_command


def register(sub: Any) -> None:
    p = add_command(sub, "db", "database migrations", run, description=(
        "Migrate the configured database: `upgrade` to REVISION (default head) or "
        "`downgrade` to REVISION (default one step back)."))
    p.add_argument("action", choices=["upgrade", "downgrade"])
    p.add_argument("revision", nargs="?")


def run(args: argparse.Namespace) -> int:
    from ..db import migrate
    from ..db.engine import make_engine

    engine = make_engine(Settings())
    revision = args.revision or ("head" if args.action == "upgrade" else "-1")
    if args.action == "upgrade":
        migrate.upgrade(engine, revision)
    else:
        migrate.downgrade(engine, revision)
    print(f"database {args.action}d to {revision}")
    return EXIT_OK
