"""POST /assess end to end on every input form and every error class, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.payloads import b64_matrix, embeddings_request, summary_of

PROBLEM = "application/problem+json"


def stored_count(client: TestClient) -> int:
    return len(client.get("/assessments", params={"limit": 500}).json()["items"])


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert any(f.startswith(field) for f in fields), (field, fields)
    return body


class TestAssessInputForms:
    @pytest.mark.parametrize("form", ["json", "b64", "summary"])
    def test_each_form_is_assessed_and_stored(self, client: TestClient, form: str) -> None:
        response = client.post("/assess", json=embeddings_request(form=form))
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"/assessments/{body['id']}"
        assert body["recommendation"]["strategy"] in {
            "fine_tune", "feature_extraction", "train_from_scratch"}
        assert 0.0 <= body["recommendation"]["transfer_score"] <= 1.0
        assert body["recommendation"]["reasons"]
        assert "frechet_distance" in body["metrics"]
        assert len(body["input_sha256"]) == 64
        assert client.get(response.headers["location"]).json() == body

    def test_mixed_embeddings_and_summary(self, client: TestClient) -> None:
        rng = np.random.default_rng(3)
        xs, xt = rng.normal(size=(50, 6)), rng.normal(size=(40, 6))
        body = {"source": {"name": "s", "summary": summary_of(xs)},
                "target": {"name": "t", "embeddings": b64_matrix(xt, "float64")},
                "task": {"labeled_examples": 0, "source_modality": "text",
                         "target_modality": "text"}}
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        metrics = response.json()["metrics"]
        expected = np.trace(np.cov(xs, rowvar=False)) + np.trace(np.cov(xt, rowvar=False))
        assert metrics["frechet_distance"]["value"] <= expected + np.sum(
            (xs.mean(0) - xt.mean(0)) ** 2)

    def test_float64_base64_equals_json(self, client: TestClient) -> None:
        rng = np.random.default_rng(4)
        xs, xt = rng.normal(size=(30, 5)), rng.normal(size=(30, 5))
        req = {"task": {"labeled_examples": 0, "source_modality": "text",
                        "target_modality": "text"}}
        as_json = client.post("/assess", json={**req, "source": {"name": "s", "embeddings": xs.tolist()},
                                               "target": {"name": "t", "embeddings": xt.tolist()}})
        as_b64 = client.post("/assess", json={
            **req, "source": {"name": "s", "embeddings": b64_matrix(xs, "float64")},
            "target": {"name": "t", "embeddings": b64_matrix(xt, "float64")}})
        assert as_json.status_code == as_b64.status_code == 201
        for name, metric in as_json.json()["metrics"].items():
            assert as_b64.json()["metrics"][name]["value"] == pytest.approx(metric["value"],
                                                                           rel=1e-12)

    def test_encoded_summary_equals_json_summary(self, client: TestClient) -> None:
        body = embeddings_request(n=40, d=6, form="summary")
        rng = np.random.default_rng(3)
        x = rng.normal(size=(40, 6))
        target = summary_of(x)
        target["class_means"] = [x[:20].mean(0).tolist(), x[20:].mean(0).tolist()]
        target["class_counts"] = [20, 20]
        body["target"]["summary"] = target
        encoded = copy.deepcopy(body)
        for side in ("source", "target"):
            s = encoded[side]["summary"]
            mean = np.asarray(s["mean"])
            s["mean"] = {"shape": [len(mean)], "dtype": "float64",
                         "data": base64.b64encode(mean.astype("<f8").tobytes()).decode()}
            s["covariance"] = b64_matrix(np.asarray(s["covariance"]), "float64")
        encoded["target"]["summary"]["class_means"] = b64_matrix(
            np.asarray(target["class_means"]), "float64")
        as_json, as_b64 = client.post("/assess", json=body), client.post("/assess", json=encoded)
        assert as_json.status_code == as_b64.status_code == 201, as_b64.text
        assert as_b64.json()["metrics"].keys() == as_json.json()["metrics"].keys()
        for name, metric in as_json.json()["metrics"].items():
            assert as_b64.json()["metrics"][name]["value"] == pytest.approx(metric["value"],
                                                                           rel=1e-12), name
        assert (as_b64.json()["recommendation"]["transfer_score"]
                == pytest.approx(as_json.json()["recommendation"]["transfer_score"], rel=1e-12))

    def test_summary_only_lowers_confidence_and_says_why(self, client: TestClient) -> None:
        rows = client.post("/assess", json=embeddings_request(labels=40))
        summary = client.post("/assess", json=embeddings_request(labels=40, form="summary"))
        assert rows.status_code == summary.status_code == 201
        rec, rec_rows = summary.json()["recommendation"], rows.json()["recommendation"]
        assert rec["confidence"] < rec_rows["confidence"]
        assert any("summary-only request" in r and "confidence lowered" in r
                   for r in rec["reasons"])

    def test_modality_mismatch_raises_risk(self, client: TestClient) -> None:
        body = embeddings_request()
        body["task"]["target_modality"] = "audio"
        rec = client.post("/assess", json=body).json()["recommendation"]
        assert rec["negative_transfer_risk"] == "high"
        assert any("modality" in r for r in rec["reasons"])


def _blocky_images(labels: np.ndarray, n: int, seed: int) -> np.ndarray:
    """(n, 28, 28, 1) uint8 noise; the labeled ones carry a bright 7×7 square at a class's spot."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, size=(n, 28, 28, 1), dtype=np.uint8)
    for i, label in enumerate(labels):
        row, col = divmod(int(label), 3)
        images[i, 7 * row:7 * row + 7, 7 * col:7 * col + 7] = 250
    return images


