"""What every command shares: exit codes, the one error handler, parser and database helpers."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
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


def json_lines(lines: Iterable[str], path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) of each non-blank line of a JSONL file."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
        yield lineno, item


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


# ---------------------------------------------------------------------------------------------
# Files


def input_file(path: str | Path) -> Path:
    """`path` if it is a readable file; else an InputFileError naming it."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file" if not p.exists() else f"{p}: not a file")
    return p


def output_file(path: str | Path) -> Path:
    """`path` if a file can be written there, checked before any slow work starts."""
    p = Path(path)
    if p.is_dir():
        raise CliError(f"{p}: is a directory; give a file name for the output")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise CliError(f"{p}: cannot write: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise CliError(f"{p}: cannot write: permission denied")
    return p


# ---------------------------------------------------------------------------------------------
# Progress on stderr (only on a terminal unless forced, so logs and pipes stay clean)


class Progress:
    """A one-line progress bar over `total` items (no dependency)."""

    def __init__(self, total: int, label: str, enabled: bool | None = None,
                 stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.label, self.done = total, label, 0
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        frac = self.done / max(self.total, 1)
        bar = "#" * int(30 * frac)
        rate = self.done / max(time.perf_counter() - self.start, 1e-9)
        self.stream.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total} {rate:.0f}/s")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


class Stages:
    """Elapsed time per stage of work that reports no fraction (metrics, a server's answer):
    `with stages("computing metrics"):` rewrites one stderr line every `interval` seconds."""

    def __init__(self, label: str, enabled: bool | None = None, stream: TextIO | None = None,
                 interval: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.interval = label, interval
        self.start = time.perf_counter()

    def _line(self, stage: str, started: float, end: str = "") -> None:
        now = time.perf_counter()
        self.stream.write(f"\r{self.label}: {stage} {now - started:.1f} s "
                          f"(total {now - self.start:.1f} s){end}")
        self.stream.flush()

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        started, done = time.perf_counter(), threading.Event()

        def tick() -> None:
            while not done.wait(self.interval):
                self._line(stage, started)

        self._line(stage, started)
        ticker = threading.Thread(target=tick, name="cli-progress", daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            self._line(stage, started, "\n")


# ---------------------------------------------------------------------------------------------
# Logs


LOG_FORMATS = ("auto", "json", "text")


def log_format(choice: str, settings: Settings, stream: TextIO | None = None) -> str:
    """`json` or `text`: the flag, else TRANSFER_ADVISOR_LOG_FORMAT when set, else text on a
    terminal (people read it) and JSON otherwise (a collector parses it)."""
    if choice != "auto":
        return choice
    if "log_format" in settings.model_fields_set:
        return settings.log_format
    return "text" if (stream or sys.stderr).isatty() else "json"
