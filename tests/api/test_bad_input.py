"""Table-driven bad input for POST /assess: each case is a 4xx problem+json that names the
offending field, and nothing is stored. Runs on SQLite and PostgreSQL.

Bodies are sent as raw bytes so NaN/Inf reach the server as the `NaN`/`Infinity` tokens a
careless client (Python's json.dumps) emits.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.payloads import b64_matrix, summary_of

from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"
JSON = "application/json"
NAN, INF = float("nan"), float("inf")

Body = dict[str, Any]


def rows_body() -> Body:
    """Valid: JSON rows on both sides, labels on both, source_probs, every option set."""
    rng = np.random.default_rng(0)
    xs, xt = rng.normal(size=(12, 3)), rng.normal(size=(12, 3)) + 0.5
    probs = rng.dirichlet(np.ones(4), size=6)
    return {
        "source": {"name": "src", "embeddings": xs.tolist(), "labels": [0, 1, 2] * 4},
        "target": {"name": "tgt", "embeddings": xt.tolist(), "labels": [0, 1, 2, 0, 1, 2],
                   "source_probs": probs.tolist()},
        "task": {"type": "classification", "num_classes": 3, "labeled_examples": 6,
                 "source_modality": "image", "target_modality": "image",
                 "compute_budget_gpu_hours": 1.0},
        "options": {"permutations": 20, "seed": 0, "kernel_bandwidth": 1.0},
    }


def b64_body() -> Body:
    body = rows_body()
    for side in ("source", "target"):
        body[side]["embeddings"] = b64_matrix(np.asarray(body[side]["embeddings"]), "float64")
    body["target"]["source_probs"] = b64_matrix(np.asarray(body["target"]["source_probs"]))
    return body


def summary_body() -> Body:
    rng = np.random.default_rng(1)
    xs, xt = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    target = summary_of(xt)
    target["class_means"] = [xt[:10].mean(0).tolist(), xt[10:].mean(0).tolist()]
    target["class_counts"] = [10, 10]
    return {"source": {"name": "src", "summary": summary_of(xs)},
            "target": {"name": "tgt", "summary": target},
            "task": {"num_classes": 2, "labeled_examples": 20, "source_modality": "text",
                     "target_modality": "text"}}


def b64_raw(values: list[float], dtype: str = "<f4") -> str:
    return base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode()


@dataclass(frozen=True)
class Case:
    id: str
    field: str  # the problem must name this field path (prefix match)
    edit: Callable[[Body], Any] | None = None  # mutates a copy of `base`, or returns a new body
    base: Callable[[], Body] = rows_body
    raw: bytes | None = None  # sent as is, instead of a JSON body
    content_type: str = JSON

    def request(self) -> tuple[bytes, str]:
        if self.raw is not None:
            return self.raw, self.content_type
        body = copy.deepcopy(self.base())
        replaced = self.edit(body) if self.edit else None
        return json.dumps(body if replaced is None else replaced).encode(), self.content_type


def at(path: str, value: Any) -> Callable[[Body], None]:
    """Set a dotted path (with [i] indices) in the body."""
    def edit(body: Body) -> None:
        keys: list[Any] = []
        for part in path.replace("]", "").replace("[", ".").split("."):
            keys.append(int(part) if part.isdigit() else part)
        node: Any = body
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return edit


def drop(path: str) -> Callable[[Body], None]:
    def edit(body: Body) -> None:
        head, _, last = path.rpartition(".")
        node = body
        for key in filter(None, head.split(".")):
            node = node[key]
        del node[last]
    return edit


def b64_field(side: str, key: str, values: list[float], dtype: str = "<f4",
              shape: list[int] | None = None) -> Callable[[Body], None]:
    def edit(body: Body) -> None:
        n = len(values)
        body[side][key] = {"shape": shape or [n // 3, 3], "dtype": "float32" if dtype == "<f4"
                           else "float64", "data": b64_raw(values, dtype)}
    return edit


def both(*edits: Callable[[Body], Any]) -> Callable[[Body], None]:
    def edit(body: Body) -> None:
        for e in edits:
            e(body)
    return edit


GOOD_ROWS = [0.1, 0.2, 0.3] * 4
CASES = [
    # NaN / Inf in every numeric field
    Case("nan-source-rows", "source.embeddings", at("source.embeddings[2][1]", NAN)),
    Case("inf-source-rows", "source.embeddings", at("source.embeddings[0][0]", INF)),
    Case("neg-inf-target-rows", "target.embeddings", at("target.embeddings[5][2]", -INF)),
    Case("nan-source-probs", "target.source_probs", at("target.source_probs[0][0]", NAN)),
    Case("nan-summary-mean", "source.summary.mean", at("source.summary.mean[0]", NAN),
         summary_body),
    Case("inf-summary-covariance", "source.summary.covariance",
         at("source.summary.covariance[1][1]", INF), summary_body),
    Case("nan-class-means", "target.summary.class_means",
         at("target.summary.class_means[0][2]", NAN), summary_body),
    Case("nan-summary-count", "source.summary.count", at("source.summary.count", NAN),
         summary_body),
    Case("inf-class-counts", "target.summary.class_counts",
         at("target.summary.class_counts[0]", INF), summary_body),
    Case("nan-gpu-hours", "task.compute_budget_gpu_hours", at("task.compute_budget_gpu_hours", NAN)),
    Case("inf-gpu-hours", "task.compute_budget_gpu_hours", at("task.compute_budget_gpu_hours", INF)),
    Case("nan-bandwidth", "options.kernel_bandwidth", at("options.kernel_bandwidth", NAN)),
    Case("inf-bandwidth", "options.kernel_bandwidth", at("options.kernel_bandwidth", INF)),
    Case("nan-labeled-examples", "task.labeled_examples", at("task.labeled_examples", NAN)),
    Case("inf-num-classes", "task.num_classes", at("task.num_classes", INF)),
    Case("nan-permutations", "options.permutations", at("options.permutations", NAN)),
    Case("inf-seed", "options.seed", at("options.seed", INF)),
    Case("nan-label", "target.labels", at("target.labels[1]", NAN)),
    Case("nan-in-base64-float32", "source.embeddings.data",
         b64_field("source", "embeddings", [*GOOD_ROWS[:-1], NAN])),
    Case("inf-in-base64-float64", "target.embeddings.data",
         b64_field("target", "embeddings", [INF, *GOOD_ROWS[1:]], "<f8"), b64_body),
    Case("nan-in-base64-source-probs", "target.source_probs.data",
         b64_field("target", "source_probs", [NAN] + [0.25] * 23, shape=[6, 4]), b64_body),
    # shape and length mismatches
    Case("ragged-rows", "source.embeddings[1]", at("source.embeddings[1]", [1.0, 2.0])),
    Case("base64-length-vs-shape", "source.embeddings.data", at("source.embeddings.shape", [13, 3]),
         b64_body),
    Case("base64-shape-3d", "source.embeddings.shape", at("source.embeddings.shape", [2, 3, 2]),
         b64_body),
    Case("base64-shape-zero", "source.embeddings.shape", at("source.embeddings.shape", [0, 3]),
         b64_body),
    Case("dims-differ", "target", at("target.embeddings", [[1.0, 2.0]] * 12)),
    Case("covariance-not-square", "source.summary.covariance",
         at("source.summary.covariance", [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), summary_body),
    Case("mean-vs-covariance", "source.summary.covariance", at("source.summary.mean", [0.0] * 4),
         summary_body),
    Case("more-labels-than-rows", "target.labels", at("target.labels", [0] * 13)),
    Case("source-probs-vs-labels", "target.source_probs",
         at("target.source_probs", [[0.25] * 4] * 5)),
    Case("class-counts-vs-means", "target.summary.class_counts",
         at("target.summary.class_counts", [10, 5, 5]), summary_body),
    Case("single-row", "source.embeddings", at("source.embeddings", [[1.0, 2.0, 3.0]])),
    Case("no-rows", "source.embeddings", at("source.embeddings", [])),
    Case("covariance-asymmetric", "source.summary.covariance",
         at("source.summary.covariance[0][1]", 5.0), summary_body),
    Case("covariance-not-psd", "source.summary.covariance",
         at("source.summary.covariance", [[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]]),
         summary_body),
    Case("count-below-2", "source.summary.count", at("source.summary.count", 1), summary_body),
    Case("encoded-mean-vs-covariance", "source.summary.covariance",
         at("source.summary.mean", {"shape": [4], "dtype": "float64", "data": b64_raw([0.0] * 4,
                                                                                      "<f8")}),
         summary_body),
    Case("encoded-mean-bad-length", "source.summary.mean.data",
         at("source.summary.mean", {"shape": [3], "dtype": "float64", "data": b64_raw([0.0] * 2,
                                                                                      "<f8")}),
         summary_body),
    Case("encoded-covariance-nan", "source.summary.covariance.data",
         at("source.summary.covariance", {"shape": [3, 3], "dtype": "float64",
                                           "data": b64_raw([NAN] * 9, "<f8")}), summary_body),
    # bad base64
    Case("base64-bad-chars", "source.embeddings.data", at("source.embeddings.data", "@@not*base64"),
         b64_body),
    Case("base64-bad-padding", "target.embeddings.data", at("target.embeddings.data", "AAAAA"),
         b64_body),
    Case("base64-non-ascii", "source.embeddings.data",
         at("source.embeddings.data", "AAAA\u00e9AAA"), b64_body),
    Case("base64-padding-after-full-group", "source.embeddings.data",
         lambda body: body["source"]["embeddings"].update(
             data=body["source"]["embeddings"]["data"] + "="), b64_body),
    Case("encoded-covariance-bad-base64", "source.summary.covariance.data",
         at("source.summary.covariance", {"shape": [3, 3], "dtype": "float64", "data": "@@@@"}),
         summary_body),
    Case("encoded-mean-bad-base64", "target.summary.mean.data",
         at("target.summary.mean", {"shape": [3], "dtype": "float64", "data": "AA*A"}),
         summary_body),
    # wrong types
    Case("embeddings-string", "source.embeddings", at("source.embeddings", "1,2,3")),
    Case("name-number", "source.name", at("source.name", 7)),
    Case("name-empty", "source.name", at("source.name", "")),
    Case("task-type-unknown", "task.type", at("task.type", "clustering")),
    Case("modality-unknown", "task.source_modality", at("task.source_modality", "smell")),
    Case("metrics-string", "options.metrics", at("options.metrics", "frechet_distance")),
    Case("metrics-unknown", "options.metrics", at("options.metrics", ["no_such_metric"])),
    Case("labels-strings", "target.labels", at("target.labels", ["cat", "dog"])),
    Case("dtype-unknown", "source.embeddings.dtype", at("source.embeddings.dtype", "int8"), b64_body),
    Case("unknown-field", "source.colour", at("source.colour", "blue")),
    Case("two-forms", "source", at("source.summary", {"count": 2, "mean": [0.0] * 3,
                                                       "covariance": np.eye(3).tolist()})),
    Case("no-form", "source", drop("source.embeddings")),
    Case("task-missing", "task", drop("task")),
    Case("bandwidth-negative", "options.kernel_bandwidth", at("options.kernel_bandwidth", -1.0)),
    Case("labels-on-summary", "target.labels", at("target.labels", [0, 1]), summary_body),
    Case("negative-source-probs", "target.source_probs", at("target.source_probs[0][0]", -0.5)),
    # huge numbers
    Case("huge-row-value", "source.embeddings", at("source.embeddings[0][0]", 1e300)),
    Case("huge-mean", "source.summary.mean", at("source.summary.mean[1]", -1e300), summary_body),
    Case("huge-label", "target.labels", at("target.labels[0]", 2**70)),
    Case("huge-seed", "options.seed", at("options.seed", 2**80)),
    Case("huge-num-classes", "task.num_classes", at("task.num_classes", 10**12)),
    Case("huge-permutations", "options.permutations", at("options.permutations", 10**12)),
    Case("huge-class-count", "target.summary.class_counts",
         at("target.summary.class_counts[0]", 2**70), summary_body),
    Case("huge-base64-shape", "source.embeddings.shape", at("source.embeddings.shape", [2**40, 2**40]),
         b64_body),
    # numbers bounded at the wire (each was a 500, or stored)
    Case("count-beyond-float", "source.summary.count", at("source.summary.count", 10**400),
         summary_body),
    Case("count-absurd", "source.summary.count", at("source.summary.count", 10**30), summary_body),
    Case("class-count-int64", "target.summary.class_counts",
         at("target.summary.class_counts[0]", 2**63), summary_body),
    Case("label-beyond-float", "target.labels",
         both(at("task.num_classes", None), at("target.labels[0]", 10**400))),
    Case("label-2-62-no-classes", "target.labels",
         both(at("task.num_classes", None), at("target.labels[0]", 2**62))),
    Case("labeled-examples-beyond-float", "task.labeled_examples",
         at("task.labeled_examples", 10**400)),
    Case("labeled-examples-absurd", "task.labeled_examples", at("task.labeled_examples", 10**40)),
    Case("bandwidth-underflows", "options.kernel_bandwidth", at("options.kernel_bandwidth", 1e-200)),
    Case("label-true", "target.labels", at("target.labels[0]", True)),
    Case("metrics-too-many", "options.metrics", at("options.metrics", ["mmd"] * 101)),
    # NUL: PostgreSQL cannot store it in text; a client error, never a 503
    Case("nul-in-name", "source.name", at("source.name", "a\u0000b")),
    Case("nul-in-extractor", "extractor", at("extractor", "x\u0000")),
    # labels out of range
    Case("label-ge-num-classes", "target.labels", at("target.labels[0]", 3)),
    Case("label-negative", "target.labels", at("target.labels[0]", -1)),
    Case("source-label-negative", "source.labels", at("source.labels[3]", -2)),
    # target.scratch_features (contract v1.1): target only, aligned with the labels, checked
    Case("scratch-on-source", "source.scratch_features",
         at("source.scratch_features", [[0.0, 1.0]] * 12)),
    Case("scratch-fewer-rows-than-labels", "target.scratch_features",
         at("target.scratch_features", [[0.0, 1.0]] * 5)),
    Case("scratch-more-rows-than-target", "target.scratch_features",
         at("target.scratch_features", [[0.0, 1.0]] * 13)),
    Case("nan-scratch", "target.scratch_features",
         at("target.scratch_features", [[NAN, 1.0]] + [[0.0, 1.0]] * 11)),
    Case("nan-in-base64-scratch", "target.scratch_features.data",
         b64_field("target", "scratch_features", [NAN] + [0.0] * 35, shape=[12, 3]), b64_body),
    Case("huge-scratch-value", "target.scratch_features",
         at("target.scratch_features", [[1e300, 1.0]] + [[0.0, 1.0]] * 11)),
    Case("scratch-ragged", "target.scratch_features",
         at("target.scratch_features", [[0.0, 1.0]] * 11 + [[1.0]])),
    # the body itself
    Case("empty-body", "body", raw=b""),
    Case("malformed-json", "body", raw=b'{"source": {"name": '),
    Case("json-array", "body", raw=b"[1, 2, 3]"),
    Case("json-null", "body", raw=b"null"),
    Case("wrong-content-type", "body", raw=json.dumps(rows_body()).encode(),
         content_type="text/plain"),
    Case("form-content-type", "body", raw=b"source=a&target=b",
         content_type="application/x-www-form-urlencoded"),
]


def test_the_table_is_big_and_unique() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[TestClient]:
    """One app per backend for the whole table (building one per case would dominate)."""
    url = request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    data_dir: Path = tmp_path_factory.mktemp("bad-input")
    settings = Settings(data_dir=data_dir, database_url=url, auth="disabled",
                        default_tenant=f"bad-{uuid.uuid4().hex[:8]}")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def stored(client: TestClient) -> int:
    response = client.get("/assessments", params={"limit": 500})
    assert response.status_code == 200
    return len(response.json()["items"])


@pytest.mark.parametrize("base", [rows_body, b64_body, summary_body])
def test_the_valid_bases_are_stored(api: TestClient, base: Callable[[], Body]) -> None:
    # The control: without it a server that stored nothing at all would pass the table.
    before = stored(api)
    response = api.post("/assess", content=json.dumps(base()), headers={"content-type": JSON})
    assert response.status_code == 201, response.text
    assert stored(api) == before + 1


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_a_problem_naming_the_field(api: TestClient, case: Case) -> None:
    before = stored(api)
    content, content_type = case.request()
    response = api.post("/assess", content=content, headers={"content-type": content_type})
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == response.status_code
    assert {"type", "title", "detail"} <= problem.keys()
    fields = [e["field"] for e in problem.get("errors", [])]
    assert any(f == case.field or f.startswith((case.field + ".", case.field + "["))
               for f in fields), (case.field, fields, problem["detail"])
    assert stored(api) == before