class TestScratchProbe:
    """`scratch_probe_accuracy`: the frozen features' linear probe, on scratch features."""

    @pytest.mark.parametrize("form", ["json", "b64"])
    def test_separable_pixels_beat_noise_embeddings(self, client: TestClient, form: str) -> None:
        rng = np.random.default_rng(5)
        y = np.arange(60) % 3
        pixels = _blocky_images(y, 80, seed=6).reshape(80, -1)[:, ::4] / 255.0  # 196 values
        scratch = pixels.tolist() if form == "json" else b64_matrix(pixels, "float64")
        body = {"source": {"name": "s", "embeddings": rng.normal(size=(80, 8)).tolist()},
                "target": {"name": "t", "embeddings": rng.normal(size=(80, 8)).tolist(),
                           "labels": y.tolist(), "scratch_features": scratch},
                "task": {"num_classes": 3, "labeled_examples": 60, "source_modality": "image",
                         "target_modality": "image"},
                "options": {"permutations": 200, "seed": 1}}
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        record = response.json()
        metrics = record["metrics"]
        scratch_probe, frozen = metrics["scratch_probe_accuracy"], metrics["linear_probe_accuracy"]
        details = scratch_probe["details"]
        assert details["chance"] == pytest.approx(1 / 3)
        assert (details["folds"], details["n"], details["dim"]) == (5, 60, 196)
        assert details["folds"] == frozen["details"]["folds"]
        assert details["scratch_features_from"] == "client"
        assert details["permutations"] == 50  # the request's 200, capped
        assert scratch_probe["value"] > frozen["value"] + 0.3
        assert scratch_probe["p_value"] < 0.05
        assert record["evidence"]["scratch_features"] == {"from": "client", "rows": 80,
                                                          "dim": 196}
        assert "scratch_probe_accuracy" not in record["evidence"]["omitted"]

    def test_omitted_without_scratch_features(self, client: TestClient) -> None:
        record = client.post("/assess", json=embeddings_request()).json()
        assert "scratch_probe_accuracy" not in record["metrics"]
        assert "target.scratch_features" in record["evidence"]["omitted"]["scratch_probe_accuracy"]
        assert "scratch_features" not in record["evidence"]

    def test_raw_images_derive_pixels(self, client: TestClient) -> None:
        rng = np.random.default_rng(8)
        y = np.arange(30) % 9

        def images(x: np.ndarray) -> dict[str, Any]:
            return {"shape": list(x.shape), "dtype": "uint8",
                    "data": base64.b64encode(x.tobytes()).decode()}

        source = rng.integers(0, 256, size=(20, 28, 28, 1), dtype=np.uint8)
        body = {"source": {"name": "s", "inputs": {"images": images(source)}},
                "target": {"name": "t", "inputs": {"images": images(_blocky_images(y, 40, 9))},
                           "labels": y.tolist()},
                "task": {"num_classes": 9, "labeled_examples": 30, "source_modality": "image",
                         "target_modality": "image"},
                "extractor": "digits-cnn", "options": {"permutations": 10}}
        response = client.post("/assess", json=body)
        assert response.status_code == 201, response.text
        record = response.json()
        probe = record["metrics"]["scratch_probe_accuracy"]
        assert probe["details"]["scratch_features_from"] == "pixels"
        assert (probe["details"]["n"], probe["details"]["dim"]) == (30, 784)
        assert probe["value"] >= 0.9
        assert record["evidence"]["scratch_features"] == {"from": "pixels", "rows": 30,
                                                          "dim": 784}

    def test_over_max_cells_is_413(self, settings: Any) -> None:
        from transfer_advisor.app import create_app

        body = embeddings_request()
        body["target"]["scratch_features"] = np.zeros((60, 40)).tolist()
        small = settings.model_copy(update={"max_cells": 1000})
        with TestClient(create_app(small)) as client:
            problem = assert_problem(client.post("/assess", json=body), 413,
                                     "target.scratch_features")
            assert "max_cells" in problem["detail"]
            assert stored_count(client) == 0


