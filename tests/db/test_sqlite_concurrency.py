"""The embedded default under contention: several processes writing one SQLite file keep one
linear chain and lose nothing (BEGIN IMMEDIATE on the append transaction)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import func, select
from tests import concurrent_workers

from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_engine, make_sessionmaker
from transfer_advisor.db.models import AssessmentRow
from transfer_advisor.services.audit import verify
from transfer_advisor.settings import Settings

PROCESSES = 3
PER_PROCESS = 40


def test_processes_share_one_sqlite_chain(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'shared.db').as_posix()}"
    settings = Settings(database_url=url, data_dir=tmp_path)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    with ProcessPoolExecutor(PROCESSES, mp_context=ctx, initializer=concurrent_workers.init,
                             initargs=(barrier,)) as pool:
        futures = [pool.submit(concurrent_workers.assess_many, url, "lite", w, PER_PROCESS)
                   for w in range(PROCESSES)]
        ids = [i for f in futures for i in f.result(timeout=300)]
    assert len(set(ids)) == PROCESSES * PER_PROCESS
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        seqs = session.scalars(select(AssessmentRow.seq).where(AssessmentRow.tenant == "lite")
                               .order_by(AssessmentRow.seq)).all()
        assert session.scalar(select(func.count()).select_from(AssessmentRow)) == len(ids)
    assert list(seqs) == list(range(1, len(ids) + 1))
    result = verify(sessions, "lite")
    assert result.ok, result
    assert result.checked == len(ids)
    engine.dispose()
