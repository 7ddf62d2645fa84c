"""clients/python/: generated from openapi.yaml, kept current, and usable against a live server."""

from __future__ import annotations

import filecmp
import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.live_server import live_server
from tests.payloads import embeddings_request

REPO = Path(__file__).resolve().parents[2]
CLIENT = REPO / "clients" / "python"
REGENERATE = "bash scripts/generate_client.sh"


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    out = [f"only in committed: {cmp.left}/{n}" for n in cmp.left_only]
    out += [f"only in regenerated: {n}" for n in cmp.right_only]
    # shallow=False: compare contents, not size and mtime
    out += [f"differs: {cmp.left}/{n}" for n in cmp.common_files
            if not filecmp.cmp(a / n, b / n, shallow=False)]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


def test_committed_client_matches_openapi_yaml(tmp_path: Path) -> None:
    if shutil.which("openapi-python-client") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("openapi-python-client missing in CI (it is in the dev extra)")
        pytest.skip("openapi-python-client not installed (pip install -e '.[dev]')")
    out = tmp_path / "python"
    done = subprocess.run(["bash", str(REPO / "scripts" / "generate_client.sh"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"generation failed (warnings count):\n{done.stdout}\n{done.stderr}"
    diff = _differences(CLIENT, out)
    assert not diff, f"clients/python drifted from openapi.yaml; run `{REGENERATE}`:\n" + "\n".join(diff)


@pytest.fixture(scope="module")
def client_pkg() -> Iterator[ModuleType]:
    sys.path.insert(0, str(CLIENT))
    try:
        yield importlib.import_module("transfer_advisor_client")
    finally:
        sys.path.remove(str(CLIENT))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("client")) as base:
        yield base


def _op(path: str) -> Any:
    """An operation module of the generated client, by the tag/operation it was generated as."""
    return importlib.import_module(f"transfer_advisor_client.api.{path}")


def test_assess_history_and_errors_through_the_client(client_pkg: ModuleType, server: str) -> None:
    from transfer_advisor_client.models import Assessment, AssessmentPage, AssessRequest, Problem

    post = _op("assess.assess")
    history = _op("assessments.list_assessments")
    one = _op("assessments.get_assessment")

    with client_pkg.Client(base_url=server, raise_on_unexpected_status=True, timeout=60.0) as http:
        body = AssessRequest.from_dict(embeddings_request(n=40, d=5, seed=3, shift=0.5, labels=15))
        created = post.sync_detailed(client=http, body=body, idempotency_key="client-test-1")
        assert created.status_code == 201
        record = created.parsed
        assert isinstance(record, Assessment)
        assert created.headers["location"] == f"/assessments/{record.id}"
        assert record.recommendation.strategy in {"fine_tune", "feature_extraction", "train_from_scratch"}
        assert 0.0 <= record.recommendation.transfer_score <= 1.0
        assert "frechet_distance" in record.metrics.additional_properties

        # The same Idempotency-Key and body: the same record, nothing stored twice.
        again = post.sync(client=http, body=body, idempotency_key="client-test-1")
        assert isinstance(again, Assessment)
        assert again.id == record.id

        page = history.sync(client=http, limit=10)
        assert isinstance(page, AssessmentPage)
        assert [item.id for item in page.items] == [record.id]
        assert page.items[0].transfer_score == pytest.approx(record.recommendation.transfer_score)

        fetched = one.sync(client=http, assessment_id=record.id)
        assert isinstance(fetched, Assessment)
        assert fetched.record_sha256 == record.record_sha256

        # An unknown id is a 404 problem; openapi.yaml declares it (problem+json), so the
        # client parses it into a Problem instead of raising.
        missing = one.sync_detailed(client=http, assessment_id="0000000000000000000000000000")
        assert missing.status_code == 404
        assert isinstance(missing.parsed, Problem)
        assert missing.parsed.type_ == "/problems/not-found"


def test_validation_problem_is_parsed_by_the_client(client_pkg: ModuleType, server: str) -> None:
    from transfer_advisor_client.models import AssessRequest, Problem

    post = _op("assess.assess")
    with client_pkg.Client(base_url=server, raise_on_unexpected_status=False) as http:
        # Source d=5, target d=3: a 422 problem; the raw response keeps the field path.
        bad = embeddings_request(n=20, d=5, labels=6)
        bad["target"]["embeddings"] = [row[:3] for row in bad["target"]["embeddings"]]
        refused = post.sync_detailed(client=http, body=AssessRequest.from_dict(bad))
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert b'"target"' in refused.content
        assert isinstance(refused.parsed, Problem)
        assert refused.parsed.status == 422
        assert [e.field for e in refused.parsed.errors] == ["target"]
