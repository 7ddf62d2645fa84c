"""Run Alembic migrations programmatically (on start and from `transfer-advisor db`).

Replicas that start together all migrate on start, so on PostgreSQL the whole upgrade runs in
one transaction holding a transaction-scoped advisory lock: the first replica migrates, the
others wait for it and then find the database at head. On SQLite the transaction begins
IMMEDIATE, which serialises migrators the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from .engine import WRITE_TRANSACTION, without_round_trip_deadline


def _migrations_dir() -> Path:
    """migrations/ at the repository root, beside service/ (editable install), else the copy a
    non-editable install puts under <prefix>/share (pyproject's data-files)."""
    checkout = Path(__file__).resolve().parents[3] / "migrations"
    installed = Path(sys.prefix) / "share" / "transfer-advisor" / "migrations"
    return checkout if (checkout / "env.py").is_file() or not installed.is_dir() else installed


MIGRATIONS_DIR = _migrations_dir()
# pg_advisory_xact_lock key of the migrations (any constant shared by every replica).
MIGRATION_LOCK = 0x7472_616E_7366_6572  # "transfer"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    _locked(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    _locked(engine, lambda config: command.downgrade(config, revision))


def _locked(engine: Engine, action: Callable[[Config], None]) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection, without_round_trip_deadline(connection):
        connection.execution_options(**{WRITE_TRANSACTION: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                # A backfill may run long and the lock wait lasts as long as another
                # replica's migration: neither is a stalled request.
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(text("SET LOCAL lock_timeout = 0"))
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            action(config)
