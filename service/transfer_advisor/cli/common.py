"""What every command shares: exit codes, the one error handler, parser and database helpers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import AdvisorError
from ..settings import Settings

if TYPE_CHECKING:  # sqlalchemy loads only for the commands that open the database
    from sqlalchemy.orm import Session, sessionmaker

EXIT_OK = 0
EXIT_REFUSED = 1  # `assess`: the service refused the request or failed
EXIT_USAGE = 2  # bad arguments or files, or the service refused the command

EXIT_CODES = ("exit codes: 0 done; 2 bad arguments, an unusable file, or refused "
              "(the reason on stderr)")

Command = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """Something the person running the command can fix; reported without a traceback."""


class InputFileError(CliError):
    """A file the CLI cannot use; the message names the file (and line)."""


def add_command(sub: Any, name: str, help: str, func: Command | None = None, *,
                description: str | None = None, epilog: str = EXIT_CODES
                ) -> argparse.ArgumentParser:
    """One (sub)command: its help line, its description and the exit codes in --help."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help, description=description or help, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    if func is not None:
        parser.set_defaults(func=func)
    return parser


def report_error(exc: BaseException, err: TextIO | None = None) -> int:
    """The one place an error becomes a message on stderr and an exit code."""
    err = err or sys.stderr
    if isinstance(exc, AdvisorError):
        err.write(f"error: {exc.title}: {exc.detail}\n")
    else:
        err.write(f"error: {exc}\n")
    return EXIT_USAGE


HANDLED = (AdvisorError, CliError, OSError)


def open_database(settings: Settings) -> sessionmaker[Session]:
    """The configured database, migrated to head (for commands that read or write it)."""
    from ..db import migrate
    from ..db.engine import make_engine, make_sessionmaker

    engine = make_engine(settings)
    migrate.upgrade(engine)
    return make_sessionmaker(engine)


class LazyDatabase:
    """A session factory that opens (and migrates) the database on first use, so a command
    that may not need it (embedding through a bundled extractor) leaves it alone."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: sessionmaker[Session] | None = None

    def __call__(self) -> Session:
        if self._sessions is None:
            self._sessions = open_database(self.settings)
        return self._sessions()
