"""Request ids on every response and log line, JSON logs, and /metrics in Prometheus format."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from tests.payloads import embeddings_request

from transfer_advisor.observability import JsonFormatter, RequestIdFilter, logging_config


@pytest.fixture
def backend() -> str:
    """Nothing here depends on the database: SQLite only (the `client` fixture reads this)."""
    return "sqlite"


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


class TestRequestId:
    @pytest.mark.parametrize(("method", "path"), [("get", "/healthz"), ("get", "/nowhere"),
                                                  ("post", "/assess"), ("get", "/metrics")])
    def test_every_response_has_one(self, client: TestClient, method: str, path: str) -> None:
        response = client.request(method, path, json={} if method == "post" else None)
        rid = response.headers["x-request-id"]
        assert len(rid) == 32
        int(rid, 16)

    def test_ids_differ_between_requests(self, client: TestClient) -> None:
        ids = {client.get("/healthz").headers["x-request-id"] for _ in range(5)}
        assert len(ids) == 5

    def test_client_id_is_echoed(self, client: TestClient) -> None:
        response = client.post("/assess", json=embeddings_request(),
                               headers={"X-Request-ID": "job-42.step-7"})
        assert response.status_code == 201
        assert response.headers["x-request-id"] == "job-42.step-7"

    @pytest.mark.parametrize("bad", ["x" * 200, "has space", "new\tline", ""])
    def test_unsafe_client_id_is_replaced(self, client: TestClient, bad: str) -> None:
        rid = client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert rid != bad
        assert len(rid) == 32

    def test_413_from_the_body_limit_has_one_too(self, client: TestClient) -> None:
        limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
        response = client.post("/assess", content=b"x", headers={
            "content-length": str(limit + 1), "X-Request-ID": "big-1"})
        assert response.status_code == 413
        assert response.headers["x-request-id"] == "big-1"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("transfer_advisor")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


class TestStructuredLogs:
    def test_one_json_line_per_request_with_its_id(self, client: TestClient,
                                                   json_log: io.StringIO) -> None:
        client.post("/assess", json=embeddings_request(), headers={"X-Request-ID": "trace-1"})
        client.post("/assess", json={"source": 1}, headers={"X-Request-ID": "trace-2"})
        lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
        access = [entry for entry in lines if entry["logger"] == "transfer_advisor.access"]
        by_id = {entry["request_id"]: entry for entry in access}
        assert by_id["trace-1"]["status"] == 201
        assert by_id["trace-1"]["route"] == "/assess"
        assert by_id["trace-1"]["duration_ms"] > 0
        assert by_id["trace-2"]["status"] == 422
        assert by_id["trace-2"]["problem"] == "/problems/validation-error"
        assert all({"ts", "level", "msg"} <= entry.keys() for entry in lines)

    def test_logs_inside_a_request_carry_its_id(self, client: TestClient,
                                                json_log: io.StringIO) -> None:
        # problems.py logs a warning for database errors; any in-request log line will do, so
        # check that every line written during the request has the request's id.
        client.get("/assessments/does-not-exist", headers={"X-Request-ID": "inner-9"})
        lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
        assert lines
        assert {entry["request_id"] for entry in lines} == {"inner-9"}

    def test_an_unexpected_error_is_a_500_problem_with_its_id(
            self, client: TestClient, json_log: io.StringIO,
            monkeypatch: pytest.MonkeyPatch) -> None:
        from transfer_advisor.services import history

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(history, "stats", broken)
        response = client.get("/assessments/stats", headers={"X-Request-ID": "bug-1"})
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["x-request-id"] == "bug-1"
        assert response.json()["type"] == "/problems/internal-error"
        assert "a bug" not in response.text  # no internals to the client
        lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
        errors = [e for e in lines if e["logger"] == "transfer_advisor.errors"]
        assert errors
        assert errors[0]["request_id"] == "bug-1"
        assert "RuntimeError: a bug" in errors[0]["exc"]
        access = [e for e in lines if e["logger"] == "transfer_advisor.access"]
        assert access[0]["status"] == 500
        assert access[0]["request_id"] == "bug-1"

    def test_logging_config_is_valid_for_dictconfig(self) -> None:
        for fmt in ("json", "text"):
            config = logging_config(fmt, "warning")
            config["loggers"] = {"transfer_advisor.test_dictconfig": config["loggers"]["transfer_advisor"]}
            logging.config.dictConfig(config)
        assert isinstance(logging.getLogger("transfer_advisor.test_dictconfig").handlers[0].formatter,
                          logging.Formatter)


class TestPrometheus:
    def test_counts_follow_traffic(self, client: TestClient) -> None:
        before = samples(client)
        created = client.post("/assess", json=embeddings_request())
        assert created.status_code == 201
        strategy = created.json()["recommendation"]["strategy"]
        metric_names = set(created.json()["metrics"])
        client.post("/assess", json={"source": "nope"})
        client.get(f"/assessments/{created.json()['id']}")
        after = samples(client)

        assert value(after, "transfer_advisor_assessments_total", strategy=strategy) == value(
            before, "transfer_advisor_assessments_total", strategy=strategy) + 1
        for name in metric_names:
            assert value(after, "transfer_advisor_metric_compute_seconds_count", metric=name) == 1
            assert value(after, "transfer_advisor_metric_compute_seconds_sum", metric=name) > 0
        assert value(after, "transfer_advisor_http_request_duration_seconds_count",
                     method="POST", route="/assess") == 2
        # Per route template, not per id: one series however many ids are fetched.
        assert value(after, "transfer_advisor_http_request_duration_seconds_count",
                     method="GET", route="/assessments/{assessment_id}") == 1
        assert value(after, "transfer_advisor_problems_total", type="/problems/validation-error",
                     status="422") == 1
        assert value(after, "transfer_advisor_http_requests_total", method="POST", route="/assess",
                     status="201") == 1

    def test_idempotent_replay_is_not_a_new_assessment(self, client: TestClient) -> None:
        headers = {"Idempotency-Key": "once"}
        first = client.post("/assess", json=embeddings_request(), headers=headers)
        again = client.post("/assess", json=embeddings_request(), headers=headers)
        assert first.json()["id"] == again.json()["id"]
        strategy = first.json()["recommendation"]["strategy"]
        assert value(samples(client), "transfer_advisor_assessments_total", strategy=strategy) == 1

    def test_unknown_paths_share_one_series(self, client: TestClient) -> None:
        for i in range(3):
            client.get(f"/random-{i}")
        found = samples(client)
        assert value(found, "transfer_advisor_http_request_duration_seconds_count",
                     method="GET", route="unmatched") == 3