def _mutations() -> list[tuple[str, Any, int, str]]:
    """(case id, mutate(body), status, field path named in the problem)."""

    def set_path(path: list[Any], value: Any) -> Any:
        def mutate(body: dict[str, Any]) -> None:
            node = body
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        return mutate

    def delete(path: list[Any]) -> Any:
        def mutate(body: dict[str, Any]) -> None:
            node = body
            for key in path[:-1]:
                node = node[key]
            del node[path[-1]]
        return mutate

    def summary_side(cov: Any, count: int = 10) -> Any:
        return set_path(["source"], {"name": "s", "summary": {"count": count, "mean": [0.0] * 8,
                                                             "covariance": cov}})

    eye = np.eye(8).tolist()
    asym = np.eye(8)
    asym[0, 1] = 0.5
    nonpsd = np.eye(8)
    nonpsd[0, 0] = -1.0
    return [
        ("nan", set_path(["source", "embeddings", 0, 0], float("nan")), 422, "source.embeddings"),
        ("inf", set_path(["target", "embeddings", 1, 2], float("inf")), 422, "target.embeddings"),
        ("ragged rows", set_path(["source", "embeddings", 3], [1.0, 2.0]), 422, "source.embeddings"),
        ("d mismatch", set_path(["target", "embeddings"], [[0.0] * 7] * 10), 422, "target"),
        ("bad base64", set_path(["source", "embeddings"], {"shape": [2, 8], "dtype": "float32",
                                                          "data": "@@not base64@@"}),
         422, "source.embeddings.data"),
        ("shape vs bytes", set_path(["source", "embeddings"], b64_matrix(np.ones((3, 8))) | {
            "shape": [4, 8]}), 422, "source.embeddings.data"),
        ("missing task", delete(["task"]), 422, "task"),
        ("missing name", delete(["source", "name"]), 422, "source.name"),
        ("two forms", set_path(["source", "summary"], {"count": 3, "mean": [0.0] * 8,
                                                      "covariance": eye}), 422, "source"),
        ("non-psd covariance", summary_side(nonpsd.tolist()), 422, "source.summary.covariance"),
        ("asymmetric covariance", summary_side(asym.tolist()), 422, "source.summary.covariance"),
        ("count < 2", summary_side(eye, count=1), 422, "source.summary.count"),
        ("cov not square", summary_side([[1.0] * 8] * 7), 422, "source.summary.covariance"),
        ("label out of range", set_path(["target", "labels", 0], 7), 422, "target.labels"),
        ("too many labels", set_path(["target", "labels"], [0] * 61), 422, "target.labels"),
        ("negative label", set_path(["target", "labels", 0], -1), 422, "target.labels"),
        ("unknown metric", set_path(["options", "metrics"], ["nope"]), 422, "options.metrics"),
        ("bad modality", set_path(["task", "target_modality"], "smell"), 422, "task.target_modality"),
        ("one row", set_path(["source", "embeddings"], [[0.0] * 8]), 422, "source.embeddings"),
    ]


