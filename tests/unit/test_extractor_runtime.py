"""Extractor runtime: raw inputs through the registry equal onnxruntime run directly."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
from sqlalchemy import Engine
from tests.onnx_models import image_metadata, image_model, image_reference
from tests.shared_data import require_shared
from tokenizers import Tokenizer, models, pre_tokenizers

from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_engine, make_sessionmaker
from transfer_advisor.errors import InvalidInput, PayloadTooLarge, UnknownExtractor
from transfer_advisor.extractors.text import TextTokenizer, embed_token_ids
from transfer_advisor.services.extractors import ExtractorService
from transfer_advisor.settings import Settings

MakeService = Callable[..., ExtractorService]


@pytest.fixture
def make_service() -> Iterator[MakeService]:
    """ExtractorService over a migrated SQLite file in `data_dir`; settings override limits."""
    engines: list[Engine] = []

    def make(data_dir: Path, **limits: Any) -> ExtractorService:
        settings = Settings(data_dir=data_dir, database_url=None, onnx_intra_op_threads=1,
                            **limits)
        engine = make_engine(settings)
        migrate.upgrade(engine)
        engines.append(engine)
        return ExtractorService(settings, make_sessionmaker(engine))

    yield make
    for engine in engines:
        engine.dispose()


def dev_scenarios_with_extractor() -> list[Path]:
    root = require_shared("benchmarks", "transfer-scenarios", "dev")
    found = sorted(p.parent for p in root.glob("*/extractor.onnx")
                   if (p.parent / "target_inputs.npz").is_file())
    if not found:
        pytest.skip(f"no dev scenario under {root} ships extractor.onnx + target_inputs.npz")
    return found


def test_raw_images_equal_onnxruntime_direct(tmp_path: Path, make_service: MakeService) -> None:
    """Shipped scenario: register its extractor, embed its raw target images, compare exactly."""
    scenario = dev_scenarios_with_extractor()[0]
    meta_json = json.loads((scenario / "meta.json").read_text())
    spec = meta_json["extractor_spec"]
    model = (scenario / "extractor.onnx").read_bytes()
    images = np.load(scenario / "target_inputs.npz")["images"]
    service = make_service(tmp_path, extractor_batch_size=64)
    ext, created = service.register(model, {
        "name": "scenario-cnn", "version": "1", "modality": "image",
        "input": {"name": spec["input_name"], "dtype": spec["input_dtype"],
                  "shape": spec["input_shape"]},
        "output": {"name": spec["output_name"], "dim": spec["output_dim"]}}, tenant=None)
    assert created
    assert ext.sha256 == hashlib.sha256(model).hexdigest()
    ours = service.embed_images(service.resolve("scenario-cnn", None), images)
    direct = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(
        [spec["output_name"]], {spec["input_name"]: images.astype(np.float32)})[0]
    assert ours.shape == (len(images), spec["output_dim"])
    np.testing.assert_array_equal(ours, direct)
    # The embeddings the scenario ships were made from the same inputs by the same model.
    shipped = np.load(scenario / "target_embeddings.npy")
    np.testing.assert_allclose(ours[: len(shipped)], shipped[: len(ours)], rtol=1e-5, atol=1e-5)


def test_bundled_digits_cnn_runs_on_uint8_images(tmp_path: Path,
                                                  make_service: MakeService) -> None:
    service = make_service(tmp_path)
    ext = service.resolve("digits-cnn", None)
    images = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28, 1), dtype=np.uint8)
    out = service.embed_images(ext, images)
    assert out.shape == (5, 64)
    direct = ort.InferenceSession(str(ext.path), providers=["CPUExecutionProvider"]).run(
        ["features"], {"images": images.astype(np.float32)})[0]
    np.testing.assert_array_equal(out, direct)


def test_batching_does_not_change_results(tmp_path: Path, make_service: MakeService) -> None:
    model = image_model(seed=5)
    images = np.random.default_rng(1).uniform(0, 255, size=(37, 4, 4, 1)).astype(np.float32)
    results = []
    for batch in (1, 7, 64):
        service = make_service(tmp_path / str(batch), extractor_batch_size=batch)
        ext, _ = service.register(model, image_metadata("m"), tenant=None)
        results.append(service.embed_images(ext, images))
    np.testing.assert_allclose(results[0], image_reference(model, images), rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


def test_image_shape_and_limits_are_checked(tmp_path: Path, make_service: MakeService) -> None:
    service = make_service(tmp_path, max_raw_items=10)
    ext, _ = service.register(image_model(), image_metadata("m"), tenant=None)
    with pytest.raises(InvalidInput) as bad_shape:
        service.embed_images(ext, np.zeros((2, 5, 4, 1), dtype=np.uint8))
    assert bad_shape.value.errors[0].field == "inputs.images.shape"
    with pytest.raises(PayloadTooLarge):
        service.embed_images(ext, np.zeros((11, 4, 4, 1), dtype=np.uint8))
    with pytest.raises(InvalidInput):
        service.embed_images(ext, np.full((2, 4, 4, 1), np.nan, dtype=np.float32))
    with pytest.raises(UnknownExtractor):
        service.resolve("nope", None)


def test_unbuilt_text_model_gives_a_clear_problem(tmp_path: Path,
                                                  make_service: MakeService) -> None:
    from transfer_advisor.errors import ExtractorUnavailable

    service = make_service(tmp_path)  # empty data dir: nothing built
    with pytest.raises(ExtractorUnavailable, match="extractors build"):
        service.resolve("minilm-l6-v2", None)


# ---- text: sorted batching must restore input order


def word_tokenizer() -> TextTokenizer:
    vocab = {"[PAD]": 0, "[UNK]": 1, **{w: i + 2 for i, w in enumerate("abcdefghij")}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return TextTokenizer(tok, max_length=6)


class RecordingSession:
    """Stands in for an ORT session: embedding = [sum of ids, token count, batch width]."""

    def __init__(self) -> None:
        self.widths: list[int] = []

    def get_inputs(self) -> list[Any]:
        from types import SimpleNamespace

        return [SimpleNamespace(name=n) for n in ("input_ids", "attention_mask", "token_type_ids")]

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids, mask, types = feeds["input_ids"], feeds["attention_mask"], feeds["token_type_ids"]
        assert not types.any()
        self.widths.append(ids.shape[1])
        width = np.full(len(ids), ids.shape[1])
        return [np.stack([(ids * mask).sum(1), mask.sum(1), width], axis=1).astype(np.float32)]


def test_texts_sorted_by_length_then_restored_to_input_order() -> None:
    tok = word_tokenizer()
    texts = ["a b c d e f g h i j", "a", "b c", "a b c d", "j", "c d e"]
    ids = tok.encode(texts)
    assert max(len(s) for s in ids) == 6  # truncated to max_length
    session = RecordingSession()
    out = embed_token_ids(session, tok, ids, "emb", batch_size=2)  # type: ignore[arg-type]
    np.testing.assert_array_equal(out[:, 0], [sum(s) for s in ids])
    np.testing.assert_array_equal(out[:, 1], [len(s) for s in ids])
    # Batches are padded only to their own longest member: [1, 1], [2, 3], [4, 6]; the longest
    # runs first (with concurrent workers the cheap batches make the tail).
    assert session.widths == [6, 3, 1]


class BarrierSession(RecordingSession):
    """Its first two runs wait for each other: only concurrent runs get past the barrier."""

    def __init__(self, fail_on_width: int | None = None) -> None:
        super().__init__()
        self.barrier = threading.Barrier(2, timeout=10)
        self.calls = 0
        self.lock = threading.Lock()
        self.fail_on_width = fail_on_width

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        with self.lock:
            self.calls += 1
            first_two = self.calls <= 2
        if first_two:
            self.barrier.wait()  # BrokenBarrierError when the runs are sequential
        if feeds["input_ids"].shape[1] == self.fail_on_width:
            raise RuntimeError("kernel failed")
        return super().run(names, feeds)


def test_concurrent_batches_give_the_sequential_result() -> None:
    tok = word_tokenizer()
    texts = ["a b c d e f g h i j", "a", "b c", "a b c d", "j", "c d e", "e f", "g h i j a"]
    ids = tok.encode(texts)
    sequential = embed_token_ids(RecordingSession(), tok, ids, "emb",  # type: ignore[arg-type]
                                 batch_size=2)
    done: list[int] = []
    session = BarrierSession()
    out = embed_token_ids(session, tok, ids, "emb", batch_size=2,  # type: ignore[arg-type]
                          progress=done.append, workers=2)
    np.testing.assert_array_equal(out, sequential)
    assert sum(done) == len(texts)
    assert len(done) == 4
    assert sorted(session.widths) == [1, 2, 4, 6]


def test_a_failing_concurrent_batch_raises() -> None:
    tok = word_tokenizer()
    ids = tok.encode(["a b c d e f", "a", "b c", "a b c d"])
    with pytest.raises(RuntimeError, match="kernel failed"):
        embed_token_ids(BarrierSession(fail_on_width=2), tok, ids, "emb",  # type: ignore[arg-type]
                        batch_size=2, workers=2)
