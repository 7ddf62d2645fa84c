"""clients/sdk (transfer_advisor_sdk) against live servers: typed problems, retries honouring
Retry-After, history paging and numpy inputs sent in the encoded forms."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import numpy as np
import pytest

from tests.live_server import live_server

REPO = Path(__file__).resolve().parents[2]
CLIENTS = [REPO / "clients" / "python", REPO / "clients" / "sdk"]


@pytest.fixture(scope="module")
def sdk() -> Iterator[ModuleType]:
    sys.path[:0] = [str(p) for p in CLIENTS]
    try:
        import transfer_advisor_sdk

        yield transfer_advisor_sdk
    finally:
        for p in CLIENTS:
            sys.path.remove(str(p))


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Auth off; SQLite busy timeout 1 s, so a locked database answers 503 quickly."""
    work = tmp_path_factory.mktemp("sdk-open")
    with live_server(work, TRANSFER_ADVISOR_DB_LOCK_TIMEOUT_SECONDS="1") as base:
        yield base, work / "data" / "advisor.db"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Auth required, one request per second per key (burst 1)."""
    work = tmp_path_factory.mktemp("sdk-auth")
    with live_server(work, TRANSFER_ADVISOR_AUTH="required",
                     TRANSFER_ADVISOR_RATE_LIMIT_PER_SECOND="1",
                     TRANSFER_ADVISOR_RATE_LIMIT_BURST="1") as base:
        yield base, work


def create_key(work: Path, *scopes: str) -> str:
    env = {**os.environ, "TRANSFER_ADVISOR_DATA_DIR": str(work / "data")}
    env.pop("TRANSFER_ADVISOR_DATABASE_URL", None)
    args = [a for s in scopes for a in ("--scope", s)]
    done = subprocess.run([sys.executable, "-m", "transfer_advisor.cli", "keys", "create",
                           "--tenant", f"t-{uuid.uuid4().hex[:6]}", *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip().splitlines()[-1]


class Recorder:
    """An httpx request hook that keeps the JSON bodies sent."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        self.urls.append(str(request.url))
        if request.headers.get("content-type", "").startswith("application/json"):
            self.bodies.append(json.loads(request.content))


def rows(seed: int, n: int = 60, d: int = 6, shift: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)) + shift


METRICS = {"metrics": ["frechet_distance", "coral_distance", "mmd", "logme"], "permutations": 50}


def test_numpy_arrays_go_encoded_and_give_the_json_answer(sdk: ModuleType,
                                                          open_server: tuple[str, Path]) -> None:
    x_s, x_t, y = rows(1), rows(2, shift=0.4), np.arange(24) % 3
    seen = Recorder()
    with sdk.AdvisorClient(open_server[0],
                           httpx_args={"event_hooks": {"request": [seen]}}) as client:
        encoded = client.assess(x_s, x_t, target_labels=y, modality="image", options=METRICS)
        plain = client.assess(x_s.tolist(), x_t.tolist(), target_labels=y.tolist(),
                              modality="image", options=METRICS)
        float32 = client.assess(x_s.astype(np.float32), x_t.astype(np.float32),
                                target_labels=y, modality="image", options=METRICS)
    sent = seen.bodies[0]["source"]["embeddings"]
    assert sent["dtype"] == "float64"
    assert sent["shape"] == [60, 6]
    decoded = np.frombuffer(base64.b64decode(sent["data"]), "<f8").reshape(60, 6)
    np.testing.assert_array_equal(decoded, x_s)
    assert seen.bodies[1]["source"]["embeddings"] == x_s.tolist()  # lists stay JSON
    assert seen.bodies[2]["target"]["embeddings"]["dtype"] == "float32"
    assert seen.bodies[0]["target"]["labels"] == y.tolist()
    # Float64 base64 and JSON numbers are the same numbers: the same metric values.
    for name in ("frechet_distance", "coral_distance", "mmd", "logme"):
        exact = encoded.metrics.additional_properties[name].value
        assert exact == plain.metrics.additional_properties[name].value
        approx = float32.metrics.additional_properties[name].value
        assert approx == pytest.approx(exact, rel=1e-3, abs=1e-6)
    assert encoded.recommendation.strategy == plain.recommendation.strategy


