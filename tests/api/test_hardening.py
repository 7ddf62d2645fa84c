"""What an attacker or a careless client tried (issue 18), on SQLite and PostgreSQL: each is a
clear 4xx problem naming the field, never a 5xx, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.payloads import embeddings_request

PROBLEM = "application/problem+json"


def stored(client: TestClient) -> int:
    return len(client.get("/assessments", params={"limit": 500}).json()["items"])


def assert_client_error(response: Any, field: str | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    problem: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in problem.get("errors", [])], problem
    return problem


class TestNulIsAClientError:
    @pytest.mark.parametrize("path", ["/assessments/%00", "/assessments/a%00b",
                                      "/dashboard/assessments/%00"])
    def test_in_a_path_id(self, client: TestClient, path: str) -> None:
        assert_client_error(client.get(path))

    def test_in_a_replay_id(self, client: TestClient) -> None:
        assert_client_error(client.post("/assessments/%00/replay"))

    @pytest.mark.parametrize("name", ["source_name", "target_name", "extractor"])
    def test_in_a_filter(self, client: TestClient, name: str) -> None:
        for path in ("/assessments", "/assessments/stats"):
            assert_client_error(client.get(path, params={name: "a\x00b"}), name)

    def test_in_a_name(self, client: TestClient) -> None:
        body = embeddings_request()
        body["target"]["name"] = "a\x00b"
        assert_client_error(client.post("/assess", json=body), "target.name")
        assert stored(client) == 0


class TestNumbersAreBoundedAtTheWire:
    @pytest.mark.parametrize("since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
    def test_since_without_a_utc_instant(self, client: TestClient, since: str) -> None:
        assert_client_error(client.get("/assessments", params={"since": since}), "since")

    def test_label_values_do_not_set_the_cost(self, client: TestClient) -> None:
        body = embeddings_request(n=40, labels=20)
        body["task"]["num_classes"] = None
        body["target"]["labels"] = [0, 10_000_000] * 10  # two classes, however they are spelled
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["evidence"]["target"]["labels"] == 20
        probe = response.json()["metrics"]["linear_probe_accuracy"]["details"]
        assert probe["chance"] == pytest.approx(0.5)
        # the policy decided on 2 classes too, and the record says so (a replay sees the same)
        assert response.json()["evidence"]["task"]["num_classes"] == 2
        assert any("per class = 10" in r for r in response.json()["recommendation"]["reasons"])

    def test_empty_idempotency_key(self, client: TestClient) -> None:
        response = client.post("/assess", json=embeddings_request(),
                               headers={"Idempotency-Key": ""})
        assert_client_error(response)
        assert stored(client) == 0
