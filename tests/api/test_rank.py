"""POST /rank and GET /rankings/{id} on SQLite and PostgreSQL: order, equality with /assess,
idempotency, tenant scope, the audit chain, limits over all candidates, problems naming the
candidate, and raw inputs embedded once per extractor."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from tests.onnx_models import image_metadata, image_model
from tests.payloads import b64_matrix, task

from transfer_advisor.app import create_app
from transfer_advisor.domain.audit import record_hash
from transfer_advisor.services import rank_inputs
from transfer_advisor.services.extractors import ExtractorService
from transfer_advisor.settings import Settings

PROBLEM = "application/problem+json"
N_TARGET, N_LABELED, DIM = 80, 42, 8


def target_rows(seed: int = 0, separation: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = np.arange(N_LABELED) % 3
    x = rng.normal(size=(N_TARGET, DIM))
    x[:N_LABELED, :3] += separation * np.eye(3)[y] * 2.0
    return x


def rank_body(shifts: tuple[float, ...] = (0.0, 1.5, 4.0), seed: int = 0) -> dict[str, Any]:
    """One target, candidates that differ by their source data (same embedding space)."""
    rng = np.random.default_rng(100 + seed)
    candidates = [{"name": f"src-{k}", "source": {
        "name": f"source-{k}", "embeddings": b64_matrix(rng.normal(size=(60, DIM)) + shift),
        "labels": (np.arange(30) % 3).tolist()}} for k, shift in enumerate(shifts)]
    return {"target": {"name": "tgt", "embeddings": b64_matrix(target_rows(seed)),
                       "labels": (np.arange(N_LABELED) % 3).tolist(),
                       "scratch_features": b64_matrix(rng.normal(size=(N_LABELED, 5)))},
            "candidates": candidates, "task": task(labeled_examples=N_LABELED),
            "options": {"permutations": 20, "seed": 3}}


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body


def verify(client: TestClient) -> dict[str, Any]:
    result: dict[str, Any] = client.get("/audit/verify").json()
    return result


class TestRank:
    def test_items_best_first_with_location(self, client: TestClient) -> None:
        response = client.post("/rank", json=rank_body())
        assert response.status_code == 201, response.text
        ranking = response.json()
        assert response.headers["location"] == f"/rankings/{ranking['id']}"
        items = ranking["items"]
        assert [i["rank"] for i in items] == [1, 2, 3]
        # one embedding space: the same evidence on the target, so the gain ties and the
        # transfer score (the source shift) decides; the most shifted source is last
        scores = [i["transfer_score"] for i in items]
        assert scores == sorted(scores, reverse=True)
        assert items[-1]["name"] == "src-2"
        assert ranking["separated_by"] == "log_shift_excess"
        assert "equal expected gain" in ranking["reasons"][0]
        assert items[0]["name"] in ranking["reasons"][0]
        assert items[1]["name"] in ranking["reasons"][0]
        for item in items:
            assert item["reasons"][-1].startswith(f"Ranked {item['rank']} of 3 by expected gain")
            assert item["negative_transfer_risk"] in ("low", "medium", "high")
            assert "linear_probe_accuracy" in item["metrics"]
        again = client.get(response.headers["location"])
        assert again.status_code == 200
        assert again.json() == ranking

    def test_each_item_equals_a_separate_assessment(self, client: TestClient) -> None:
        body = rank_body()
        ranking = client.post("/rank", json=body).json()
        by_name = {i["name"]: i for i in ranking["items"]}
        for cand in body["candidates"]:
            single = {"source": cand["source"], "target": body["target"], "task": body["task"],
                      "options": body["options"]}
            assessed = client.post("/assess", json=single)
            assert assessed.status_code == 201, assessed.text
            a = assessed.json()
            item = by_name[cand["name"]]
            assert item["transfer_score"] == a["recommendation"]["transfer_score"]
            assert item["expected_gain"] == a["recommendation"]["expected_gain"]
            # the assessment's reasons, then what placed the item
            assert item["reasons"][:-1] == a["recommendation"]["reasons"]
            assert item["reasons"][-1].startswith(f"Ranked {item['rank']} of 3")
            assert item["metrics"] == a["metrics"]
            assert item["omitted"] == a["omitted"]

    def test_candidates_with_their_own_target_embeddings(self, client: TestClient) -> None:
        body = rank_body()
        sharp, blurred = target_rows(0, separation=1.5), target_rows(0, separation=0.0)
        source = body["candidates"][0]["source"]
        body["candidates"] = [
            {"name": "blurred", "target": {"name": "t-b", "embeddings": b64_matrix(blurred)},
             "source": source},
            {"name": "sharp", "target": {"name": "t-s", "embeddings": b64_matrix(sharp)},
             "source": source},
            {"name": "no-source", "target": {"name": "t-s", "embeddings": b64_matrix(sharp)}}]
        ranking = client.post("/rank", json=body)
        assert ranking.status_code == 201, ranking.text
        items = {i["name"]: i for i in ranking.json()["items"]}
        lift = {n: items[n]["metrics"]["linear_probe_accuracy"]["value"] for n in items}
        assert lift["sharp"] > lift["blurred"]
        assert items["sharp"]["rank"] < items["blurred"]["rank"]
        assert "frechet_distance" in items["no-source"]["omitted"]
        single = {"source": source, "target": {**body["target"], "embeddings": b64_matrix(sharp)},
                  "task": body["task"], "options": body["options"]}
        a = client.post("/assess", json=single).json()
        assert items["sharp"]["metrics"] == a["metrics"]
        assert items["sharp"]["transfer_score"] == a["recommendation"]["transfer_score"]

    def test_source_modality_per_candidate(self, client: TestClient) -> None:
        body = rank_body(shifts=(0.0, 0.0))
        body["candidates"][1]["source_modality"] = "text"
        items = {i["name"]: i for i in client.post("/rank", json=body).json()["items"]}
        assert items["src-1"]["negative_transfer_risk"] == "high"
        assert any("modality mismatch" in r for r in items["src-1"]["reasons"])
        assert not any("modality mismatch" in r for r in items["src-0"]["reasons"])


class TestIdempotencyAndScope:
    def test_same_key_same_ranking_other_body_409(self, client: TestClient) -> None:
        headers = {"Idempotency-Key": "rank-1"}
        first = client.post("/rank", json=rank_body(), headers=headers)
        again = client.post("/rank", json=rank_body(), headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert verify(client)["checked"] == 1
        assert_problem(client.post("/rank", json=rank_body(seed=1), headers=headers), 409)
        assert verify(client)["checked"] == 1

    def test_other_tenant_gets_404(self, client: TestClient, settings: Settings) -> None:
        ranking_id = client.post("/rank", json=rank_body()).json()["id"]
        other = settings.model_copy(update={"default_tenant": settings.default_tenant + "-b"})
        with TestClient(create_app(other), raise_server_exceptions=False) as theirs:
            assert_problem(theirs.get(f"/rankings/{ranking_id}"), 404)
            assert verify(theirs)["checked"] == 0
        assert client.get(f"/rankings/{ranking_id}").status_code == 200
        assert_problem(client.get("/rankings/0123456789abcdef"), 404)


@pytest.fixture
def db(settings: Settings) -> Iterator[Any]:
    engine = create_engine(settings.resolved_database_url)
    yield engine
    engine.dispose()


class TestAuditChain:
    def seed(self, client: TestClient) -> tuple[str, str, str]:
        body = rank_body()
        pair = {"source": body["candidates"][0]["source"], "target": body["target"],
                "task": body["task"], "options": {"permutations": 0, "metrics": ["logme"]}}
        before = client.post("/assess", json=pair).json()["id"]
        ranking = client.post("/rank", json={**body, "options": {
            "permutations": 0, "metrics": ["logme", "frechet_distance"]}}).json()["id"]
        after = client.post("/assess", json=pair).json()
        assert after["prev_record_sha256"] == client.get(
            f"/rankings/{ranking}").json()["record_sha256"]
        return before, ranking, after["id"]

    def test_chain_runs_through_rankings(self, client: TestClient) -> None:
        self.seed(client)
        assert verify(client) == {"ok": True, "checked": 3, "first_bad_id": None,
                                  "problem": None}

    @pytest.mark.parametrize("rehash", [False, True])
    def test_tampered_ranking_is_named(self, client: TestClient, db: Any, rehash: bool) -> None:
        _, ranking, _ = self.seed(client)
        with db.begin() as conn:
            raw = conn.execute(text("SELECT record FROM ranking WHERE id = :i"),
                               {"i": ranking}).scalar()
            record = raw if isinstance(raw, dict) else json.loads(raw)
            record["items"][0]["transfer_score"] = 0.999
            sql = "UPDATE ranking SET record = :r" + (", record_sha256 = :h" if rehash else "")
            conn.execute(text(sql + " WHERE id = :i"),
                         {"r": json.dumps(record), "h": record_hash(record), "i": ranking})
        result = verify(client)
        assert result["ok"] is False
        assert result["first_bad_id"] == ranking

    def test_edited_ranking_column_is_named(self, client: TestClient, db: Any) -> None:
        _, ranking, _ = self.seed(client)
        with db.begin() as conn:
            conn.execute(text("UPDATE ranking SET top_candidate = 'sneaky' WHERE id = :i"),
                         {"i": ranking})
        result = verify(client)
        assert (result["ok"], result["first_bad_id"]) == (False, ranking)
        assert "top_candidate" in result["problem"]

    def test_replay_after_a_ranking_still_verifies_its_link(self, client: TestClient) -> None:
        before, _, _ = self.seed(client)
        replay = client.post(f"/assessments/{before}/replay")
        assert replay.status_code == 201, replay.text


class TestRefusals:
    def test_413_counts_all_candidates_rows(self, settings: Settings) -> None:
        body = rank_body()
        body["candidates"] = [
            {"name": f"own-{k}", "target": {"name": "t", "embeddings": b64_matrix(
                target_rows(k))}} for k in range(3)]
        # each candidate's 80 target rows fit; the 240 of all three do not
        small = settings.model_copy(update={"max_rows": 200})
        with TestClient(create_app(small), raise_server_exceptions=False) as client:
            problem = assert_problem(client.post("/rank", json=body), 413, "candidates")
            assert problem["limit"] == "max_rows"
            assert "240" in problem["detail"]
            assert verify(client)["checked"] == 0
            body["candidates"] = body["candidates"][:2]
            assert client.post("/rank", json=body).status_code == 201

    def test_413_counts_source_rows_too(self, settings: Settings) -> None:
        small = settings.model_copy(update={"max_cells": 1_000})  # 3 sources × 60 × 8 = 1,440
        with TestClient(create_app(small), raise_server_exceptions=False) as client:
            problem = assert_problem(client.post("/rank", json=rank_body()), 413, "candidates")
            assert problem["limit"] == "max_cells"

    def test_unknown_extractor_names_the_candidate(self, client: TestClient) -> None:
        body = image_rank_body(["digits-cnn", "digits-cnn", "no-such-model"])
        body["candidates"][1]["name"] = "again"
        assert_problem(client.post("/rank", json=body), 422, "candidates[2].extractor")
        assert verify(client)["checked"] == 0

    def test_wrong_modality_names_the_candidate(self, client: TestClient) -> None:
        body = image_rank_body(["digits-cnn", "digits-cnn"])
        body["candidates"][1]["name"] = "again"
        body["target"]["inputs"] = {"texts": ["a b", "c d"] * 8}
        assert_problem(client.post("/rank", json=body), 422, "candidates[0].extractor")
        body = image_rank_body(["digits-cnn", "digits-cnn"])
        body["candidates"][1]["name"] = "again"
        body["task"]["target_modality"] = "audio"
        assert_problem(client.post("/rank", json=body), 422, "candidates[0].extractor")

    @pytest.mark.parametrize(("mutate", "field"), [
        (lambda b: b["candidates"][1]["source"].update(
            embeddings=np.random.default_rng(0).normal(size=(40, 2)).tolist()),
         "candidates[1].target"),
        (lambda b: b["candidates"][2]["source"]["embeddings"].update(data="!!"),
         "candidates[2].source.embeddings.data"),
        (lambda b: b["candidates"][1].update(name="src-0"), "candidates[1].name"),
        (lambda b: b["candidates"][0].update(target={"name": "x", "embeddings": [[1.0] * DIM] * 3,
                                                     "labels": [0, 1, 2]}),
         "candidates[0].target.labels"),
        (lambda b: b["candidates"][0].update(target={"name": "x",
                                                     "embeddings": [[1.0] * DIM] * 3}),
         "candidates[0].target"),
        (lambda b: b["target"].update(labels=[0] * (N_TARGET + 1)), "target.labels"),
        (lambda b: b.update(candidates=b["candidates"][:1]), "candidates"),
    ], ids=["dims", "base64", "duplicate-name", "candidate-labels", "row-count", "labels",
            "one-candidate"])
    def test_bad_candidate_is_a_422_naming_it(self, client: TestClient, mutate: Any,
                                              field: str) -> None:
        body = rank_body()
        mutate(body)
        assert_problem(client.post("/rank", json=body), 422, field)
        assert verify(client)["checked"] == 0


def images(n: int, seed: int = 0, side: int = 28) -> dict[str, Any]:
    pixels = np.random.default_rng(seed).integers(0, 256, size=(n, side, side, 1), dtype=np.uint8)
    return {"shape": [n, side, side, 1], "dtype": "uint8",
            "data": base64.b64encode(pixels.tobytes()).decode()}


def image_rank_body(extractors: list[str], n: int = 16, side: int = 28) -> dict[str, Any]:
    return {"target": {"name": "digits", "inputs": {"images": images(n, side=side)},
                       "labels": [i % 2 for i in range(n)]},
            "candidates": [{"name": name, "extractor": name} for name in extractors],
            "task": {"labeled_examples": n, "num_classes": 2, "source_modality": "image",
                     "target_modality": "image"},
            "options": {"permutations": 10}}


class TestRawInputs:
    def test_target_decoded_once_and_embedded_once_per_extractor(
            self, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
        files = {"file": ("m.onnx", image_model(), "application/octet-stream")}
        meta = image_metadata("tiny-a")
        assert client.post("/extractors", files=files,
                           data={"metadata": json.dumps(meta)}).status_code == 201
        embedded: Counter[str] = Counter()
        decoded: list[int] = []
        embed, decode = ExtractorService.embed_images, rank_inputs.decode_images

        def counted_embed(self: Any, ext: Any, *args: Any, **kwargs: Any) -> Any:
            embedded[ext.name] += 1
            return embed(self, ext, *args, **kwargs)

        def counted_decode(*args: Any, **kwargs: Any) -> Any:
            decoded.append(1)
            return decode(*args, **kwargs)

        monkeypatch.setattr(ExtractorService, "embed_images", counted_embed)
        monkeypatch.setattr(rank_inputs, "decode_images", counted_decode)
        body = image_rank_body(["tiny-a", "tiny-a", "tiny-a"], n=24, side=4)
        body["candidates"][1]["name"] = "tiny-a-again"
        body["candidates"][2]["name"] = "tiny-a-with-source"
        body["candidates"][2]["source"] = {"name": "src", "inputs": {"images": images(20, 5, 4)}}
        response = client.post("/rank", json=body)
        assert response.status_code == 201, response.text
        # the target once for the extractor, plus candidate 2's own source
        assert embedded == Counter({"tiny-a": 2})
        assert len(decoded) == 2  # the target's images once, candidate 2's source once
        items = {i["name"]: i for i in response.json()["items"]}
        assert items["tiny-a"]["metrics"] == items["tiny-a-again"]["metrics"]
        assert items["tiny-a"]["extractor"]["name"] == "tiny-a"
        assert "scratch_probe_accuracy" in items["tiny-a"]["metrics"]  # pixels, derived once

    def test_extractor_item_equals_assess_with_the_extractor(self, client: TestClient) -> None:
        body = image_rank_body(["digits-cnn", "other"], n=24)
        body["candidates"][1] = {"name": "other", "target": {
            "name": "t", "embeddings": b64_matrix(np.random.default_rng(1).normal(size=(24, 6)))}}
        src = {"name": "src", "inputs": {"images": images(20, 9)}}
        body["candidates"][0]["source"] = src
        response = client.post("/rank", json=body)
        if response.status_code == 503:
            pytest.skip("bundled digits-cnn not available here")
        assert response.status_code == 201, response.text
        item = next(i for i in response.json()["items"] if i["name"] == "digits-cnn")
        single = {"source": src, "target": body["target"], "task": body["task"],
                  "options": body["options"], "extractor": "digits-cnn"}
        a = client.post("/assess", json=single).json()
        assert item["metrics"] == a["metrics"]
        assert item["transfer_score"] == a["recommendation"]["transfer_score"]
