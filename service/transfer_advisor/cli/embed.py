"""`transfer-advisor embed` and `summarize`: raw texts or images through an extractor."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..settings import Settings
from .common import EXIT_OK, InputFileError, LazyDatabase, add_command

INPUT_FORMATS = """
Texts: .jsonl, one JSON string or an object with a "text" field per line (or .txt, one text
per line). Images: .npy (n, h, w, c) or .npz (array "images", else the first array).
"""

EMBED = """Embed texts or images with an ONNX extractor and save the rows as .npy.

    transfer-advisor embed --extractor minilm-l6-v2 texts.jsonl -o emb.npy

Prints {"output", "shape", "extractor"} as JSON.
""" + INPUT_FORMATS

SUMMARIZE = """Embed texts or images, then write only their summary: a DatasetSpec "summary"
for POST /assess, so the rows never leave this machine.

    transfer-advisor summarize --extractor digits-cnn images.npz -o summary.json [--labels y.npy]

Writes {"summary": {"count", "mean", "covariance"}, "extractor"} (covariance unbiased), plus
class_means/class_counts when --labels gives the labels of the first rows.
""" + INPUT_FORMATS


def register(sub: Any) -> None:
    for name, func, helptext, description in (
            ("embed", embed, "embed texts (.jsonl/.txt) or images (.npy/.npz) to .npy", EMBED),
            ("summarize", summarize, "embed, then write a summary JSON for POST /assess",
             SUMMARIZE)):
        p = add_command(sub, name, helptext, func, description=description)
        p.add_argument("input")
        p.add_argument("--extractor", required=True)
        p.add_argument("--output", "-o", required=(name == "embed"))
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress line on stderr (default: when stderr is a terminal)")
        if name == "summarize":
            p.add_argument("--labels", help=".npy of int labels for the first rows")


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
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{i}: not JSON ({exc.msg})") from None
        if isinstance(item, dict):
            item = item.get("text")
        if not isinstance(item, str):
            raise InputFileError(f"{path}:{i}: expected a JSON string or an object with 'text'")
        texts.append(item)
    return texts


def read_images(path: Path) -> NDArray[Any]:
    try:
        data = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise InputFileError(f"{path}: not a plain .npy/.npz array ({exc})") from None
    if isinstance(data, np.ndarray):
        return data
    with data:
        key = "images" if "images" in data.files else data.files[0]
        return np.asarray(data[key])


def embed_file(settings: Settings, extractor: str, path: Path,
               progress: bool | None = None) -> tuple[NDArray[np.float32], dict[str, Any]]:
    """Rows of one file through `extractor`, and the record of the extractor used.

    The database is opened (and migrated) only to look up a shared (operator-registered)
    extractor; tenants' own extractors are used through the API."""
    from ..services.extractors import ExtractorService

    service = ExtractorService(settings, LazyDatabase(settings))
    ext = service.resolve(extractor, None, "--extractor")
    if ext.spec.modality == "text":
        texts = read_texts(path)
        out = service.embed_texts(ext, texts, str(path), Progress(len(texts), "embed", progress))
    else:
        images = read_images(path)
        out = service.embed_images(ext, images, str(path),
                                   Progress(len(images), "embed", progress))
    return out, ext.record()


def embed(args: argparse.Namespace) -> int:
    out, record = embed_file(Settings(), args.extractor, Path(args.input), args.progress)
    np.save(args.output, out)
    print(json.dumps({"output": args.output, "shape": list(out.shape), "extractor": record}))
    return EXIT_OK


def summarize(args: argparse.Namespace) -> int:
    from ..domain.summary import Summary

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
    return EXIT_OK
