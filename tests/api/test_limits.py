"""Every configured limit answers with a problem that names it, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.payloads import embeddings_request

from transfer_advisor.api.ratelimit import TokenBucket
from transfer_advisor.app import create_app
from transfer_advisor.services import keys
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"
AppFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings) -> Iterator[AppFactory]:
    opened: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=overrides)),
                            raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def stored(client: TestClient, headers: dict[str, str] | None = None) -> int:
    return len(client.get("/assessments", params={"limit": 500}, headers=headers).json()["items"])


def assert_limit(response: Any, status: int, limit: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["limit"] == limit
    assert limit in body["detail"]
    return body


class TestSizeLimits:
    def test_chunked_body_over_the_limit_is_413(self, make_client: AppFactory) -> None:
        client = make_client(max_body_bytes=2_000)
        raw = json.dumps(embeddings_request()).encode()

        def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
            for i in range(0, len(raw), 500):
                yield raw[i:i + 500]

        response = client.post("/assess", content=chunks(),
                               headers={"content-type": "application/json"})
        assert "content-length" not in response.request.headers
        assert_limit(response, 413, "max_body_bytes")
        assert stored(client) == 0

    def test_body_size(self, make_client: AppFactory) -> None:
        client = make_client(max_body_bytes=2_000)
        assert_limit(client.post("/assess", json=embeddings_request()), 413, "max_body_bytes")
        assert stored(client) == 0
        assert stored(client) == 0
        small = embeddings_request(n=4, d=2, labels=0)
        small["task"]["num_classes"] = None
        assert client.post("/assess", json=small).status_code == 201

    def test_rows(self, make_client: AppFactory) -> None:
        client = make_client(max_rows=50)
        body = assert_limit(client.post("/assess", json=embeddings_request(n=60)), 413, "max_rows")
        assert body["errors"][0]["field"] == "source.embeddings"
        assert client.post("/assess", json=embeddings_request(n=50)).status_code == 201
        assert stored(client) == 1

    def test_rows_times_dims(self, make_client: AppFactory) -> None:
        client = make_client(max_cells=60 * 8 - 1)
        assert_limit(client.post("/assess", json=embeddings_request(n=60, d=8, form="b64")),
                     413, "max_cells")
        assert stored(client) == 0

    def test_permutations(self, make_client: AppFactory) -> None:
        client = make_client(max_permutations=100)
        body = embeddings_request()
        body["options"]["permutations"] = 101
        problem = assert_limit(client.post("/assess", json=body), 413, "max_permutations")
        assert problem["errors"][0]["field"] == "options.permutations"
        body["options"]["permutations"] = 100
        assert client.post("/assess", json=body).status_code == 201


class TestTimeBudget:
    def test_over_budget_is_a_clear_problem_and_stores_nothing(self, make_client: AppFactory) -> None:
        # A microsecond: the first metric always takes longer, so the check before the second fails.
        client = make_client(metric_time_budget_seconds=1e-6)
        body = embeddings_request()
        body["options"]["metrics"] = ["frechet_distance", "coral_distance", "gaussian_kl"]
        problem = assert_limit(client.post("/assess", json=body), 422, "metric_time_budget_seconds")
        assert problem["type"] == "/problems/time-budget-exceeded"
        assert "coral_distance" in problem["detail"]
        assert stored(client) == 0

    def test_default_budget_lets_ordinary_work_through(self, make_client: AppFactory) -> None:
        client = make_client()
        assert client.post("/assess", json=embeddings_request()).status_code == 201


class TestRateLimit:
    @pytest.fixture
    def clock(self) -> list[float]:
        return [1000.0]

    def limited(self, make_client: AppFactory, clock: list[float], **overrides: Any) -> TestClient:
        client = make_client(rate_limit_per_second=0.5, rate_limit_burst=3, **overrides)
        client.app.state.rate_limiter = TokenBucket(0.5, 3, clock=lambda: clock[0])  # type: ignore[attr-defined]
        return client

    def test_429_with_retry_after_then_recovery(self, make_client: AppFactory,
                                                clock: list[float]) -> None:
        client = self.limited(make_client, clock)
        assert [client.get("/assessments").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/assessments")
        assert_limit(refused, 429, "rate_limit_per_second")
        assert refused.headers["retry-after"] == "2"  # one token at 0.5/s
        assert_limit(client.post("/assess", json=embeddings_request()), 429, "rate_limit_per_second")
        clock[0] += 2.0
        assert client.post("/assess", json=embeddings_request()).status_code == 201
        assert client.get("/assessments").status_code == 429

    def test_each_key_has_its_own_bucket(self, make_client: AppFactory, clock: list[float]) -> None:
        client = self.limited(make_client, clock, auth="required")
        sessions = client.app.state.sessions  # type: ignore[attr-defined]
        _, noisy = keys.create_key(sessions, "team-a", ["read"])
        _, quiet = keys.create_key(sessions, "team-a", ["read"])
        noisy_h, quiet_h = {"Authorization": f"Bearer {noisy}"}, {"Authorization": f"Bearer {quiet}"}
        assert [client.get("/assessments", headers=noisy_h).status_code for _ in range(4)] == [
            200, 200, 200, 429]
        assert client.get("/assessments", headers=quiet_h).status_code == 200

    def test_health_is_never_limited(self, make_client: AppFactory, clock: list[float]) -> None:
        client = self.limited(make_client, clock)
        assert all(client.get("/healthz").status_code == 200 for _ in range(10))
