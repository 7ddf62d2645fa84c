"""GET /assessments filters and paging, GET /assessments/stats, GET /audit/verify and replay,
on SQLite and PostgreSQL (records seeded through the real store() with pinned clocks)."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.history_seed import STRATEGIES, T0, Seeded, hourly, seed
from tests.payloads import embeddings_request

from transfer_advisor.db.repositories import AssessmentRepository
from transfer_advisor.domain.record import day_start
from transfer_advisor.services import history as history_service
from transfer_advisor.services import replay as replay_service
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"


def page_all(client: TestClient, limit: int, **params: Any) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        q = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get("/assessments", params=q)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids


def iso(t: datetime) -> str:
    return t.isoformat()


@pytest.fixture
def seeded(client: TestClient, settings: Settings) -> list[Seeded]:
    # 40 records 50 minutes apart: spans hours, days and a week boundary (T0 is a Monday).
    return seed(client.app.state.sessions, settings.default_tenant,  # type: ignore[attr-defined]
                hourly(40, T0 + timedelta(days=5)))


FILTERS: list[dict[str, Any]] = [
    {},
    {"source_name": "a"},
    {"target_name": "y"},
    {"strategy": "feature_extraction"},
    {"extractor": "enc"},
    {"negative_transfer_risk": "medium"},
    {"policy_version": "seed-2"},
    {"negative_transfer_risk": "high", "policy_version": "seed", "strategy": "fine_tune"},
    {"since": T0 + timedelta(days=5, hours=7, minutes=3)},
    {"until": T0 + timedelta(days=6, hours=2)},
    {"since": T0 + timedelta(days=5, hours=3), "until": T0 + timedelta(days=6), "source_name": "b",
     "strategy": "fine_tune"},
]


# Filters for the daily path (records from Friday T0+4d 11:30 to Wednesday T0+9d ~08:00; the
# week starts on Monday T0+7d): since/until mid-day, on midnight, on an hour, open-ended.
MON = T0.replace(hour=0, minute=0) + timedelta(days=7)
DAY_FILTERS: list[dict[str, Any]] = [
    {},
    {"since": MON - timedelta(days=2, hours=10, minutes=43)},
    {"until": MON + timedelta(days=1, hours=9, minutes=42)},
    {"since": MON - timedelta(days=2, hours=10, minutes=43),
     "until": MON + timedelta(days=1, hours=9, minutes=42)},
    {"since": MON - timedelta(days=1), "until": MON + timedelta(days=1)},
    {"since": MON - timedelta(hours=5), "until": MON + timedelta(days=1, hours=2)},
    {"since": MON - timedelta(days=2, hours=2, minutes=1), "until": MON + timedelta(hours=6),
     "strategy": "fine_tune"},
    {"since": MON - timedelta(hours=7, minutes=30), "until": MON + timedelta(hours=8, minutes=5)},
]


def matches(r: Seeded, flt: dict[str, Any]) -> bool:
    return all([
        flt.get("source_name") in (None, r.source_name),
        flt.get("target_name") in (None, r.target_name),
        flt.get("strategy") in (None, r.strategy),
        flt.get("extractor") in (None, r.extractor),
        flt.get("negative_transfer_risk") in (None, r.negative_transfer_risk),
        flt.get("policy_version") in (None, r.policy_version),
        "since" not in flt or r.created_at >= flt["since"],
        "until" not in flt or r.created_at < flt["until"]])


def wire(flt: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in flt.items()}


class TestHistory:
    @pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ",".join(f) or "none")
    def test_filters_page_exactly_the_matching_records_newest_first(
            self, client: TestClient, seeded: list[Seeded], flt: dict[str, Any]) -> None:
        expected = [r.id for r in sorted(seeded, key=lambda r: -r.seq) if matches(r, flt)]
        assert expected, "each filter must select something to be a real test"
        assert page_all(client, 7, **wire(flt)) == expected
        first = client.get("/assessments", params={**wire(flt), "limit": 500}).json()
        assert [i["id"] for i in first["items"]] == expected
        assert first["next_cursor"] is None

    def test_items_carry_the_indexed_fields(self, client: TestClient, seeded: list[Seeded]) -> None:
        item = client.get("/assessments", params={"limit": 1}).json()["items"][0]
        last = seeded[-1]
        assert (item["id"], item["source_name"], item["strategy"], item["extractor"]) == (
            last.id, last.source_name, last.strategy, last.extractor)
        assert datetime.fromisoformat(item["created_at"]) == last.created_at

    def test_naive_times_are_utc(self, client: TestClient, seeded: list[Seeded]) -> None:
        since = T0 + timedelta(days=6)
        aware = page_all(client, 500, since=iso(since))
        naive = page_all(client, 500, since=since.replace(tzinfo=None).isoformat())
        assert aware == naive == [r.id for r in reversed(seeded) if r.created_at >= since]

    def test_new_records_never_enter_later_pages(self, client: TestClient,
                                                 seeded: list[Seeded]) -> None:
        first = client.get("/assessments", params={"limit": 10}).json()
        for _ in range(3):
            assert client.post("/assess", json=embeddings_request(form="summary")).status_code == 201
        rest = page_all_from(client, 10, first["next_cursor"])
        ids = [i["id"] for i in first["items"]] + rest
        assert ids == [r.id for r in reversed(seeded)]

    @pytest.mark.parametrize(("params", "field"), [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJzZXEiOiAieCJ9"}, "cursor"),  # {"seq": "x"}
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"strategy": "guess"}, "strategy"),
        ({"negative_transfer_risk": "extreme"}, "negative_transfer_risk"),
        ({"policy_version": ""}, "policy_version"),
    ])
    def test_bad_parameters_are_problems_naming_the_field(
            self, client: TestClient, params: dict[str, Any], field: str) -> None:
        response = client.get("/assessments", params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert any(field in e["field"] for e in response.json()["errors"])


def page_all_from(client: TestClient, limit: int, cursor: str | None) -> list[str]:
    ids: list[str] = []
    while cursor:
        body = client.get("/assessments", params={"limit": limit, "cursor": cursor}).json()
        ids += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
    return ids


def bucket_of(t: datetime, bucket: str) -> datetime:
    hour = t.replace(minute=0, second=0, microsecond=0)
    if bucket == "hour":
        return hour
    day = hour.replace(hour=0)
    return day if bucket == "day" else day - timedelta(days=day.weekday())


class TestStats:
    @pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ",".join(f) or "none")
    def test_buckets_match_the_records_and_sum_to_totals(
            self, client: TestClient, seeded: list[Seeded], flt: dict[str, Any]) -> None:
        for bucket in ("hour", "day", "week"):
            self.check_bucket(client, seeded, bucket, flt)

    @staticmethod
    def check_bucket(client: TestClient, seeded: list[Seeded], bucket: str,
                     flt: dict[str, Any]) -> None:
        response = client.get("/assessments/stats", params={**wire(flt), "bucket": bucket})
        assert response.status_code == 200, response.text
        body = response.json()
        chosen = [r for r in seeded if matches(r, flt)]
        counts: dict[datetime, Counter[str]] = defaultdict(Counter)
        scores: dict[datetime, list[float]] = defaultdict(list)
        for r in chosen:
            counts[bucket_of(r.created_at, bucket)][r.strategy] += 1
            scores[bucket_of(r.created_at, bucket)].append(r.transfer_score)
        assert body["bucket"] == bucket
        assert [datetime.fromisoformat(b["start"]) for b in body["buckets"]] == sorted(counts)
        for b in body["buckets"]:
            start = datetime.fromisoformat(b["start"])
            assert b["counts"] == {s: counts[start][s] for s in STRATEGIES}
            assert b["total"] == sum(b["counts"].values())
            assert b["mean_transfer_score"] == pytest.approx(
                sum(scores[start]) / len(scores[start]), abs=1e-12)
        assert body["total"] == len(chosen) == sum(b["total"] for b in body["buckets"])
        assert body["totals"] == {s: sum(b["counts"][s] for b in body["buckets"])
                                  for s in STRATEGIES}

    @pytest.mark.parametrize("flt", DAY_FILTERS, ids=lambda f: ",".join(f) or "none")
    def test_daily_rollup_across_day_and_week_boundaries(
            self, client: TestClient, settings: Settings, flt: dict[str, Any],
            monkeypatch: pytest.MonkeyPatch) -> None:
        # One record every 3 h 7 min from Friday 11:30 to the next Wednesday: several whole
        # days, a week boundary, and edges that need the hourly rollup and the records.
        spread = seed(client.app.state.sessions, settings.default_tenant,  # type: ignore[attr-defined]
                      hourly(40, T0 + timedelta(days=4, hours=1), timedelta(hours=3, minutes=7)))
        assert [r for r in spread if matches(r, flt)], "each filter must select something"
        calls: list[str] = []
        day_cells = AssessmentRepository.day_cells

        def spy(self: AssessmentRepository, bucket: Any, *args: Any) -> Any:
            calls.append(bucket)
            return day_cells(self, bucket, *args)

        monkeypatch.setattr(AssessmentRepository, "day_cells", spy)
        for bucket in ("hour", "day", "week"):
            self.check_bucket(client, spread, bucket, flt)
        # Day and week read the daily rollup when a whole day is in range; hour never does.
        whole_day = "since" not in flt or "until" not in flt or (
            history_service.ceil_day(flt["since"]) < day_start(flt["until"]))
        assert calls == (["day", "week"] if whole_day else [])

    def test_stats_is_not_captured_by_the_record_route(self, client: TestClient) -> None:
        body = client.get("/assessments/stats").json()
        assert body == {"bucket": "day", "buckets": [], "total": 0,
                        "totals": dict.fromkeys(STRATEGIES, 0)}

    def test_bad_bucket_names_the_field(self, client: TestClient) -> None:
        response = client.get("/assessments/stats", params={"bucket": "month"})
        assert response.status_code == 422
        assert any("bucket" in e["field"] for e in response.json()["errors"])

    def test_tenants_do_not_share_stats(self, client: TestClient, seeded: list[Seeded],
                                        settings: Settings) -> None:
        other = client.app.state.sessions  # type: ignore[attr-defined]
        seed(other, settings.default_tenant + "-other", hourly(5))
        assert client.get("/assessments/stats").json()["total"] == len(seeded)


class TestAuditVerify:
    def test_ok_after_writes(self, client: TestClient, seeded: list[Seeded]) -> None:
        client.post("/assess", json=embeddings_request(form="summary"))
        body = client.get("/audit/verify").json()
        assert body == {"ok": True, "checked": len(seeded) + 1, "first_bad_id": None,
                        "problem": None}

    def test_empty_chain_is_ok(self, client: TestClient) -> None:
        assert client.get("/audit/verify").json()["ok"] is True


class TestReplay:
    def test_same_policy_reproduces_the_decision(self, client: TestClient) -> None:
        original = client.post("/assess", json=embeddings_request(form="json")).json()
        response = client.post(f"/assessments/{original['id']}/replay")
        assert response.status_code == 201, response.text
        body = response.json()
        replayed = body["replay"]
        assert response.headers["location"] == f"/assessments/{replayed['id']}"
        assert body["original_id"] == original["id"]
        assert replayed["replay_of"] == original["id"]
        assert replayed["id"] != original["id"]
        assert body["changed"] is False
        assert body["changes"] == {}
        assert replayed["recommendation"] == original["recommendation"]
        assert replayed["prev_record_sha256"] == original["record_sha256"]
        assert client.get(f"/assessments/{original['id']}").json() == original
        assert client.get("/audit/verify").json()["ok"] is True

    def test_a_new_policy_reports_what_changes(self, client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        original = client.post("/assess", json=embeddings_request(form="summary")).json()
        real = replay_service.policy.decide

        def stricter(*args: Any, **kwargs: Any) -> Any:
            rec = real(*args, **kwargs)
            return type(rec)("train_from_scratch", rec.transfer_score / 2, "high", rec.confidence,
                             (*rec.reasons, "stricter policy"))

        monkeypatch.setattr(replay_service.policy, "decide", stricter)
        # a new shipped policy: its version names it wherever the service looks it up
        shipped = replay_service.policy.load_params()
        monkeypatch.setattr(replay_service.policy, "POLICY_VERSION", "test-next")
        monkeypatch.setattr(replay_service.policy, "load_params",
                            lambda: dataclasses.replace(shipped, version="test-next"))
        body = client.post(f"/assessments/{original['id']}/replay").json()
        before = original["recommendation"]
        assert body["changed"] is True
        assert body["changes"]["transfer_score"] == {"before": before["transfer_score"],
                                                     "after": before["transfer_score"] / 2}
        assert body["changes"]["policy_version"] == {"before": original["policy_version"],
                                                     "after": "test-next"}
        if before["strategy"] != "train_from_scratch":
            assert body["changes"]["strategy"]["after"] == "train_from_scratch"
        assert body["replay"]["policy_version"] == "test-next"
        assert client.get(f"/assessments/{original['id']}").json() == original
        history = client.get("/assessments").json()["items"]
        assert [i["id"] for i in history] == [body["replay"]["id"], original["id"]]

    def test_unknown_and_foreign_ids_are_404_and_store_nothing(self, client: TestClient) -> None:
        response = client.post("/assessments/nope/replay")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        assert client.get("/assessments").json()["items"] == []
