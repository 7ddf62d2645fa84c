"""`transfer-advisor report ID`: one stored assessment as a self-contained HTML page.

Locally (the default) the record is read from the configured database (TRANSFER_ADVISOR_*
settings, as `serve` uses them) for `--tenant` (default: the embedded mode's tenant); with
`--server URL` the page comes from GET /assessments/{id}/report of a running service, with
`--api-key` for its tenant. The page has inline CSS and SVG only: it opens offline, and can be
attached to a review or a ticket as it is.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ..errors import NotFound
from .common import EXIT_OK, EXIT_USAGE, HANDLED, CliError, add_command, output_file, report_error

EXIT_NOT_FOUND = 1
EXIT_CODES = ("exit codes: 0 report written; 1 no such assessment for this tenant, or the server "
              "refused or could not be reached (the reason on stderr); 2 bad arguments or an "
              "unwritable output file")


def register(sub: Any) -> None:
    p = add_command(sub, "report", "write one assessment as a self-contained HTML page",
                    run, description=__doc__, epilog=EXIT_CODES)
    p.add_argument("assessment_id", metavar="ID", help="the assessment's id")
    p.add_argument("-o", "--output", default="-",
                   help="the HTML file to write (default: standard output)")
    p.add_argument("--server", help="base URL of a running service; default: read the "
                                    "configured database directly")
    p.add_argument("--api-key", default=os.environ.get("TRANSFER_ADVISOR_API_KEY"),
                   help="Bearer key for --server (default: $TRANSFER_ADVISOR_API_KEY)")
    p.add_argument("--tenant", help="whose record, reading the database locally (default: "
                                    "TRANSFER_ADVISOR_DEFAULT_TENANT)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds, with --server")


class NotAvailable(Exception):
    """The report could not be had: no such record, or the server said no."""


def fetch_remote(server: str, assessment_id: str, api_key: str | None, timeout: float,
                 http: Any = None) -> str:
    """The page from GET {server}/assessments/{id}/report; NotAvailable with the reason."""
    import httpx

    headers = {"accept": "text/html"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    path = f"/assessments/{quote(assessment_id, safe='')}/report"
    try:
        if http is not None:
            response = http.get(path, headers=headers)
        else:
            with httpx.Client(base_url=server.rstrip("/"), timeout=timeout) as own:
                response = own.get(path, headers=headers)
    except httpx.HTTPError as exc:
        raise NotAvailable(f"{server}: unreachable ({exc})") from None
    if response.status_code != 200:
        try:
            problem = response.json()
            reason = f"{problem.get('title', 'refused')}: {problem.get('detail', '')}"
        except (ValueError, AttributeError):
            reason = response.text[:300]
        raise NotAvailable(f"{response.status_code} {reason}")
    return str(response.text)


def render_local(assessment_id: str, tenant: str | None) -> str:
    """The page from the configured database, as the service would render it."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..services import reports
    from ..settings import Settings
    from .common import open_database

    settings = Settings()
    tenant = tenant or settings.default_tenant
    try:
        return reports.report_html(open_database(settings), tenant, assessment_id)
    except NotFound as exc:
        raise NotAvailable(f"{exc.detail} for tenant {tenant!r}") from None
    except SQLAlchemyError as exc:
        raise NotAvailable(f"database unavailable ({type(exc).__name__}); check "
                           "TRANSFER_ADVISOR_DATABASE_URL") from None


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None,
        http: Any = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        target = None if args.output == "-" else output_file(args.output)
        if args.server and args.tenant:
            raise CliError("--tenant is for the local database; with --server the API key "
                           "names the tenant")
        if args.server:
            page = fetch_remote(args.server, args.assessment_id, args.api_key, args.timeout, http)
        else:
            page = render_local(args.assessment_id, args.tenant)
    except NotAvailable as exc:
        err.write(f"error: {exc}\n")
        return EXIT_NOT_FOUND
    except HANDLED as exc:
        return report_error(exc, err)
    if target is None:
        out.write(page)
        return EXIT_OK
    try:
        Path(target).write_text(page, encoding="utf-8")
    except OSError as exc:
        err.write(f"error: {target}: cannot write ({exc.strerror})\n")
        return EXIT_USAGE
    err.write(f"wrote {target} ({len(page.encode()) // 1024 + 1} KiB)\n")
    return EXIT_OK
