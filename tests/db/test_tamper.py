"""Edit stored rows directly in the database and watch GET /audit/verify name the record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from tests.history_seed import Seeded, hourly, seed

from transfer_advisor.domain.audit import record_hash
from transfer_advisor.services import keys
from transfer_advisor.settings import Settings

N = 12
VICTIM = 5  # index of the edited record


@pytest.fixture
def records(client: TestClient, settings: Settings) -> list[Seeded]:
    return seed(client.app.state.sessions, settings.default_tenant,  # type: ignore[attr-defined]
                hourly(N))


@pytest.fixture
def db(settings: Settings) -> Iterator[Engine]:
    engine = create_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


def load(conn: Connection, row_id: str) -> dict[str, Any]:
    raw = conn.execute(text("SELECT record FROM assessment WHERE id = :i"), {"i": row_id}).scalar()
    return raw if isinstance(raw, dict) else json.loads(raw)


def set_record(conn: Connection, row_id: str, record: dict[str, Any], rehash: bool) -> None:
    params = {"r": json.dumps(record), "i": row_id, "h": record_hash(record)}
    sql = "UPDATE assessment SET record = :r" + (", record_sha256 = :h" if rehash else "")
    conn.execute(text(sql + " WHERE id = :i"), params)


def column_edit(column: str, value: Any) -> Callable[[Connection, str], None]:
    def edit(conn: Connection, row_id: str) -> None:
        conn.execute(text(f"UPDATE assessment SET {column} = :v WHERE id = :i"),
                     {"v": value, "i": row_id})
    return edit


def json_edit(rehash: bool) -> Callable[[Connection, str], None]:
    def edit(conn: Connection, row_id: str) -> None:
        record = load(conn, row_id)
        record["recommendation"]["transfer_score"] = 0.999
        set_record(conn, row_id, record, rehash)
    return edit


EDITS = {
    "strategy column": column_edit("strategy", "other"),
    "transfer_score column": column_edit("transfer_score", 0.123),
    "source_name column": column_edit("source_name", "renamed"),
    "extractor column": column_edit("extractor_name", "sneaky"),
    "record json": json_edit(rehash=False),
    "record json and its hash": json_edit(rehash=True),
}


class TestVerifyNamesTheEditedRecord:
    @pytest.mark.parametrize("edit", EDITS.values(), ids=list(EDITS))
    def test_edit_is_named(self, client: TestClient, records: list[Seeded], db: Engine,
                           edit: Callable[[Connection, str], None]) -> None:
        assert client.get("/audit/verify").json()["ok"] is True
        victim = records[VICTIM].id
        with db.begin() as conn:
            edit(conn, victim)
        body = client.get("/audit/verify").json()
        assert body["ok"] is False
        assert body["first_bad_id"] == victim
        assert body["checked"] >= VICTIM + 1
        assert body["problem"]

    def test_deleted_middle_record_names_its_successor(self, client: TestClient,
                                                       records: list[Seeded], db: Engine) -> None:
        with db.begin() as conn:
            conn.execute(text("DELETE FROM assessment WHERE id = :i"), {"i": records[VICTIM].id})
        body = client.get("/audit/verify").json()
        assert (body["ok"], body["first_bad_id"]) == (False, records[VICTIM + 1].id)

    def test_deleted_newest_record_breaks_the_head(self, client: TestClient,
                                                   records: list[Seeded], db: Engine) -> None:
        with db.begin() as conn:
            conn.execute(text("DELETE FROM assessment WHERE id = :i"), {"i": records[-1].id})
        body = client.get("/audit/verify").json()
        assert body["ok"] is False
        assert body["first_bad_id"] is None
        assert "head" in body["problem"]

    @pytest.mark.parametrize(("table", "label"), [("assessment_hour", "hourly"),
                                                  ("assessment_day", "daily")])
    def test_edited_stats_rollup_is_reported(self, client: TestClient, records: list[Seeded],
                                             db: Engine, settings: Settings, table: str,
                                             label: str) -> None:
        with db.begin() as conn:
            conn.execute(text(f"UPDATE {table} SET n = n + 1 WHERE tenant = :t"),
                         {"t": settings.default_tenant})
        body = client.get("/audit/verify").json()
        assert body["ok"] is False
        assert f"{label} stats rollup" in body["problem"]


class TestReplayRefusesAForgedRecord:
    @pytest.mark.parametrize("edit", EDITS.values(), ids=list(EDITS))
    def test_edited_record_is_not_replayed(self, client: TestClient, records: list[Seeded],
                                           db: Engine, edit: Callable[[Connection, str], None],
                                           ) -> None:
        victim = records[VICTIM].id
        assert client.post(f"/assessments/{records[VICTIM + 1].id}/replay").status_code == 201
        with db.begin() as conn:
            edit(conn, victim)
            before = conn.execute(text("SELECT count(*) FROM assessment")).scalar()
        response = client.post(f"/assessments/{victim}/replay")
        assert response.status_code == 409, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "failed verification" in response.json()["detail"]
        with db.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM assessment")).scalar() == before

    def test_rewritten_newest_record_is_caught_by_the_head(
            self, client: TestClient, records: list[Seeded], db: Engine) -> None:
        with db.begin() as conn:
            json_edit(rehash=True)(conn, records[-1].id)
        assert client.post(f"/assessments/{records[-1].id}/replay").status_code == 409


def test_a_record_appended_between_the_two_link_reads_is_no_broken_link(
        client: TestClient, records: list[Seeded], monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaying a record reads the next record's back-link, then the chain head. Under read
    committed, a record appended in between is invisible to the first read and has moved the
    head by the second: seen that way the record is not broken (a replica under load once said
    409 here)."""
    from transfer_advisor.db import repositories

    real = repositories.back_link_at
    calls: list[int] = []

    def not_yet_committed(session: Any, tenant: str, seq: int) -> str | None:
        calls.append(seq)
        return None if len(calls) == 1 else real(session, tenant, seq)

    monkeypatch.setattr(repositories, "back_link_at", not_yet_committed)
    response = client.post(f"/assessments/{records[-2].id}/replay")
    assert response.status_code == 201, response.text
    assert len(calls) == 2  # read again once the head had moved
    assert calls[0] == calls[1]


