"""Schemathesis against the app's own OpenAPI schema: no 5xx for any generated request, and
every response conforms to the documented status, content type and body schema.

Bounded: FUZZ_EXAMPLES examples per operation (env TRANSFER_ADVISOR_FUZZ_EXAMPLES overrides),
each operation a few seconds, the whole module well under two minutes on two cores.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

FUZZ_EXAMPLES = int(os.environ.get("TRANSFER_ADVISOR_FUZZ_EXAMPLES", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    # Small limits so generated bodies exercise the limit paths instead of the CPU.
    app = create_app(Settings(data_dir=data_dir, auth="disabled",
                              default_tenant=f"fuzz-{uuid.uuid4().hex[:8]}",
                              max_permutations=50, max_rows=2_000, max_cells=200_000,
                              max_raw_items=16, max_body_bytes=1_000_000,
                              metric_time_budget_seconds=10))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_responses_conform(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


AUTH_HEADERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def auth_api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    """The same app with auth required, driven with a key holding every scope: the generated
    requests then reach past the key check into every operation (401s would prove little)."""
    from transfer_advisor.db import migrate
    from transfer_advisor.db.engine import make_engine, make_sessionmaker
    from transfer_advisor.services import keys

    settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz-auth"), auth="required",
                        max_permutations=50, max_rows=2_000, max_cells=200_000,
                        max_raw_items=16, max_body_bytes=1_000_000,
                        metric_time_budget_seconds=10)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    _, key = keys.create_key(make_sessionmaker(engine), f"fuzz-{uuid.uuid4().hex[:8]}",
                             ["assess", "read", "admin"])
    engine.dispose()
    AUTH_HEADERS["Authorization"] = f"Bearer {key}"
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))


auth_schema = schemathesis.pytest.from_fixture("auth_api_schema")


@auth_schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_with_auth_no_server_error_and_responses_conform(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH_HEADERS, checks=CHECKS)


def test_the_checks_catch_a_server_error() -> None:
    """The harness itself can fail: a deliberately broken app is caught."""
    broken = FastAPI()

    @broken.get("/boom")
    def boom() -> JSONResponse:
        return JSONResponse({"detail": "boom"}, status_code=500)

    operation = schemathesis.openapi.from_asgi("/openapi.json", broken)["/boom"]["GET"]
    with pytest.raises(FailureGroup, match="Server error"):
        operation.Case().call_and_validate(checks=[not_a_server_error])
