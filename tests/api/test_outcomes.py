"""POST /assessments/{id}/outcome, the outcomes GET /assessments/{id} lists, their place in the
hash chain (GET /audit/verify names an edited outcome) and GET /calibration against a hand
computation; on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from tests.history_seed import record_template
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.domain.audit import record_hash
from transfer_advisor.domain.record import AssessmentRecord
from transfer_advisor.services import keys, records
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"
GOOD = {"acc_scratch": 0.71, "acc_feature_extraction": 0.78, "acc_fine_tune": None,
        "test_size": 500, "seeds": 3, "notes": "ResNet-18, 20 epochs"}


def sessions_of(client: TestClient) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = client.app.state.sessions  # type: ignore[attr-defined]
    return factory


def assess(client: TestClient, seed: int = 0, **headers: str) -> dict[str, Any]:
    response = client.post("/assess", json=embeddings_request(seed=seed), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def db(settings: Settings) -> Iterator[Engine]:
    engine = create_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


class TestPostOutcome:
    def test_stored_listed_and_chained(self, client: TestClient) -> None:
        a = assess(client)
        response = client.post(f"/assessments/{a['id']}/outcome", json=GOOD)
        assert response.status_code == 201, response.text
        assert response.headers["location"] == f"/assessments/{a['id']}"
        out = response.json()
        assert out["assessment_id"] == a["id"]
        assert out["acc_scratch"] == 0.71
        assert out["acc_feature_extraction"] == 0.78
        assert out["transfer_gain"] == pytest.approx(0.07)
        assert out["assessment_sha256"] == a["record_sha256"]
        # the next link of the same chain as the assessment
        assert out["prev_record_sha256"] == a["record_sha256"]
        listed = client.get(f"/assessments/{a['id']}").json()["outcomes"]
        assert listed == [out]
        second = client.post(f"/assessments/{a['id']}/outcome",
                             json={"acc_scratch": 0.7, "acc_fine_tune": 0.9}).json()
        assert [o["id"] for o in client.get(f"/assessments/{a['id']}").json()["outcomes"]] == \
            [out["id"], second["id"]]
        later = assess(client, seed=1)
        assert later["prev_record_sha256"] == second["record_sha256"]
        verified = client.get("/audit/verify").json()
        assert verified == {"ok": True, "checked": 4, "first_bad_id": None, "problem": None}

    @pytest.mark.parametrize(("body", "field"), [
        ({"acc_scratch": 1.2, "acc_feature_extraction": 0.5}, "acc_scratch"),
        ({"acc_scratch": 0.5, "acc_feature_extraction": -0.1}, "acc_feature_extraction"),
        ({"acc_scratch": 0.5, "acc_fine_tune": "high"}, "acc_fine_tune"),
        ({"acc_scratch": 0.5}, "acc_feature_extraction"),  # no transfer strategy
        ({"acc_scratch": 0.5, "acc_feature_extraction": None, "acc_fine_tune": None},
         "acc_feature_extraction"),
        ({"acc_feature_extraction": 0.5}, "acc_scratch"),
        ({"acc_scratch": 0.5, "acc_fine_tune": 0.6, "metric": "f1"}, "metric"),
        ({"acc_scratch": 0.5, "acc_fine_tune": 0.6, "seeds": 0}, "seeds"),
    ])
    def test_bad_input_is_422_naming_the_field_and_stores_nothing(
            self, client: TestClient, body: dict[str, Any], field: str) -> None:
        a = assess(client)
        response = client.post(f"/assessments/{a['id']}/outcome", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert field in [e["field"] for e in response.json()["errors"]]
        assert client.get(f"/assessments/{a['id']}").json()["outcomes"] == []
        assert client.get("/audit/verify").json()["checked"] == 1

    @pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
    def test_non_finite_accuracy_is_422(self, client: TestClient, literal: str) -> None:
        a = assess(client)
        raw = f'{{"acc_scratch": 0.5, "acc_feature_extraction": {literal}}}'
        response = client.post(f"/assessments/{a['id']}/outcome", content=raw,
                               headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "acc_feature_extraction"
        assert client.get(f"/assessments/{a['id']}").json()["outcomes"] == []

    def test_unknown_id_is_404(self, client: TestClient) -> None:
        response = client.post("/assessments/0123abc/outcome", json=GOOD)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith(PROBLEM)
        assert client.get("/audit/verify").json()["checked"] == 0


class TestTenantIsolation:
    def test_another_tenants_assessment_is_404_and_its_outcomes_unseen(
            self, settings: Settings) -> None:
        required = settings.model_copy(update={"auth": "required"})
        with TestClient(create_app(required), raise_server_exceptions=False) as client:
            sessions = sessions_of(client)
            _, key_a = keys.create_key(sessions, f"a-{uuid.uuid4().hex[:6]}", ["assess", "read"])
            _, key_b = keys.create_key(sessions, f"b-{uuid.uuid4().hex[:6]}", ["assess", "read"])
            a_hdr, b_hdr = {"Authorization": f"Bearer {key_a}"}, {"Authorization": f"Bearer {key_b}"}
            a = assess(client, **a_hdr)
            assert client.post(f"/assessments/{a['id']}/outcome", json=GOOD,
                               headers=b_hdr).status_code == 404
            assert client.post(f"/assessments/{a['id']}/outcome", json=GOOD,
                               headers=a_hdr).status_code == 201
            assert client.get("/calibration", headers=b_hdr).json()["n"] == 0
            assert client.get("/calibration", headers=a_hdr).json()["n"] == 1
            read_only = keys.create_key(sessions, "c", ["read"])[1]
            assert client.post(f"/assessments/{a['id']}/outcome", json=GOOD, headers={
                "Authorization": f"Bearer {read_only}"}).status_code == 403


def _load(conn: Any, entry_id: str) -> dict[str, Any]:
    raw = conn.execute(text("SELECT record FROM chain_entry WHERE id = :i"),
                       {"i": entry_id}).scalar()
    return raw if isinstance(raw, dict) else json.loads(raw)


class TestOutcomeTamper:
    @pytest.mark.parametrize("rehash", [False, True], ids=["json", "json and its hash"])
    def test_an_edited_outcome_is_named(self, client: TestClient, db: Engine,
                                        rehash: bool) -> None:
        a = assess(client)
        victim = client.post(f"/assessments/{a['id']}/outcome", json=GOOD).json()
        assess(client, seed=1)  # a later link, whose back-link names the victim's hash
        assert client.get("/audit/verify").json()["ok"] is True
        with db.begin() as conn:
            record = _load(conn, victim["id"])
            record["data"]["acc_feature_extraction"] = 0.99  # a better-looking outcome
            sql = "UPDATE chain_entry SET record = :r" + (", record_sha256 = :h" if rehash else "")
            conn.execute(text(sql + " WHERE id = :i"), {"r": json.dumps(record), "i": victim["id"],
                                                        "h": record_hash(record)})
        body = client.get("/audit/verify").json()
        assert body["ok"] is False
        assert body["first_bad_id"] == victim["id"]

    def test_a_column_moved_to_another_assessment_is_named(self, client: TestClient,
                                                          db: Engine) -> None:
        a, b = assess(client), assess(client, seed=1)
        victim = client.post(f"/assessments/{a['id']}/outcome", json=GOOD).json()
        with db.begin() as conn:
            conn.execute(text("UPDATE chain_entry SET subject = :s WHERE id = :i"),
                         {"s": b["id"], "i": victim["id"]})
        body = client.get("/audit/verify").json()
        assert (body["ok"], body["first_bad_id"]) == (False, victim["id"])
        assert "subject" in body["problem"]

    def test_a_deleted_outcome_breaks_the_chain(self, client: TestClient, db: Engine) -> None:
        a = assess(client)
        victim = client.post(f"/assessments/{a['id']}/outcome", json=GOOD).json()
        later = assess(client, seed=1)
        with db.begin() as conn:
            conn.execute(text("DELETE FROM chain_entry WHERE id = :i"), {"i": victim["id"]})
        body = client.get("/audit/verify").json()
        assert (body["ok"], body["first_bad_id"]) == (False, later["id"])


# ------------------------------------------------------------------------------ calibration
# Four decisions and what was measured after them (margin 0.02), scored by hand:
#   id  strategy            score risk    exp.gain | scratch fe    ft   | gain   helps/neg  best
#   r1  feature_extraction  0.9   low     0.10     | 0.50    0.60  0.65 | +0.15  helps      fine_tune
#   r2  feature_extraction  0.7   medium  0.05     | 0.70    0.60  -    | -0.10  negative   scratch
#   r3  train_from_scratch  0.2   high    -0.05    | 0.80    0.70  0.75 | -0.05  negative   scratch
#   r4  feature_extraction  0.5   low     -        | 0.60    0.61  -    | +0.01  within     fe
# accuracy: r1 right, r2 wrong, r3 right, r4 either = 3/4
# negative-transfer recall: r2 missed (not scratch, not high), r3 caught = 1/2
# Spearman: score ranks (4, 3, 1, 2) vs gain ranks (4, 1, 2, 3): d² = 0+4+1+1 = 6,
#           rho = 1 − 6·6 / (4·15) = 0.4
# three-way (fine-tuning measured: r1, r3): r1 wrong (fe vs fine_tune), r3 right = 1/2
# expected-gain MAE (r1..r3): (0.05 + 0.15 + 0.00) / 3
# reliability: [0.2, 0.4) r3 (0 of 1 gained), [0.4, 0.6) r4 (1 of 1), [0.6, 0.8) r2 (0 of 1),
#              [0.8, 1.0] r1 (1 of 1); [0, 0.2) empty
DECISIONS = [
    ("feature_extraction", 0.9, "low", 0.10, {"acc_scratch": 0.5, "acc_feature_extraction": 0.6,
                                              "acc_fine_tune": 0.65}),
    ("feature_extraction", 0.7, "medium", 0.05, {"acc_scratch": 0.7,
                                                 "acc_feature_extraction": 0.6}),
    ("train_from_scratch", 0.2, "high", -0.05, {"acc_scratch": 0.8, "acc_feature_extraction": 0.7,
                                                "acc_fine_tune": 0.75}),
    ("feature_extraction", 0.5, "low", None, {"acc_scratch": 0.6,
                                              "acc_feature_extraction": 0.61}),
]
EXPECTED = {"n": 4, "decision_accuracy": 0.75, "negative_transfer_recall": 0.5,
            "spearman_score_vs_gain": 0.4, "three_way_accuracy": 0.5,
            "expected_gain_mae": 0.2 / 3}
EXPECTED_BINS = [(0, None, None), (1, 0.2, 0.0), (1, 0.5, 1.0), (1, 0.7, 0.0), (1, 0.9, 1.0)]


def store_decision(client: TestClient, tenant: str, i: int, strategy: str, score: float,
                   risk: str, gain: float | None, version: str = "v-test",
                   replay_of: str | None = None) -> AssessmentRecord:
    body = copy.deepcopy(record_template(tenant))
    body["target_name"] = f"target-{i}"
    body["policy_version"], body["replay_of"] = version, replay_of
    body["recommendation"].update(strategy=strategy, transfer_score=score,
                                  negative_transfer_risk=risk)
    if gain is not None:
        body["recommendation"]["expected_gain"] = {"value": gain, "low": gain - 0.1,
                                                   "high": gain + 0.1}
    return records.append(sessions_of(client), AssessmentRecord(**body))


def assert_figures(body: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert body[key] == pytest.approx(value, abs=1e-12), key


class TestCalibration:
    @pytest.fixture
    def decided(self, client: TestClient, settings: Settings) -> list[AssessmentRecord]:
        stored = []
        for i, (strategy, score, risk, gain, outcome) in enumerate(DECISIONS):
            rec = store_decision(client, settings.default_tenant, i, strategy, score, risk, gain)
            if i == 1:  # an earlier, superseded outcome: the latest counts
                client.post(f"/assessments/{rec.id}/outcome",
                            json={"acc_scratch": 0.1, "acc_feature_extraction": 0.9})
            assert client.post(f"/assessments/{rec.id}/outcome", json=outcome).status_code == 201
            stored.append(rec)
        store_decision(client, settings.default_tenant, 9, "fine_tune", 0.99, "low", 0.3)
        return stored

    def test_figures_equal_the_hand_computation(self, client: TestClient,
                                                decided: list[AssessmentRecord]) -> None:
        body = client.get("/calibration").json()
        assert_figures(body, EXPECTED)
        bins = [(b["n"], b["mean_score"], b["observed_rate"]) for b in body["reliability"]]
        assert bins == EXPECTED_BINS
        assert [(b["low"], b["high"]) for b in body["reliability"]] == [
            (0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)]

    def test_filters_and_undefined_figures(self, client: TestClient,
                                           decided: list[AssessmentRecord]) -> None:
        one = client.get("/calibration", params={"target_name": "target-0"}).json()
        # one decision, no negative case, a single score: recall and Spearman are undefined
        assert_figures(one, {"n": 1, "decision_accuracy": 1.0, "three_way_accuracy": 0.0,
                             "expected_gain_mae": 0.05})
        assert one["negative_transfer_recall"] is None
        assert one["spearman_score_vs_gain"] is None
        assert client.get("/calibration", params={"policy_version": "other"}).json()["n"] == 0
        assert client.get("/calibration", params={"strategy": "train_from_scratch"}).json()[
            "negative_transfer_recall"] == 1.0

    def test_a_replay_is_scored_under_its_own_version_only(
            self, client: TestClient, settings: Settings,
            decided: list[AssessmentRecord]) -> None:
        # a candidate policy replays r2 and says scratch: right where the original was wrong
        store_decision(client, settings.default_tenant, 1, "train_from_scratch", 0.1, "high",
                       -0.1, version="v-candidate", replay_of=decided[1].id)
        as_made = client.get("/calibration").json()
        assert_figures(as_made, EXPECTED)
        shadow = client.get("/calibration", params={"policy_version": "v-candidate"}).json()
        assert_figures(shadow, {"n": 1, "decision_accuracy": 1.0, "negative_transfer_recall": 1.0,
                                "expected_gain_mae": 0.0})
        assert shadow["policy_version"] == "v-candidate"

    def test_empty(self, client: TestClient) -> None:
        body = client.get("/calibration").json()
        assert body["n"] == 0
        assert all(body[k] is None for k in EXPECTED if k != "n")
        assert all(b["n"] == 0 and b["observed_rate"] is None for b in body["reliability"])
        assert len(body["reliability"]) == 5
