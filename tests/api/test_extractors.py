"""GET/POST /extractors: registration validated by onnxruntime, refused models leave nothing;
registrations are per tenant, the operator's are shared."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.onnx_models import image_metadata, image_model
from tests.payloads import embeddings_request

from transfer_advisor.app import create_app
from transfer_advisor.settings import Settings


def register(client: TestClient, model: bytes, meta: dict[str, Any],
             tokenizer: bytes | None = None) -> Any:
    files: dict[str, Any] = {"file": ("model.onnx", model, "application/octet-stream")}
    if tokenizer is not None:
        files["tokenizer"] = ("tokenizer.json", tokenizer, "application/json")
    return client.post("/extractors", files=files, data={"metadata": json.dumps(meta)})


def stored_files(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "extractors"
    return sorted(folder.iterdir()) if folder.exists() else []


class TestRegister:
    def test_good_model_is_accepted_with_its_sha256(
            self, client: TestClient, settings: Settings) -> None:
        model = image_model()
        resp = register(client, model, image_metadata("tiny-good"))
        assert resp.status_code == 201, resp.text
        body = resp.json()
        assert body["sha256"] == hashlib.sha256(model).hexdigest()
        assert resp.headers["location"] == "/extractors/tiny-good"
        assert body["available"] is True
        assert body["bundled"] is False
        assert body["output"] == {"name": "features", "dim": 8}
        stored = settings.data_dir / "extractors" / f"{body['sha256']}.onnx"
        assert stored.read_bytes() == model
        got = client.get("/extractors/tiny-good")
        assert got.status_code == 200
        assert got.json()["sha256"] == body["sha256"]
        names = [e["name"] for e in client.get("/extractors").json()["items"]]
        assert "tiny-good" in names

    def test_same_model_again_is_idempotent_other_model_conflicts(
            self, client: TestClient, settings: Settings) -> None:
        assert register(client, image_model(), image_metadata("dup")).status_code == 201
        again = register(client, image_model(), image_metadata("dup"))
        assert again.status_code == 200
        other = register(client, image_model(seed=1), image_metadata("dup"))
        assert other.status_code == 409
        assert other.headers["content-type"].startswith("application/problem+json")
        assert len(stored_files(settings)) == 1

    def test_bundled_name_is_reserved(self, client: TestClient, settings: Settings) -> None:
        resp = register(client, image_model(), image_metadata("digits-cnn"))
        assert resp.status_code == 409
        assert stored_files(settings) == []


def _truncated() -> tuple[bytes, dict[str, Any]]:
    model = image_model()
    return model[: len(model) // 2], image_metadata("bad")


def _wrong_dim() -> tuple[bytes, dict[str, Any]]:
    return image_model(), image_metadata("bad", output={"name": "features", "dim": 9})


def _nan() -> tuple[bytes, dict[str, Any]]:
    return image_model(produce_nan=True), image_metadata("bad")


def _wrong_input_name() -> tuple[bytes, dict[str, Any]]:
    meta = image_metadata("bad")
    meta["input"] = {**meta["input"], "name": "pixels"}
    return image_model(), meta


def _wrong_output_name() -> tuple[bytes, dict[str, Any]]:
    return image_model(), image_metadata("bad", output={"name": "embedding", "dim": 8})


def _wrong_dtype() -> tuple[bytes, dict[str, Any]]:
    meta = image_metadata("bad")
    meta["input"] = {**meta["input"], "dtype": "uint8"}
    return image_model(), meta


def _wrong_shape() -> tuple[bytes, dict[str, Any]]:
    meta = image_metadata("bad")
    meta["input"] = {**meta["input"], "shape": [None, 28, 28, 1]}
    return image_model(), meta


def _dim_hidden_by_graph() -> tuple[bytes, dict[str, Any]]:
    """Graph output dim declared symbolic; still caught (shape inference or the dry run)."""
    import onnx

    m = onnx.load_from_string(image_model())
    m.graph.output[0].type.tensor_type.shape.dim[1].dim_param = "d"
    return m.SerializeToString(), image_metadata("bad", output={"name": "features", "dim": 16})


REFUSED = {
    "truncated file": _truncated,
    "declared dim differs": _wrong_dim,
    "declared dim differs, output dim symbolic": _dim_hidden_by_graph,
    "NaN outputs": _nan,
    "wrong input name": _wrong_input_name,
    "wrong output name": _wrong_output_name,
    "wrong input dtype": _wrong_dtype,
    "wrong input shape": _wrong_shape,
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_model_leaves_nothing_behind(
        case: str, client: TestClient, settings: Settings) -> None:
    model, meta = REFUSED[case]()
    resp = register(client, model, meta)
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    problem = resp.json()
    assert problem["status"] == resp.status_code
    assert problem["detail"]
    assert stored_files(settings) == []
    assert client.get("/extractors/bad").status_code == 404


@pytest.mark.parametrize(("metadata", "field"), [
    ("{not json", "metadata"),
    (json.dumps({"name": "x", "modality": "image"}), "metadata.input"),
    (json.dumps(image_metadata("Bad Name!")), "metadata.name"),
    # each of these was a 500 or a 503 "database unavailable"
    ('{"name": ' * 50_000 + '"x"' + "}" * 50_000, "metadata"),
    (json.dumps(image_metadata("nan-prep", preprocessing={"scale": float("nan")})), "metadata"),
    (json.dumps(image_metadata("deep-prep", preprocessing={"a": {"b": {"c": {"d": {"e": {
        "f": {"g": {"h": {"i": {"j": 1}}}}}}}}}})), "metadata.preprocessing"),
    (json.dumps(image_metadata("nul-version", version="1\u0000")), "metadata.version"),
    (json.dumps(image_metadata("nul-prep", preprocessing={"k": "a\u0000"})),
     "metadata.preprocessing"),
])
def test_bad_metadata_is_422_naming_the_field(
        metadata: str, field: str, client: TestClient, settings: Settings) -> None:
    resp = client.post("/extractors", data={"metadata": metadata},
                       files={"file": ("m.onnx", image_model(), "application/octet-stream")})
    assert resp.status_code == 422
    assert field in [e["field"] for e in resp.json().get("errors", [])]
    assert stored_files(settings) == []


def test_text_extractor_without_tokenizer_is_refused(
        client: TestClient, settings: Settings) -> None:
    meta = image_metadata("txt", modality="text",
                          input={"name": "input_ids", "dtype": "int64", "shape": [None, None]})
    resp = register(client, image_model(), meta)
    assert resp.status_code == 422
    assert stored_files(settings) == []


class TestList:
    def test_bundled_extractors_are_listed(self, client: TestClient) -> None:
        items = {e["name"]: e for e in client.get("/extractors").json()["items"]}
        digits = items["digits-cnn"]
        assert digits["bundled"]
        assert digits["available"]
        assert digits["input"]["shape"] == [None, 28, 28, 1]
        assert digits["output_dim"] == 64
        assert len(digits["sha256"]) == 64
        # The test data dir is empty, so the built text model is not there: listed, with why.
        text = items["minilm-l6-v2"]
        assert text["available"] is False
        assert text["sha256"] is None
        assert "extractors build" in text["reason"]

    def test_unknown_name_is_404(self, client: TestClient) -> None:
        resp = client.get("/extractors/nope")
        assert resp.status_code == 404
        assert resp.headers["content-type"].startswith("application/problem+json")


def test_registered_model_embeds_like_onnxruntime(client: TestClient, settings: Settings) -> None:
    """The stored model, run through the service, equals onnxruntime on the original bytes."""
    import onnxruntime as ort

    model = image_model(seed=3)
    assert register(client, model, image_metadata("tiny-run")).status_code == 201
    service = client.app.state.extractors  # type: ignore[attr-defined]
    ext = service.resolve("tiny-run", settings.default_tenant)
    images = np.random.default_rng(0).integers(0, 256, size=(70, 4, 4, 1), dtype=np.uint8)
    ours = service.embed_images(ext, images)
    direct = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
        ["features"], {"images": images.astype(np.float32)})[0]
    np.testing.assert_array_equal(ours, direct)


class TestAssessRawInputs:
    @staticmethod
    def images_b64(n: int, seed: int, shape: tuple[int, ...] = (28, 28, 1)) -> dict[str, Any]:
        import base64

        x = np.random.default_rng(seed).integers(0, 256, size=(n, *shape), dtype=np.uint8)
        return {"shape": [n, *shape], "dtype": "uint8", "data": base64.b64encode(x).decode()}

    def body(self, extractor: str | None, shape: tuple[int, ...] = (28, 28, 1)) -> dict[str, Any]:
        return {
            "source": {"name": "s", "inputs": {"images": self.images_b64(40, 0, shape)}},
            "target": {"name": "t", "inputs": {"images": self.images_b64(30, 1, shape)},
                       "labels": [i % 3 for i in range(15)]},
            "task": {"type": "classification", "num_classes": 3, "labeled_examples": 15,
                     "source_modality": "image", "target_modality": "image"},
            "extractor": extractor, "options": {"permutations": 20, "seed": 0}}

    def test_images_through_bundled_cnn_record_the_extractor(self, client: TestClient) -> None:
        resp = client.post("/assess", json=self.body("digits-cnn"))
        assert resp.status_code == 201, resp.text
        ext = resp.json()["extractor"]
        assert ext["name"] == "digits-cnn"
        listed = client.get("/extractors/digits-cnn").json()
        assert ext["sha256"] == listed["sha256"]

    def test_unknown_extractor_is_422(self, client: TestClient) -> None:
        resp = client.post("/assess", json=self.body("nope"))
        assert resp.status_code == 422
        assert resp.json()["type"].endswith("unknown-extractor")

    def test_unknown_extractor_beside_embeddings_is_422(self, client: TestClient) -> None:
        body = embeddings_request()
        body["extractor"] = "nope"
        resp = client.post("/assess", json=body)
        assert resp.status_code == 422, resp.text
        assert resp.json()["errors"][0]["field"] == "extractor"
        body["extractor"] = "digits-cnn"  # a known one is recorded as the embeddings' origin
        resp = client.post("/assess", json=body)
        assert resp.status_code == 201, resp.text
        assert resp.json()["extractor"]["name"] == "digits-cnn"

    def test_huge_extractor_outputs_get_the_magnitude_bound(self, client: TestClient) -> None:
        huge = image_model(seed=1, scale=1e16)  # finite float32, far over the 1e15 bound
        assert register(client, huge, image_metadata("huge-out")).status_code == 201
        body = self.body("huge-out", shape=(4, 4, 1))
        resp = client.post("/assess", json=body)
        assert resp.status_code == 422, resp.text
        assert resp.json()["errors"][0]["field"] == "source.inputs"
        assert client.get("/assessments").json()["items"] == []

    def test_wrong_image_shape_is_422_naming_the_field(self, client: TestClient) -> None:
        resp = client.post("/assess", json=self.body("digits-cnn", shape=(8, 8, 1)))
        assert resp.status_code == 422
        assert resp.json()["errors"][0]["field"] == "source.inputs.images.shape"

    def test_unbuilt_text_model_is_a_clear_problem(self, client: TestClient) -> None:
        body = self.body("minilm-l6-v2")
        body["source"]["inputs"] = {"texts": ["a", "b", "c"]}
        body["target"]["inputs"] = {"texts": ["d", "e", "f"]}
        body["target"]["labels"] = [0, 1, 2]
        resp = client.post("/assess", json=body)
        assert resp.status_code == 503
        assert "extractors build" in resp.json()["detail"]
        data_dir = str(client.app.state.settings.data_dir)  # type: ignore[attr-defined]
        assert data_dir not in resp.text  # no server paths to callers
        assert data_dir not in client.get("/extractors").text


class TestReadinessWithBrokenExtractorFiles:
    """A missing or corrupt extractor file makes /readyz 503; everything else keeps working."""

    def test_corrupt_registered_model_fails_readiness_only(
        self, client: TestClient, settings: Settings
    ) -> None:
        from tests.payloads import embeddings_request

        assert client.get("/readyz").status_code == 200
        created = register(client, image_model(), image_metadata(name="to-corrupt"))
        assert created.status_code == 201, created.text
        stored = settings.data_dir / "extractors" / f"{created.json()['sha256']}.onnx"
        stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")
        ready = client.get("/readyz")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert created.json()["sha256"][:12] in checks["extractors"]
        assert "to-corrupt" not in checks["extractors"]  # public endpoint: no tenant's names
        assert checks["database"] == "ok"
        assert client.post("/assess", json=embeddings_request(form="summary")).status_code == 201
        stored.unlink()
        assert "missing" in client.get("/readyz").json()["checks"]["extractors"]


def test_concurrent_registrations_of_one_name_are_one_201_and_409s(
        client: TestClient, settings: Settings) -> None:
    """The loser of a race on one name gets a 409 (another model) or the winner (same model),
    never a 503, and the winner's files stay."""
    from concurrent.futures import ThreadPoolExecutor

    models = [image_model(seed=s) for s in (11, 12, 13, 14)]
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(
            lambda m: register(client, m, image_metadata("raced")).status_code, models))
    assert statuses == [201, 409, 409, 409]
    with ThreadPoolExecutor(4) as pool:  # the same model four times: one 201 or 200s only
        same = image_model(seed=21)
        again = sorted(pool.map(
            lambda _: register(client, same, image_metadata("raced-same")).status_code, range(4)))
    assert again.count(201) == 1
    assert set(again) <= {200, 201}
    ready = client.get("/readyz").json()
    assert ready["checks"]["extractors"] == "ok", ready


