"""The per-assessment report as a use case: one of the tenant's records, rendered to HTML."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from .. import __version__
from ..dashboard.report import render_report
from . import records


def report_html(sessions: sessionmaker[Session], tenant: str, assessment_id: str) -> str:
    """The self-contained HTML report of one record; NotFound for another tenant's id."""
    record = records.get_or_404(sessions, tenant, assessment_id)
    return render_report(record.as_wire(), service_version=__version__)