def test_summaries_with_numpy_moments(sdk: ModuleType, open_server: tuple[str, Path]) -> None:
    x_s, x_t = rows(3, n=80), rows(4, n=70, shift=0.3)
    seen = Recorder()

    def summary(x: np.ndarray) -> dict[str, Any]:
        return {"count": len(x), "mean": x.mean(axis=0), "covariance": np.cov(x, rowvar=False)}

    options = {"metrics": ["frechet_distance", "coral_distance"]}
    with sdk.AdvisorClient(open_server[0],
                           httpx_args={"event_hooks": {"request": [seen]}}) as client:
        from_summaries = client.assess(summary(x_s), summary(x_t), modality="text",
                                       options=options)
        from_rows = client.assess(x_s, x_t, modality="text", options=options)
    sent = seen.bodies[0]["source"]["summary"]
    assert sent["mean"]["shape"] == [6]
    assert sent["covariance"]["shape"] == [6, 6]
    for name in options["metrics"]:
        assert from_summaries.metrics.additional_properties[name].value == pytest.approx(
            from_rows.metrics.additional_properties[name].value, rel=1e-9)


def test_images_as_arrays_through_an_extractor(sdk: ModuleType,
                                               open_server: tuple[str, Path]) -> None:
    rng = np.random.default_rng(5)
    source = rng.integers(0, 256, size=(12, 28, 28), dtype=np.uint8)  # no channel axis
    target = rng.integers(0, 128, size=(10, 28, 28, 1), dtype=np.uint8)
    seen = Recorder()
    with sdk.AdvisorClient(open_server[0],
                           httpx_args={"event_hooks": {"request": [seen]}}) as client:
        record = client.assess(source, target, extractor="digits-cnn", modality="image",
                               options={"metrics": ["frechet_distance"]})
    images = seen.bodies[0]["source"]["inputs"]["images"]
    assert (images["shape"], images["dtype"]) == ([12, 28, 28, 1], "uint8")
    assert record.extractor.name == "digits-cnn"
    assert record.evidence.additional_properties  # the record says what was assessed


def test_problems_raise_typed_errors(sdk: ModuleType, open_server: tuple[str, Path]) -> None:
    with sdk.AdvisorClient(open_server[0]) as client:
        with pytest.raises(sdk.InvalidInput) as bad_dims:
            client.assess(rows(6, d=5), rows(7, d=3), modality="image")
        assert bad_dims.value.status == 422
        assert bad_dims.value.fields == ["target"]
        assert bad_dims.value.type.startswith("/problems/")
        assert bad_dims.value.request_id  # finds the request in the server's log

        with pytest.raises(sdk.InvalidInput) as float_labels:
            client.assess(rows(6), rows(7), target_labels=np.array([0.5, 1.0, 2.0]),
                          modality="image")
        assert float_labels.value.fields[0].startswith("target.labels")

        with pytest.raises(sdk.InvalidInput) as unknown_metric:
            client.assess(rows(6), rows(7), modality="image", options={"metrics": ["nope"]})
        assert unknown_metric.value.fields == ["options.metrics"]

        with pytest.raises(sdk.NotFound) as missing:
            client.get_assessment("0" * 32)
        assert (missing.value.status, missing.value.type) == (404, "/problems/not-found")
        assert isinstance(missing.value, sdk.ProblemError)
        assert client.retries == []  # a 4xx other than 429 is never retried


def test_iterates_history_pages(sdk: ModuleType, open_server: tuple[str, Path]) -> None:
    name = f"paged-{uuid.uuid4().hex[:8]}"
    seen = Recorder()
    with sdk.AdvisorClient(open_server[0],
                           httpx_args={"event_hooks": {"request": [seen]}}) as client:
        made = [client.assess(rows(10 + i, n=20, d=3), rows(20 + i, n=20, d=3), modality="text",
                              source_name=name, options={"metrics": ["frechet_distance"]}).id
                for i in range(5)]
        listed = [item.id for item in client.iter_assessments(page_size=2, source_name=name)]
        pages = [u for u in seen.urls if "/assessments?" in u]
    assert listed == made[::-1]  # newest first, each once
    assert len(pages) == 3
    assert "cursor=" in pages[1]