class TestTenantScope:
    """POST /extractors registers for the caller's tenant; the operator's CLI registers shared
    extractors every tenant uses. Another tenant's extractor is answered exactly as a name that
    does not exist (issue 18.9)."""

    @pytest.fixture
    def tenants(self, settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
        from transfer_advisor.services import keys

        required = settings.model_copy(update={"auth": "required"})
        with TestClient(create_app(required), raise_server_exceptions=False) as client:
            sessions = client.app.state.sessions  # type: ignore[attr-defined]
            headers = {}
            for who in ("a", "b", "c"):
                _, key = keys.create_key(sessions, f"{who}-{uuid.uuid4().hex[:8]}",
                                         ("assess", "read", "admin"))
                headers[who] = {"Authorization": f"Bearer {key}"}
            yield client, headers

    @pytest.fixture
    def operator(self, settings: Settings, monkeypatch: pytest.MonkeyPatch,
                 tmp_path: Path) -> Callable[[bytes, str], int]:
        """`transfer-advisor extractors register` on the test's data dir and database."""
        from transfer_advisor.cli import main

        monkeypatch.setenv("TRANSFER_ADVISOR_DATA_DIR", str(settings.data_dir))
        if settings.database_url:
            monkeypatch.setenv("TRANSFER_ADVISOR_DATABASE_URL", settings.database_url)
        else:
            monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)

        def run(model: bytes, name: str) -> int:
            (tmp_path / "op.onnx").write_bytes(model)
            (tmp_path / "op.json").write_text(json.dumps(image_metadata(name)))
            return main(["extractors", "register", str(tmp_path / "op.onnx"),
                         "--metadata", str(tmp_path / "op.json")])
        return run

    @staticmethod
    def register_as(client: TestClient, headers: dict[str, str], model: bytes,
                    name: str) -> Any:
        return client.post("/extractors", headers=headers,
                           files={"file": ("model.onnx", model, "application/octet-stream")},
                           data={"metadata": json.dumps(image_metadata(name))})

    @staticmethod
    def names(client: TestClient, headers: dict[str, str]) -> list[str]:
        resp = client.get("/extractors", headers=headers)
        assert resp.status_code == 200, resp.text
        return [e["name"] for e in resp.json()["items"]]

    @staticmethod
    def assess_with(client: TestClient, headers: dict[str, str], name: str,
                    raw: bool = True) -> Any:
        body = (TestAssessRawInputs().body(name, shape=(4, 4, 1)) if raw
                else {**embeddings_request(), "extractor": name})
        return client.post("/assess", headers=headers, json=body)

    def test_another_tenant_cannot_list_get_or_use_it(
            self, tenants: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
        client, h = tenants
        created = self.register_as(client, h["a"], image_model(), "private-x")
        assert created.status_code == 201, created.text
        assert "private-x" in self.names(client, h["a"])
        assert client.get("/extractors/private-x", headers=h["a"]).status_code == 200
        assert self.assess_with(client, h["a"], "private-x").status_code == 201

        assert "private-x" not in self.names(client, h["b"])
        theirs = client.get("/extractors/private-x", headers=h["b"])
        nobodys = client.get("/extractors/nobodys-x", headers=h["b"])
        assert theirs.status_code == nobodys.status_code == 404
        assert theirs.json()["detail"] == nobodys.json()["detail"].replace("nobodys", "private")
        for raw in (True, False):  # raw inputs to embed, or named beside embeddings
            theirs = self.assess_with(client, h["b"], "private-x", raw)
            nobodys = self.assess_with(client, h["b"], "nobodys-x", raw)
            assert theirs.status_code == nobodys.status_code == 422, theirs.text
            assert theirs.json()["type"].endswith("unknown-extractor")
            assert theirs.json()["detail"] == nobodys.json()["detail"].replace(
                "nobodys", "private")
        assert client.get("/assessments", headers=h["b"]).json()["items"] == []

    def test_tenants_register_one_name_independently(
            self, tenants: tuple[TestClient, dict[str, dict[str, str]]],
            settings: Settings) -> None:
        client, h = tenants
        model_a, model_b = image_model(seed=1), image_model(seed=2)
        assert self.register_as(client, h["a"], model_a, "same-x").status_code == 201
        assert self.register_as(client, h["b"], model_b, "same-x").status_code == 201
        assert self.register_as(client, h["c"], model_a, "same-x").status_code == 201
        assert self.register_as(client, h["b"], model_b, "same-x").status_code == 200
        assert self.register_as(client, h["b"], model_a, "same-x").status_code == 409
        sha = {who: client.get("/extractors/same-x", headers=h[who]).json()["sha256"]
               for who in h}
        assert sha["a"] == sha["c"] == hashlib.sha256(model_a).hexdigest()
        assert sha["b"] == hashlib.sha256(model_b).hexdigest()
        assert len(stored_files(settings)) == 2  # content-addressed: a's and c's bytes once
        for who in h:  # each tenant's assessment runs its own model
            resp = self.assess_with(client, h[who], "same-x")
            assert resp.status_code == 201, resp.text
            assert resp.json()["extractor"]["sha256"] == sha[who]
        assert client.get("/readyz").json()["checks"]["extractors"] == "ok"

    def test_operator_registered_is_shared_and_its_name_taken(
            self, tenants: tuple[TestClient, dict[str, dict[str, str]]],
            operator: Callable[[bytes, str], int]) -> None:
        client, h = tenants
        shared = image_model(seed=4)
        assert operator(shared, "shared-x") == 0
        for who in h:
            assert "shared-x" in self.names(client, h[who])
            got = client.get("/extractors/shared-x", headers=h[who])
            assert got.json()["sha256"] == hashlib.sha256(shared).hexdigest()
            assert self.assess_with(client, h[who], "shared-x").status_code == 201
        taken = self.register_as(client, h["a"], image_model(seed=5), "shared-x")
        assert taken.status_code == 409, taken.text
        assert taken.json()["errors"][0]["field"] == "metadata.name"
        # the very same model is the idempotent answer it was before registration was scoped
        assert self.register_as(client, h["a"], shared, "shared-x").status_code == 200
        bundled = self.register_as(client, h["a"], image_model(), "digits-cnn")
        assert bundled.status_code == 409
        assert "shared-x" in self.names(client, h["b"])

    def test_operator_cannot_share_a_name_a_tenant_holds(
            self, tenants: tuple[TestClient, dict[str, dict[str, str]]],
            operator: Callable[[bytes, str], int], capsys: pytest.CaptureFixture[str]) -> None:
        client, h = tenants
        mine = image_model(seed=6)
        assert self.register_as(client, h["a"], mine, "mine-x").status_code == 201
        assert operator(mine, "mine-x") == 2  # it would shadow tenant a's own
        assert "registered 'mine-x' themselves" in capsys.readouterr().err
        assert "mine-x" not in self.names(client, h["b"])
        assert client.get("/extractors/mine-x", headers=h["a"]).status_code == 200

    def test_embed_cli_uses_shared_not_tenant_extractors(
            self, tenants: tuple[TestClient, dict[str, dict[str, str]]],
            operator: Callable[[bytes, str], int], settings: Settings, tmp_path: Path) -> None:
        from transfer_advisor.cli.embed import embed_file
        from transfer_advisor.errors import UnknownExtractor

        client, h = tenants
        assert operator(image_model(seed=7), "shared-y") == 0
        assert self.register_as(client, h["a"], image_model(seed=8), "own-y").status_code == 201
        images = np.random.default_rng(0).integers(0, 256, size=(3, 4, 4, 1), dtype=np.uint8)
        np.save(tmp_path / "images.npy", images)
        out, record, _ = embed_file(settings, "shared-y", tmp_path / "images.npy")
        assert out.shape == (3, 8)
        assert record["name"] == "shared-y"
        with pytest.raises(UnknownExtractor):
            embed_file(settings, "own-y", tmp_path / "images.npy")
