"""`transfer-advisor embed` and `summarize`: raw texts or images through an extractor."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..settings import Settings
from .common import (
    EXIT_OK,
    CliError,
    InputFileError,
    LazyDatabase,
    Progress,
    add_command,
    input_file,
    json_lines,
    output_file,
)

if TYPE_CHECKING:
    from ..extractors.spec import ExtractorSpec
    from ..services.extractors import Extractor, ExtractorService

INPUT_FORMATS = """
Texts: .jsonl (one JSON string or an object with a "text" field per line), .txt (one text per
line), or .csv/.parquet (a "text" column). Images: .npy (n, h, w, c) or .npz (array "images",
else the first array); (n, h, w) when the extractor takes one channel; or .csv/.parquet with
one flattened image per row. CSV and Parquet need: pip install 'transfer-advisor[tables]'.

Run locally, any number of inputs is embedded, in parts within the per-request limits
TRANSFER_ADVISOR_MAX_RAW_ITEMS, TRANSFER_ADVISOR_MAX_IMAGE_VALUES and
TRANSFER_ADVISOR_MAX_TOTAL_TEXT_CHARS; one text over TRANSFER_ADVISOR_MAX_TEXT_CHARS is refused.
"""

EMBED = """Embed texts or images with an ONNX extractor and save the rows as .npy.

    transfer-advisor embed --extractor minilm-l6-v2 texts.jsonl -o emb.npy

Prints {"output", "shape", "extractor"} as JSON.
""" + INPUT_FORMATS

SUMMARIZE = """Embed texts or images, then write only their summary: a DatasetSpec "summary"
for POST /assess, so the rows never leave this machine.

    transfer-advisor summarize --extractor digits-cnn images.npz -o summary.json [--labels y.npy]