class TestAssessErrors:
    @pytest.mark.parametrize(("mutate", "status", "field"),
                             [pytest.param(m, s, f, id=i) for i, m, s, f in _mutations()])
    def test_bad_input_is_a_problem_and_stores_nothing(
        self, client: TestClient, mutate: Any, status: int, field: str
    ) -> None:
        body = copy.deepcopy(embeddings_request())
        mutate(body)
        before = stored_count(client)
        raw = json.dumps(body).encode()  # allows NaN/Infinity tokens, as a careless client sends
        response = client.post("/assess", content=raw, headers={"content-type": "application/json"})
        assert_problem(response, status, field)
        assert stored_count(client) == before

    def test_malformed_json(self, client: TestClient) -> None:
        response = client.post("/assess", content=b"{not json",
                               headers={"content-type": "application/json"})
        assert_problem(response, 422)

    def test_body_too_large(self, settings: Any) -> None:
        from transfer_advisor.app import create_app

        small = settings.model_copy(update={"max_body_bytes": 10_000})
        with TestClient(create_app(small)) as client:
            before = stored_count(client)
            body = assert_problem(client.post("/assess", json=embeddings_request(n=200)), 413)
            assert "max_body_bytes" in body["detail"]
            assert stored_count(client) == before

    def test_unknown_id_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/assessments/does-not-exist"), 404)


class TestIdempotencyAndHistory:
    def test_retry_returns_the_same_record(self, client: TestClient) -> None:
        body = embeddings_request(form="summary")
        headers = {"Idempotency-Key": "abc-1"}
        first = client.post("/assess", json=body, headers=headers)
        again = client.post("/assess", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        assert stored_count(client) == 1
        other = embeddings_request(form="summary", seed=9)
        assert_problem(client.post("/assess", json=other, headers=headers), 409)
        assert stored_count(client) == 1

    def test_raw_input_retry_embeds_once(self, client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
        import onnxruntime as ort

        calls = []
        run = ort.InferenceSession.run

        def counted(session: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return run(session, *args, **kwargs)

        monkeypatch.setattr(ort.InferenceSession, "run", counted)
        rng = np.random.default_rng(0)

        def images(n: int) -> dict[str, Any]:
            pixels = rng.integers(0, 256, size=(n, 28, 28, 1), dtype=np.uint8)
            return {"shape": [n, 28, 28, 1], "dtype": "uint8",
                    "data": base64.b64encode(pixels.tobytes()).decode()}

        body = {"source": {"name": "s", "inputs": {"images": images(20)}},
                "target": {"name": "t", "inputs": {"images": images(16)}},
                "task": {"labeled_examples": 0, "source_modality": "image",
                         "target_modality": "image"},
                "extractor": "digits-cnn", "options": {"permutations": 10}}
        headers = {"Idempotency-Key": "raw-1"}
        first = client.post("/assess", json=body, headers=headers)
        assert first.status_code == 201, first.text
        embedded = len(calls)
        assert embedded >= 2  # both sides went through the model
        again = client.post("/assess", json=body, headers=headers)
        assert again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert len(calls) == embedded  # the retry answered from the record, no model run
        assert stored_count(client) == 1

    def test_history_newest_first_with_cursor(self, client: TestClient) -> None:
        ids = [client.post("/assess", json=embeddings_request(form="summary", seed=s)).json()["id"]
               for s in range(5)]
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/assessments", params=params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == ids[::-1]

    def test_records_are_chained(self, client: TestClient) -> None:
        first = client.post("/assess", json=embeddings_request(form="summary", seed=1)).json()
        second = client.post("/assess", json=embeddings_request(form="summary", seed=2)).json()
        assert second["prev_record_sha256"] == first["record_sha256"]
        assert first["prev_record_sha256"] == "0" * 64

    def test_bad_cursor(self, client: TestClient) -> None:
        assert_problem(client.get("/assessments", params={"cursor": "zzz"}), 422, "cursor")
