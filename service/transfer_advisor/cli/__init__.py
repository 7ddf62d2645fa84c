"""`transfer-advisor`: the command line. One module per command group registers its commands;
`main` parses, runs the command and turns its errors into a message and an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .common import HANDLED, report_error

EXIT_CODES = ("exit codes: 0 done; 1 `assess`, `rank`: the service refused the request or "
              "failed, `report`: no such assessment or the server refused; 2 bad arguments, "
              "an unusable file, or the command was refused (the reason on stderr)")
DESCRIPTION = """Transfer Advisor: will transfer learning help this task, or hurt it?

Run `transfer-advisor COMMAND --help` for a command's options and exit codes. Settings come
from TRANSFER_ADVISOR_* environment variables (data dir, database URL, auth, limits)."""


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: some command modules import numpy, which `--help` does not need.
    from . import assess, db, embed, extractors, keys, openapi, outcomes, rank, report, serve

    parser = argparse.ArgumentParser(
        prog="transfer-advisor", description=DESCRIPTION, epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (serve, db, keys, openapi, extractors, embed, assess, rank, outcomes, report):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except HANDLED as exc:
        return report_error(exc)
    return code