Writes {"summary": {"count", "mean", "covariance"}, "extractor"} (covariance unbiased), plus
class_means/class_counts when --labels gives the integer labels of the first rows.
""" + INPUT_FORMATS

TEXT_SUFFIXES = (".jsonl", ".txt", ".csv", ".parquet")
IMAGE_SUFFIXES = (".npy", ".npz", ".csv", ".parquet")


def register(sub: Any) -> None:
    for name, func, helptext, description in (
            ("embed", embed, "embed texts (.jsonl/.txt/.csv) or images (.npy/.npz) to .npy",
             EMBED),
            ("summarize", summarize, "embed, then write a summary JSON for POST /assess",
             SUMMARIZE)):
        p = add_command(sub, name, helptext, func, description=description)
        p.add_argument("input")
        p.add_argument("--extractor", required=True)
        p.add_argument("--output", "-o", required=(name == "embed"))
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress line on stderr (default: when stderr is a terminal)")
        if name == "summarize":
            p.add_argument("--labels", help="integer labels of the first rows (.npy, .json "
                                            "or text)")


# ---------------------------------------------------------------------------------------------
# Reading


def read_texts(path: Path) -> list[str]:
    if path.suffix.lower() in (".csv", ".parquet"):
        from .tables import table_texts

        return table_texts(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None
    if path.suffix != ".jsonl":
        return lines
    texts: list[str] = []
    for i, item in json_lines(lines, path):
        if isinstance(item, dict):
            item = item.get("text")
        if not isinstance(item, str):
            raise InputFileError(f"{path}:{i}: expected a JSON string or an object with 'text'")
        texts.append(item)
    return texts


def read_images(path: Path, spec: ExtractorSpec | None = None) -> NDArray[Any]:
    """The images of a .npy/.npz (memory-mapped: read a part at a time) or of a table."""
    if path.suffix.lower() in (".csv", ".parquet"):
        from .tables import table_images

        if spec is None:
            raise InputFileError(f"{path}: a table of images needs the extractor's shape")
        return table_images(path, spec.input_shape)
    try:
        data = np.load(path, allow_pickle=False,
                       mmap_mode="r" if path.suffix.lower() == ".npy" else None)
    except (ValueError, OSError) as exc:
        raise InputFileError(f"{path}: not a plain .npy/.npz array ({exc})") from None
    if isinstance(data, np.ndarray):
        return data
    with data:
        if not data.files:
            raise InputFileError(f"{path}: holds no array")
        key = "images" if "images" in data.files else data.files[0]
        return np.asarray(data[key])


def fit_to_extractor(images: NDArray[Any], spec: ExtractorSpec) -> NDArray[Any]:
    """Add the channel axis to (n, h, w) when the extractor takes [n, h, w, 1]."""
    shape = spec.input_shape
    if images.ndim == len(shape) - 1 and shape[-1] == 1:
        return images[..., np.newaxis]
    return images


def check_suffix(path: Path, ext: Extractor) -> None:
    """A file of the kind the extractor takes, or a message saying which files it takes."""
    suffix = path.suffix.lower()
    if ext.spec.modality == "text":
        if suffix in (".npy", ".npz"):
            raise InputFileError(f"{path}: extractor '{ext.name}' takes texts; give "
                                 f"{', '.join(TEXT_SUFFIXES)}")
    elif suffix not in IMAGE_SUFFIXES:
        raise InputFileError(f"{path}: extractor '{ext.name}' takes {ext.spec.modality} arrays; "
                             f"give {', '.join(IMAGE_SUFFIXES)} (not {suffix or 'no suffix'})")


def read_inputs(path: Path, ext: Extractor) -> list[str] | NDArray[Any]:
    check_suffix(path, ext)
    if ext.spec.modality == "text":
        return read_texts(path)
    return fit_to_extractor(read_images(path, ext.spec), ext.spec)


# ---------------------------------------------------------------------------------------------
# Embedding in parts, each within the per-request limits of the service


def parts(sizes: Sequence[int], max_items: int, max_total: int) -> list[slice]:
    """Consecutive slices of at most `max_items` items and `max_total` summed size each."""
    out, start, total = [], 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= max_items or total + size > max_total):
            out.append(slice(start, i))
            start, total = i, 0
        total += size
    if start < len(sizes):
        out.append(slice(start, len(sizes)))
    return out


def embed_inputs(service: ExtractorService, ext: Extractor, inputs: list[str] | NDArray[Any],
                 where: str, progress: Callable[[int], None]) -> NDArray[np.float32]:
    """All inputs through `ext`, in parts the service accepts; rows in input order."""
    lim = service.settings
    if isinstance(inputs, list):
        for i, text in enumerate(inputs):
            if len(text) > lim.max_text_chars:
                raise CliError(f"{where}: text {i + 1} has {len(text)} characters; the limit "
                               f"is {lim.max_text_chars} (TRANSFER_ADVISOR_MAX_TEXT_CHARS)")
        slices = parts([len(t) for t in inputs], lim.max_raw_items, lim.max_total_text_chars)

        def run_texts(sl: slice) -> NDArray[np.float32]:
            return service.embed_texts(ext, inputs[sl], where, progress)

        return _stack(slices, run_texts, ext)
    per_image = int(np.prod(inputs.shape[1:], dtype=np.int64))
    slices = parts([per_image] * len(inputs), lim.max_raw_items,
                   max(lim.max_image_values, per_image))

    def run_images(sl: slice) -> NDArray[np.float32]:
        return service.embed_images(ext, np.asarray(inputs[sl]), where, progress)

    return _stack(slices, run_images, ext)


def _stack(slices: list[slice], run: Callable[[slice], NDArray[np.float32]],
           ext: Extractor) -> NDArray[np.float32]:
    if not slices:
        raise CliError(f"no inputs to embed (extractor '{ext.name}')")
    return np.concatenate([run(sl) for sl in slices], axis=0)


def embed_file(settings: Settings, extractor: str, path: Path, progress: bool | None = None,
               labels: Path | None = None
               ) -> tuple[NDArray[np.float32], dict[str, Any], list[int] | None]:
    """Rows of one file through `extractor`, the record of the extractor used, and the labels
    (checked against the number of inputs before any embedding).

    The database is opened (and migrated) only to look up a shared (operator-registered)
    extractor; tenants' own extractors are used through the API."""
    from ..services.extractors import ExtractorService
    from .assess import read_labels

    path = input_file(path)
    y = read_labels(labels) if labels is not None else None
    service = ExtractorService(settings, LazyDatabase(settings))
    ext = service.resolve(extractor, None, "--extractor")  # bundled and shared only
    inputs = read_inputs(path, ext)
    if y is not None and len(y) > len(inputs):
        raise InputFileError(f"{labels}: {len(y)} labels for {len(inputs)} inputs in {path}")
    out = embed_inputs(service, ext, inputs, str(path), Progress(len(inputs), "embed", progress))
    return out, ext.record(), y


def embed(args: argparse.Namespace) -> int:
    output = Path(args.output)
    # np.save appends .npy; done here so the name printed is the file written.
    if output.suffix != ".npy" and not output.is_dir():
        output = output.with_name(output.name + ".npy")
    output_file(output)
    out, record, _ = embed_file(Settings(), args.extractor, Path(args.input), args.progress)
    np.save(output, out)
    print(json.dumps({"output": str(output), "shape": list(out.shape), "extractor": record}))
    return EXIT_OK


def summarize(args: argparse.Namespace) -> int:
    from ..library.summary import summarize as summarize_rows

    output = output_file(args.output) if args.output else None
    out, record, labels = embed_file(Settings(), args.extractor, Path(args.input), args.progress,
                                     Path(args.labels) if args.labels else None)
    summary = summarize_rows(out.astype(np.float64), labels)
    text = json.dumps({"summary": summary.to_dict(), "extractor": record})
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        print(json.dumps({"output": str(output), "count": summary.count, "dim": summary.dim}))
    else:
        print(text)
    return EXIT_OK