def test_verify_reads_one_snapshot_while_records_are_appended(
        client: TestClient, records: list[Seeded], settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A record appended after verify has read the chain, before it reads the head and the
    rollups, is not in its snapshot: the chain it read verifies, and the next verify counts
    the new record."""
    from transfer_advisor.services import audit

    sessions = client.app.state.sessions  # type: ignore[attr-defined]
    tenant = settings.default_tenant
    real = audit.chain_rows

    def then_append(session: Any, who: str, batch: int = audit.BATCH) -> Iterator[Any]:
        yield from real(session, who, batch)
        seed(sessions, tenant, [records[-1].created_at + timedelta(minutes=50)])

    monkeypatch.setattr(audit, "chain_rows", then_append)
    first = audit.verify(sessions, tenant)
    assert first.ok, first
    assert first.checked == len(records)
    monkeypatch.setattr(audit, "chain_rows", real)
    second = audit.verify(sessions, tenant)
    assert second.ok, second
    assert second.checked == len(records) + 1


class TestVerifyScope:
    def test_needs_admin(self, client: TestClient, settings: Settings) -> None:
        sessions = client.app.state.sessions  # type: ignore[attr-defined]
        _, read_key = keys.create_key(sessions, settings.default_tenant, ["read"])
        _, admin_key = keys.create_key(sessions, settings.default_tenant, ["read", "admin"])
        denied = client.get("/audit/verify", headers={"Authorization": f"Bearer {read_key}"})
        assert denied.status_code == 403
        allowed = client.get("/audit/verify", headers={"Authorization": f"Bearer {admin_key}"})
        assert allowed.status_code == 200
