"""The committed openapi.yaml equals the app's schema, and every operation follows the conventions
of api/responses.py (a new route that does not fails here, naming what is missing)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import APIRouter

from transfer_advisor.api.deps import ReadCaller
from transfer_advisor.app import create_app
from transfer_advisor.domain.metrics import REGISTRY
from transfer_advisor.openapi import openapi_schema, render_openapi
from transfer_advisor.settings import Settings

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.yaml"
PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
METHODS = {"get", "post", "put", "patch", "delete"}
# Operations that answer without an API key and never read the database for it.
PUBLIC = {"healthz", "readyz", "prometheus_metrics"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return openapi_schema()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in schema["paths"].items()
            for method, op in ops.items() if method in METHODS]


def test_openapi_yaml_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_openapi(), (
        "openapi.yaml drifted from the app: run `transfer-advisor openapi -o openapi.yaml`")


def test_openapi_yaml_is_yaml_not_json(schema: dict[str, Any]) -> None:
    text = COMMITTED.read_text(encoding="utf-8")
    assert not text.lstrip().startswith("{"), "openapi.yaml is JSON; write it as YAML"
    assert re.search(r"^openapi: 3\.\d+\.\d+$", text, re.MULTILINE)
    assert "&id" not in text, "no YAML anchors"
    assert "*id" not in text, "no YAML aliases"
    assert yaml.safe_load(text) == schema


def test_every_operation_has_a_human_summary_description_and_operation_id(
        schema: dict[str, Any]) -> None:
    missing: list[str] = []
    ids: list[str] = []
    for method, path, op in operations(schema):
        where = f"{method.upper()} {path}"
        op_id = op.get("operationId", "")
        ids.append(op_id)
        # FastAPI's default id ends with the path and method: post_assess_assess_post.
        if not re.fullmatch(r"[a-z][a-z0-9_]*", op_id) or op_id.endswith(f"_{method}"):
            missing.append(f"{where}: operation id {op_id!r} (name the endpoint function)")
        summary = op.get("summary", "")
        generated = op_id.replace("_", " ").title()
        if not summary or summary == generated:
            missing.append(f"{where}: summary={summary!r} (pass summary= to the route)")
        own = op.get("description", "").split("Needs an API key")[0]  # without the added note
        if len(own.strip()) < 20:
            missing.append(f"{where}: no description (write the endpoint's docstring)")
    assert not missing, "\n".join(missing)
    assert len(ids) == len(set(ids)), f"duplicate operation ids: {sorted(ids)}"


def _problem_content(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get(PROBLEM_JSON, {}).get("schema", {})
    return bool(schema.get("$ref") == PROBLEM_REF)


def test_every_error_response_is_a_problem(schema: dict[str, Any]) -> None:
    wrong: list[str] = []
    for method, path, op in operations(schema):
        for code, response in op["responses"].items():
            own_body = op["operationId"] == "readyz" and code == "503"  # the probe's own body
            if (code == "default" or int(code) >= 400) and not own_body \
                    and not _problem_content(response):
                wrong.append(f"{method.upper()} {path} {code}")
            if not response.get("description"):
                wrong.append(f"{method.upper()} {path} {code}: no description")
        for code in ("429", "503"):
            if code in op["responses"] and op["operationId"] != "readyz":
                assert "Retry-After" in op["responses"][code].get("headers", {}), (method, path)
    assert not wrong, "responses that are not problem+json: " + ", ".join(wrong)


def test_secured_operations_declare_bearer_and_their_refusals(schema: dict[str, Any]) -> None:
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    missing: list[str] = []
    for method, path, op in operations(schema):
        where = f"{method.upper()} {path}"
        if op["operationId"] in PUBLIC:
            assert "security" not in op, where
            continue
        if op.get("security") != [{"bearerAuth": []}]:
            missing.append(f"{where}: security")
        needed = {"401", "403", "429", "503"}
        if "{" in path:
            needed.add("404")
        if "requestBody" in op:
            needed |= {"413", "422"}
        if op.get("parameters"):
            needed.add("422")
        missing += [f"{where}: {code}" for code in sorted(needed - set(op["responses"]))]
    assert not missing, "missing: " + ", ".join(missing)


def test_assess_declares_its_own_problems_and_examples(schema: dict[str, Any]) -> None:
    op = schema["paths"]["/assess"]["post"]
    assert op["operationId"] == "assess"
    assert "409" in op["responses"]  # idempotency conflict: particular to this route
    assert "Location" in op["responses"]["201"]["headers"]
    examples = op["requestBody"]["content"]["application/json"]["examples"]
    assert {"embeddings", "encoded", "summary", "texts"} <= set(examples)


# Statuses particular to a route (not derived from its dependencies), each with the words its
# own description must carry; the API tests (tests/api/) check that the routes answer them.
OWN_PROBLEMS = {
    ("post", "/rank"): {"409": "Idempotency-Key", "413": "candidates", "422": "candidates["},
    ("post", "/policies/fit"): {"422": "outcomes_needed"},
    ("post", "/policies/{version}/activate"): {"404": "version", "409": "content check"},
    ("post", "/assessments/{assessment_id}/outcome"): {"404": "another tenant",
                                                       "422": "acc_scratch"},
    ("get", "/rankings/{ranking_id}"): {"404": "ranking"},
    ("get", "/assessments/{assessment_id}/report"): {"404": "assessment"},
}


@pytest.mark.parametrize(("method", "path"), sorted(OWN_PROBLEMS))
def test_v1_1_routes_declare_their_own_problems(schema: dict[str, Any], method: str,
                                                path: str) -> None:
    responses = schema["paths"][path][method]["responses"]
    for code, words in OWN_PROBLEMS[(method, path)].items():
        assert code in responses, (method, path, code)
        assert words in responses[code]["description"], (method, path, code)
        assert _problem_content(responses[code])


@pytest.mark.parametrize(("path", "location"), [
    ("/rank", "/rankings/{id}"), ("/assessments/{assessment_id}/outcome", "/assessments/{id}")])
def test_created_resources_declare_their_location(schema: dict[str, Any], path: str,
                                                  location: str) -> None:
    header = schema["paths"][path]["post"]["responses"]["201"]["headers"]["Location"]
    assert location in header["description"]


def _undescribed(name: str, node: Any, path: str) -> list[str]:
    """Properties (at any depth, in any inline object) without a description."""
    out: list[str] = []
    if isinstance(node, dict):
        for prop, sub in node.get("properties", {}).items():
            if not sub.get("description"):
                out.append(f"{name}.{path}{prop}")
            out += _undescribed(name, sub, f"{path}{prop}.")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                out += _undescribed(name, node[key], path)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                out += _undescribed(name, sub, path)
    return out


def test_every_schema_property_and_parameter_is_described(schema: dict[str, Any]) -> None:
    missing: list[str] = []
    count = 0
    for name, component in schema["components"]["schemas"].items():
        count += len(component.get("properties", {}))
        missing += _undescribed(name, component, "")
    for method, path, op in operations(schema):
        missing += [f"{method.upper()} {path} parameter {p['name']}"
                    for p in op.get("parameters", []) if not p.get("description")]
    assert count > 100  # the walk sees the schema (it is not vacuously empty)
    assert not missing, f"{len(missing)} undescribed: " + ", ".join(missing)


def test_metric_names_are_listed_from_the_registry(schema: dict[str, Any]) -> None:
    metrics = schema["components"]["schemas"]["AssessOptions"]["properties"]["metrics"]
    items = next(branch["items"] for branch in metrics["anyOf"] if branch.get("type") == "array")
    assert items["enum"] == sorted(REGISTRY)
    defaults = [name for name, spec in REGISTRY.items() if spec.default]
    assert all(name in metrics["description"] for name in defaults)


def test_the_convention_check_catches_a_bare_route() -> None:
    """The checks above can fail: a route added without the conventions is reported."""
    app = create_app(Settings(migrate_on_start=False))
    router = APIRouter()

    @router.get("/things/{thing_id}")
    def get_thing(thing_id: str, caller: ReadCaller) -> dict[str, str]:
        return {"id": thing_id}

    app.include_router(router)
    bare = app.openapi()
    op = bare["paths"]["/things/{thing_id}"]["get"]
    # Derived from the dependencies: security and the generic problems come for free ...
    assert op["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "404", "422", "429", "503"} <= set(op["responses"])
    # ... but the summary, description and parameter description are reported missing.
    with pytest.raises(AssertionError, match=r"summary='Get Thing'[\s\S]*no description"):
        test_every_operation_has_a_human_summary_description_and_operation_id(bare)
    with pytest.raises(AssertionError, match="thing_id"):
        test_every_schema_property_and_parameter_is_described(bare)
