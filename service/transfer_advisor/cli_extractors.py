"""`transfer-advisor extractors list|register|build`, `embed` and `summarize`.

    transfer-advisor extractors list
    transfer-advisor extractors register model.onnx --metadata meta.json [--tokenizer tok.json]
    transfer-advisor extractors build            # needs: pip install -e '.[export]'
    transfer-advisor embed --extractor minilm-l6-v2 texts.jsonl -o emb.npy
    transfer-advisor summarize --extractor digits-cnn images.npz -o summary.json [--labels y.npy]

Texts: .jsonl, one JSON string or an object with a "text" field per line (or .txt, one text
per line). Images: .npy (n, h, w, c) or .npz (array "images", else the first array).
`summarize` writes {"count", "mean", "covariance"} (unbiased) — a DatasetSpec "summary" ready
for POST /assess — plus class_means/class_counts when --labels is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import AdvisorError
from .settings import Settings


class Progress:
    """A one-line stderr progress bar (no dependency); silent when stderr is not a TTY
    unless forced."""

    def __init__(self, total: int, label: str, enabled: bool | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        frac = self.done / max(self.total, 1)
        bar = "#" * int(30 * frac)
        rate = self.done / max(time.perf_counter() - self.start, 1e-9)
        sys.stderr.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total} {rate:.0f}/s")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def read_texts(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix != ".jsonl":
        return lines
    texts: list[str] = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if isinstance(item, dict):
            item = item.get("text")
        if not isinstance(item, str):
            raise SystemExit(f"{path}:{i}: expected a JSON string or an object with 'text'")
        texts.append(item)
    return texts


def read_images(path: Path) -> NDArray[Any]:
    data = np.load(path, allow_pickle=False)
    if isinstance(data, np.ndarray):
        return data
    with data:
        key = "images" if "images" in data.files else data.files[0]
        return np.asarray(data[key])


def _service(settings: Settings) -> Any:
    from .cli import _sessions
    from .services.extractors import ExtractorService

    return ExtractorService(settings, _sessions(settings))


def embed_file(settings: Settings, extractor: str, path: Path,
               progress: bool | None = None) -> tuple[NDArray[np.float32], dict[str, Any]]:
    service = _service(settings)
    ext = service.resolve(extractor, "--extractor")
    if ext.spec.modality == "text":
        texts = read_texts(path)
        out = service.embed_texts(ext, texts, str(path), Progress(len(texts), "embed", progress))
    else:
        images = read_images(path)
        out = service.embed_images(ext, images, str(path),
                                   Progress(len(images), "embed", progress))
    return out, ext.record()


def cmd_embed(args: argparse.Namespace) -> int:
    out, record = embed_file(Settings(), args.extractor, Path(args.input), args.progress)
    np.save(args.output, out)
    print(json.dumps({"output": args.output, "shape": list(out.shape), "extractor": record}))
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from .domain.summary import Summary

    out, record = embed_file(Settings(), args.extractor, Path(args.input), args.progress)
    labels = np.load(args.labels).astype(np.int64) if args.labels else None
    summary = Summary.from_rows(out.astype(np.float64), labels)
    body: dict[str, Any] = {"count": summary.count, "mean": summary.mean.tolist(),
                            "covariance": summary.cov.tolist()}
    if summary.class_counts is not None and summary.class_means is not None:
        body["class_counts"] = summary.class_counts.tolist()
        body["class_means"] = summary.class_means.tolist()
    text = json.dumps({"summary": body, "extractor": record})
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(json.dumps({"output": args.output, "count": summary.count, "dim": summary.dim}))
    else:
        print(text)
    return 0


def cmd_extractors(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.action == "build":
        from .extractors.build import build_all
        from .extractors.bundled import bundled_dir

        out_dir = bundled_dir(settings.data_dir)
        shas = build_all(out_dir, update_manifest=args.update_manifest,
                         log=lambda msg: print(msg, file=sys.stderr))
        print(json.dumps({"data_dir": str(out_dir), "sha256": shas}, indent=2))
        return 0
    service = _service(settings)
    if args.action == "list":
        for ext in service.list():
            state = "ok" if ext.available else f"unavailable: {ext.reason}"
            sha = (ext.sha256 or "-")[:12]
            print(f"{ext.name:<22} {ext.spec.modality:<6} dim={ext.spec.output_dim:<5} "
                  f"sha256={sha:<12} {'bundled' if ext.bundled else 'registered'}  {state}")
        return 0
    meta = json.loads(Path(args.metadata).read_text(encoding="utf-8"))
    tok = Path(args.tokenizer).read_bytes() if args.tokenizer else None
    ext, created = service.register(Path(args.model).read_bytes(), meta, tok)
    print(json.dumps({"created": created, **ext.as_dict()}, indent=2))
    return 0


def _guard(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            code: int = func(args)
        except AdvisorError as err:
            print(f"error: {err.title}: {err.detail}", file=sys.stderr)
            return 2
        return code

    return run


def add_parsers(sub: Any) -> None:
    """Register `extractors`, `embed` and `summarize` on the top-level subparsers."""
    ex = sub.add_parser("extractors", help="list, register or build ONNX feature extractors")
    ex_sub = ex.add_subparsers(dest="action", required=True)
    ex_sub.add_parser("list", help="bundled and registered extractors")
    reg = ex_sub.add_parser("register", help="validate and store an ONNX model")
    reg.add_argument("model")
    reg.add_argument("--metadata", required=True, help="JSON file as in POST /extractors")
    reg.add_argument("--tokenizer", help="tokenizer.json (text extractors)")
    build = ex_sub.add_parser("build", help="build the bundled text model into the data dir")
    build.add_argument("--update-manifest", action="store_true",
                       help="record the new sha256 values in the committed manifest")
    ex.set_defaults(func=_guard(cmd_extractors))

    for name, func, helptext in (
            ("embed", cmd_embed, "embed texts (.jsonl/.txt) or images (.npy/.npz) to .npy"),
            ("summarize", cmd_summarize, "embed, then write a summary JSON for POST /assess")):
        p = sub.add_parser(name, help=helptext, description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("input")
        p.add_argument("--extractor", required=True)
        p.add_argument("--output", "-o", required=(name == "embed"))
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress line on stderr (default: when stderr is a terminal)")
        if name == "summarize":
            p.add_argument("--labels", help=".npy of int labels for the first rows")
        p.set_defaults(func=_guard(func))