def test_retries_503_after_retry_after_without_storing_twice(
        sdk: ModuleType, open_server: tuple[str, Path]) -> None:
    """The database is locked (the server's 1 s busy timeout expires: 503 + Retry-After: 5);
    the lock is released while the client waits; its retry, with the same Idempotency-Key,
    stores one record."""
    base, db = open_server
    name = f"locked-{uuid.uuid4().hex[:8]}"
    lock = sqlite3.connect(db, isolation_level=None, check_same_thread=False, timeout=10)
    lock.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(2.5, lambda: lock.execute("COMMIT"))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        threading.Event().wait(seconds)

    release.start()
    try:
        with sdk.AdvisorClient(base, sleep=sleep, max_retry_wait=10) as client:
            record = client.assess(rows(30), rows(31), modality="image", source_name=name,
                                   options={"metrics": ["frechet_distance"]})
            stored = list(client.iter_assessments(source_name=name))
    finally:
        release.join()
        lock.close()
    assert waits == [5.0]  # the server's Retry-After, honoured once
    assert [item.id for item in stored] == [record.id]


def test_auth_errors_and_429_retry(sdk: ModuleType, auth_server: tuple[str, Path]) -> None:
    base, work = auth_server
    reader, writer = create_key(work, "read"), create_key(work, "assess", "read")
    with sdk.AdvisorClient(base) as anonymous, pytest.raises(sdk.Unauthorized) as no_key:
        anonymous.list_assessments()
    assert no_key.value.type == "/problems/unauthorized"

    with sdk.AdvisorClient(base, api_key=reader) as client, \
            pytest.raises(sdk.Forbidden) as no_scope:
        client.assess(rows(1), rows(2), modality="image")
    assert "assess" in no_scope.value.detail

    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        threading.Event().wait(seconds)

    with sdk.AdvisorClient(base, api_key=writer, sleep=sleep) as client:
        # Burst 1 at 1/s: back-to-back calls meet 429s; each retry waits Retry-After (1 s).
        record = client.assess(rows(1), rows(2), modality="image",
                               options={"metrics": ["frechet_distance"]})
        assert client.get_assessment(record.id).id == record.id
        assert client.list_assessments().items[0].id == record.id
    assert waits
    assert set(waits) == {1.0}

    # Bounded: no retries left, or a Retry-After over the cap, raise RateLimited at once.
    for options in ({"max_retries": 0}, {"max_retry_wait": 0.5}):
        calls: list[float] = []
        threading.Event().wait(1.2)  # the bucket refills: the first call passes
        with sdk.AdvisorClient(base, api_key=writer, sleep=calls.append, **options) as client:
            client.list_assessments()
            with pytest.raises(sdk.RateLimited) as limited:
                client.list_assessments()
        assert limited.value.retry_after == 1.0
        assert limited.value.limit == "rate_limit_per_second"
        assert calls == []


def test_error_parsing_without_a_server(sdk: ModuleType) -> None:
    """Non-problem bodies (a probe's JSON, HTML from a proxy) and HTTP-date Retry-After."""
    probe = sdk.ProblemError.from_http(503, {"retry-after": "7"},
                                       b'{"status": "not ready", "checks": {}}')
    assert isinstance(probe, sdk.ServiceUnavailable)
    assert (probe.status, probe.retry_after, probe.title) == (503, 7.0, "HTTP 503")
    proxy = sdk.ProblemError.from_http(502, {}, b"<html>bad gateway</html>")
    assert isinstance(proxy, sdk.ServerError)
    assert "bad gateway" in proxy.detail
    dated = sdk.ProblemError.from_http(429, {"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"},
                                       b"{}", now=1445412480.0)  # 07:28:00
    assert dated.retry_after == pytest.approx(10.0)
