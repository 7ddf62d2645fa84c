"""Several service processes against one PostgreSQL: one linear chain, nothing lost, idempotency
across processes, and gap-free paging while they write."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from tests import concurrent_workers

from transfer_advisor.app import create_app
from transfer_advisor.db import migrate
from transfer_advisor.db.models import AssessmentRow
from transfer_advisor.settings import Settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PROCESSES = 4
PER_PROCESS = 200
PAGE_SIZES = (7, 50, 500)


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, as separate services
    barrier = ctx.Barrier(PROCESSES)
    with ProcessPoolExecutor(PROCESSES, mp_context=ctx, initializer=concurrent_workers.init,
                             initargs=(barrier,)) as executor:
        yield executor


@pytest.fixture(scope="module")
def pg_url(postgres_database: str) -> str:
    engine = create_engine(postgres_database)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        # Each append holds the tenant's chain lock through its commit, so the commit's fsync
        # bounds the test's speed; durability after a crash is not what this test is about.
        name = engine.url.database
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        conn.commit()
    engine.dispose()
    return postgres_database


def pg_client(url: str, tenant: str, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, default_tenant=tenant, auth="disabled",
                                          data_dir=tmp_path)), raise_server_exceptions=False)


def seq_of(url: str, tenant: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(AssessmentRow.id, AssessmentRow.seq)
                            .where(AssessmentRow.tenant == tenant)).all()
    engine.dispose()
    return dict(rows)  # type: ignore[arg-type]


def page_once(client: TestClient, limit: int) -> list[str]:
    ids, cursor = [], None
    while True:
        body = client.get("/assessments", params={
            "limit": limit, **({"cursor": cursor} if cursor else {})}).json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


def test_four_processes_keep_one_chain_and_pages_have_no_gap(
        pool: ProcessPoolExecutor, pg_url: str, tmp_path: Path) -> None:
    tenant = f"conc-{uuid.uuid4().hex[:8]}"
    futures: list[Future[list[str]]] = [
        pool.submit(concurrent_workers.assess_many, pg_url, tenant, w, PER_PROCESS)
        for w in range(PROCESSES)]
    runs: list[tuple[int, list[str]]] = []  # (page size, ids) of each paging pass
    with pg_client(pg_url, tenant, tmp_path) as client:
        while not all(f.done() for f in futures):
            for limit in PAGE_SIZES:
                runs.append((limit, page_once(client, limit)))
            time.sleep(0.25)  # leave the cores to the writers between passes
        returned = [i for f in futures for i in f.result()]
        verify = client.get("/audit/verify").json()
        final = page_once(client, 500)

    assert len(returned) == len(set(returned)) == PROCESSES * PER_PROCESS
    seqs = seq_of(pg_url, tenant)
    assert set(seqs) == set(returned) == set(final)
    assert sorted(seqs.values()) == list(range(1, PROCESSES * PER_PROCESS + 1))
    assert verify == {"ok": True, "checked": PROCESSES * PER_PROCESS, "first_bad_id": None,
                      "problem": None}

    # Each pass must list exactly the records up to the newest it saw first: no duplicate, no gap.
    during = [(limit, ids) for limit, ids in runs if ids and seqs[ids[0]] < len(seqs)]
    assert {limit for limit, _ in during} == set(PAGE_SIZES), "paging must overlap the writes"
    for limit, ids in during:
        top = seqs[ids[0]]
        assert len(ids) == len(set(ids)), limit
        assert [seqs[i] for i in ids] == list(range(top, 0, -1)), limit


def test_same_key_same_body_from_four_processes_stores_one_record(
        pool: ProcessPoolExecutor, pg_url: str) -> None:
    tenant = f"idem-{uuid.uuid4().hex[:8]}"
    results = list(pool.map(concurrent_workers.assess_once, [pg_url] * PROCESSES,
                            [tenant] * PROCESSES, ["k-1"] * PROCESSES, [7] * PROCESSES))
    assert {status for status, _ in results} == {"ok"}
    assert len({record_id for _, record_id in results}) == 1
    assert list(seq_of(pg_url, tenant)) == [results[0][1]]


def test_same_key_other_bodies_from_four_processes_one_wins_rest_conflict(
        pool: ProcessPoolExecutor, pg_url: str) -> None:
    tenant = f"idem-{uuid.uuid4().hex[:8]}"
    results = list(pool.map(concurrent_workers.assess_once, [pg_url] * PROCESSES,
                            [tenant] * PROCESSES, ["k-2"] * PROCESSES, range(PROCESSES)))
    statuses = sorted(status for status, _ in results)
    assert statuses == ["conflict"] * (PROCESSES - 1) + ["ok"]
    winner = next(value for status, value in results if status == "ok")
    assert list(seq_of(pg_url, tenant)) == [winner]
    assert all(winner in detail for status, detail in results if status == "conflict")
