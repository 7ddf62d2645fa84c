"""Queries on the chain's non-assessment links (outcomes, policy events) and on policy versions.

Each repository is bound to one tenant; chain entries are append-only (no update, no delete).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..domain.chain import ChainEntry
from ..domain.record import AssessmentRecord, HistoryFilter
from .models import AssessmentRow, ChainEntryRow, ChainHead, PolicyRow
from .repositories import AssessmentRepository


class ChainEntryRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def _base(self) -> Select[ChainEntryRow]:
        return select(ChainEntryRow).where(ChainEntryRow.tenant == self.tenant)

    def append(self, entry: ChainEntry, seq: int) -> None:
        """Add a chained entry at `seq` and move the chain head; the caller commits once (a
        lost race for the seq surfaces as IntegrityError at commit)."""
        if entry.record_sha256 is None:
            raise ValueError("append a chained entry")
        row = ChainEntryRow(**entry.indexed_columns(), seq=seq, record=entry.body(),
                            record_sha256=entry.record_sha256)
        head = self.session.get(ChainHead, self.tenant)
        if head is None:
            self.session.add(ChainHead(tenant=self.tenant, seq=seq,
                                       record_sha256=entry.record_sha256))
        else:
            head.seq, head.record_sha256 = seq, entry.record_sha256
        self.session.add(row)

    def of_subject(self, kind: str, subject: str) -> list[ChainEntry]:
        """Entries of `kind` about `subject`, oldest first."""
        rows = self.session.scalars(self._base().where(
            ChainEntryRow.kind == kind, ChainEntryRow.subject == subject)
            .order_by(ChainEntryRow.seq))
        return [_entry(r) for r in rows]

    def of_kind(self, kind: str, subjects: Collection[str] | None = None) -> list[ChainEntry]:
        """Entries of `kind` (about `subjects`, when given), oldest first."""
        stmt = self._base().where(ChainEntryRow.kind == kind)
        if subjects is not None:
            stmt = stmt.where(ChainEntryRow.subject.in_(list(subjects)))
        return [_entry(r) for r in self.session.scalars(stmt.order_by(ChainEntryRow.seq))]

    def latest(self, kind: str) -> ChainEntry | None:
        """The newest entry of `kind`."""
        row = self.session.scalars(self._base().where(ChainEntryRow.kind == kind)
                                   .order_by(ChainEntryRow.seq.desc()).limit(1)).first()
        return None if row is None else _entry(row)

    def stored_row(self, entry_id: str) -> ChainEntryRow | None:
        return self.session.scalars(self._base().where(ChainEntryRow.id == entry_id)).first()

    def records_with_outcomes(self, flt: HistoryFilter,
                              policy_version: str | None) -> list[AssessmentRecord]:
        """The tenant's assessments (and replays) that matter to calibration: those with an
        outcome and every replay, within the history filter and policy version."""
        with_outcome = select(ChainEntryRow.subject).where(
            ChainEntryRow.tenant == self.tenant, ChainEntryRow.kind == "outcome")
        stmt = AssessmentRepository(self.session, self.tenant).filtered(flt).where(
            or_(AssessmentRow.id.in_(with_outcome), AssessmentRow.replay_of.is_not(None)))
        if policy_version is not None:
            stmt = stmt.where(AssessmentRow.policy_version == policy_version)
        return [AssessmentRecord.from_stored(r.record, r.record_sha256)
                for r in self.session.scalars(stmt.order_by(AssessmentRow.seq))]

    def replay_links(self) -> dict[str, str]:
        """Replay id → the id it replayed, for every replay of the tenant."""
        rows = self.session.execute(select(AssessmentRow.id, AssessmentRow.replay_of).where(
            AssessmentRow.tenant == self.tenant, AssessmentRow.replay_of.is_not(None)))
        return {i: str(r) for i, r in rows}

    def policy_versions_used(self) -> list[str]:
        """Policy versions the tenant's records were decided under, most used first."""
        rows = self.session.execute(
            select(AssessmentRow.policy_version, func.count()).where(
                AssessmentRow.tenant == self.tenant)
            .group_by(AssessmentRow.policy_version).order_by(func.count().desc()))
        return [str(v) for v, _ in rows]


def _entry(row: ChainEntryRow) -> ChainEntry:
    return ChainEntry.from_stored(row.record, row.record_sha256)


class PolicyRepository:
    """Policy versions as one tenant sees them: the shipped ones (tenant NULL) and its own."""

    def __init__(self, session: Session, tenant: str | None) -> None:
        self.session = session
        self.tenant = tenant

    def _visible(self) -> Select[PolicyRow]:
        shipped = PolicyRow.tenant.is_(None)
        if self.tenant is None:
            return select(PolicyRow).where(shipped)
        return select(PolicyRow).where(shipped | (PolicyRow.tenant == self.tenant))

    def get(self, version: str) -> PolicyRow | None:
        return self.session.scalars(self._visible().where(PolicyRow.version == version)).first()

    def exists(self, version: str) -> bool:
        """Whether any tenant (or the shipped set) holds `version`."""
        return self.session.get(PolicyRow, version) is not None

    def list(self) -> Sequence[PolicyRow]:
        return self.session.scalars(self._visible().order_by(
            PolicyRow.created_at, PolicyRow.version)).all()

    def add(self, version: str, params: str, sha256: str, fitted_on: dict[str, object],
            report: dict[str, object], created_at: datetime) -> PolicyRow:
        """A row owned by this repository's tenant (shipped when it is None)."""
        row = PolicyRow(version=version, tenant=self.tenant, created_at=created_at,
                        params=params, sha256=sha256, fitted_on=fitted_on, report=report)
        self.session.add(row)
        return row
