"""`transfer-advisor assess`: assess two dataset files, locally or against a running server.

Each side is one file:
- `.npy`: an (n, d) float array of embeddings;
- `.jsonl`: one row per line, either a JSON list of d numbers or an object
  `{"embedding": [...], "label": int}` (labeled rows first: labels label the leading rows);
- `.json`: a summary `{"count", "mean", "covariance", ...}` (also wrapped as `{"summary": {...}}`,
  as `transfer-advisor summarize` writes it) or a JSON list of rows;
- `.csv`/`.parquet`: numeric embedding columns, plus an optional `label` column (labeled rows
  first, empty cells after them); needs `pip install 'transfer-advisor[tables]'`.

Defaults: --labeled-examples is the number of target labels, or the sum of a target summary's
class_counts; --num-classes is the number of distinct target labels (as the service counts
them), or the length of class_counts.

Locally the same code path as POST /assess runs (`services.assess.evaluate`), without a database;
with `--server URL` the request goes over HTTP and the stored record comes back.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pybase64
from numpy.typing import NDArray

from ..domain.vocabulary import Modality
from ..library.assess import encode_summary
from ..library.result import render_table
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    HANDLED,
    InputFileError,
    Stages,
    add_command,
    input_file,
    json_lines,
    report_error,
)
from .tables import TABLE_SUFFIXES

__all__ = ["EXIT_REFUSED", "EXIT_USAGE", "InputFileError", "Refused", "assess_local", "assess_remote",
           "build_request", "load_dataset", "read_labels", "register", "render_problem",
           "render_table", "run"]

MODALITIES = tuple(Modality)
EXIT_CODES = ("exit codes: 0 assessed; 1 the service refused the request or failed (the "
              "problem on stderr); 2 bad arguments or an unusable file")


# ---------------------------------------------------------------------------------------------
# Files → wire specs


def _matrix_wire(x: NDArray[Any]) -> dict[str, Any]:
    # float32 stays float32 on the wire (half the bytes); everything else goes as float64.
    dtype = "float32" if x.dtype == np.float32 else "float64"
    wire = np.ascontiguousarray(x, dtype="<f4" if dtype == "float32" else "<f8")
    return {"shape": list(x.shape), "dtype": dtype, "data": pybase64.b64encode_as_string(wire.data)}


def _check_rows(x: NDArray[Any], path: Path) -> NDArray[Any]:
    if x.ndim != 2:
        raise InputFileError(f"{path}: expected an (n, d) array of embeddings, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise InputFileError(f"{path}: expected real numbers, got dtype {x.dtype}")
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)


def _read_jsonl(path: Path) -> tuple[NDArray[Any], list[int] | None]:
    rows: list[Any] = []
    labels: list[int] = []
    unlabeled_seen = False
    with path.open(encoding="utf-8") as fh:
        for lineno, item in json_lines(fh, path):
            if isinstance(item, dict):
                if "embedding" not in item:
                    raise InputFileError(f"{path}:{lineno}: object without an 'embedding' key")
                rows.append(item["embedding"])
                label = item.get("label")
            else:
                rows.append(item)
                label = None
            if label is None:
                unlabeled_seen = True
            elif unlabeled_seen:
                raise InputFileError(f"{path}:{lineno}: labeled row after an unlabeled one; "
                                     "put the labeled rows first")
            elif not isinstance(label, int) or isinstance(label, bool) or label < 0:
                raise InputFileError(f"{path}:{lineno}: label must be a non-negative integer")
            else:
                labels.append(label)
    try:
        x = np.asarray(rows, dtype=np.float64)
    except (ValueError, TypeError):
        raise InputFileError(f"{path}: rows are not all lists of the same number of values") from None
    return _check_rows(x, path), labels or None


def _read_json(path: Path) -> dict[str, Any]:
    """A summary spec or embeddings, as a partial DatasetSpec (without its name)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not JSON ({exc.msg})") from None
    if isinstance(doc, list):
        try:
            x = np.asarray(doc, dtype=np.float64)
        except (ValueError, TypeError):
            raise InputFileError(f"{path}: rows are not all lists of the same length") from None
        return {"embeddings": _matrix_wire(_check_rows(x, path))}
    if isinstance(doc, dict) and isinstance(doc.get("summary"), dict):
        doc = doc["summary"]
    if isinstance(doc, dict) and {"count", "mean", "covariance"} <= doc.keys():
        keep = ("count", "mean", "covariance", "class_means", "class_counts")
        # sent encoded (base64 float64, lossless): no JSON number to parse per entry
        return {"summary": encode_summary({k: doc[k] for k in keep if doc.get(k) is not None})}
    raise InputFileError(f"{path}: expected a summary with count, mean and covariance, "
                         "or a list of rows")


def read_labels(path: Path) -> list[int]:
    """Integer labels from .npy (1-D), .json (a list) or text (whitespace/newline separated)."""
    input_file(path)
    try:
        if path.suffix == ".npy":
            values: Any = np.load(path, allow_pickle=False)
        elif path.suffix == ".json":
            values = json.loads(path.read_text(encoding="utf-8"))
        else:
            values = path.read_text(encoding="utf-8").split()
        y = np.asarray(values)
        if y.ndim != 1:
            raise ValueError("not one-dimensional")
        ints = y.astype(np.int64)
        if y.dtype.kind == "f" and not np.array_equal(ints, y):
            raise ValueError("not integers")
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: expected a list of integer labels ({exc})") from None
    if (ints < 0).any():
        raise InputFileError(f"{path}: labels must be non-negative")
    return [int(v) for v in ints]


def load_dataset(path: Path, name: str | None = None, labels_path: Path | None = None) -> dict[str, Any]:
    """One side of POST /assess (a DatasetSpec as JSON) from a file, plus optional labels."""
    input_file(path)
    spec: dict[str, Any] = {"name": name or path.stem}
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            x = np.load(path, allow_pickle=False)
        except ValueError as exc:
            raise InputFileError(f"{path}: not a plain .npy array ({exc})") from None
        spec["embeddings"] = _matrix_wire(_check_rows(x, path))
    elif suffix == ".jsonl":
        x, labels = _read_jsonl(path)
        spec["embeddings"] = _matrix_wire(x)
        if labels:
            spec["labels"] = labels
    elif suffix == ".json":
        spec.update(_read_json(path))
    elif suffix in TABLE_SUFFIXES:
        from .tables import table_embeddings

        x, labels = table_embeddings(path)
        spec["embeddings"] = _matrix_wire(x)
        if labels:
            spec["labels"] = labels
    else:
        raise InputFileError(f"{path}: use .npy, .jsonl, .csv, .parquet or a summary .json")
    if labels_path is not None:
        if "summary" in spec:
            raise InputFileError(f"{labels_path}: labels need rows, but {path} is a summary "
                                 "(put class_means/class_counts in the summary instead)")
        spec["labels"] = read_labels(labels_path)
    return spec


def read_matrix(path: Path) -> NDArray[Any]:
    """An (n, d) array from .npy or a JSON list of rows."""
    input_file(path)
    try:
        if path.suffix.lower() == ".npy":
            x = np.load(path, allow_pickle=False)
        else:
            x = np.asarray(json.loads(path.read_text("utf-8")), dtype=np.float64)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InputFileError(f"{path}: expected a .npy array or a JSON list of rows ({exc})") from None
    return _check_rows(x, path)


def build_request(args: argparse.Namespace) -> dict[str, Any]:
    """The POST /assess body the flags describe."""
    from ..library.assess import fill_task_defaults

    source = load_dataset(Path(args.source), args.source_name,
                          Path(args.source_labels) if args.source_labels else None)
    target = load_dataset(Path(args.target), args.target_name,
                          Path(args.target_labels) if args.target_labels else None)
    if args.source_probs:
        target["source_probs"] = _matrix_wire(read_matrix(Path(args.source_probs)))
    if args.scratch_features:
        target["scratch_features"] = _matrix_wire(read_matrix(Path(args.scratch_features)))
    classification = args.task_type == "classification"
    task: dict[str, Any] = {
        "type": args.task_type,
        "num_classes": args.num_classes,
        "labeled_examples": args.labeled_examples,
        "source_modality": args.source_modality or args.modality,
        "target_modality": args.target_modality or args.modality,
    }
    fill_task_defaults(task, target)  # from a target summary's class_counts
    if not classification:
        task["num_classes"] = None
    if args.compute_budget is not None:
        task["compute_budget_gpu_hours"] = args.compute_budget
    options: dict[str, Any] = {"permutations": args.permutations, "seed": args.seed}
    if args.metrics:
        options["metrics"] = [m.strip() for m in args.metrics.split(",") if m.strip()]
    if args.kernel_bandwidth is not None:
        options["kernel_bandwidth"] = args.kernel_bandwidth
    body: dict[str, Any] = {"source": source, "target": target, "task": task, "options": options}
    if args.extractor:
        body["extractor"] = args.extractor
    return body


# ---------------------------------------------------------------------------------------------
# Running: locally or over HTTP


class Refused(Exception):
    """The assessment was refused (bad input, auth, server error); carries a problem document."""

    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail") or problem.get("title") or "refused")
        self.problem = problem


def assess_local(body: dict[str, Any]) -> dict[str, Any]:
    """POST /assess's computation in-process: no server, no database, nothing stored."""
    from ..errors import AdvisorError
    from ..library.assess import run_request

    try:
        request, evaluation = run_request(body)
    except AdvisorError as exc:
        raise Refused({"status": exc.status, "title": exc.title, "detail": exc.detail,
                       "errors": [e.as_dict() for e in exc.errors]}) from None
    return {"id": None, **evaluation.evaluated_fields(request)}


def assess_remote(body: dict[str, Any], server: str, api_key: str | None = None,
                  idempotency_key: str | None = None, timeout: float = 300.0,
                  http: Any = None, path: str = "/assess") -> dict[str, Any]:
    """POST the body to `server` + `path`; the stored record, or Refused with the problem.

    `http` is an open httpx.Client to use instead of one built for `server` (tests pass one).
    """
    import httpx

    headers = {"accept": "application/json"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    if idempotency_key:
        headers["idempotency-key"] = idempotency_key
    try:
        if http is not None:
            response = http.post(path, json=body, headers=headers)
        else:
            with httpx.Client(base_url=server.rstrip("/"), timeout=timeout) as own:
                response = own.post(path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise Refused({"status": None, "title": "Server unreachable",
                       "detail": f"{server}: {exc}"}) from None
    try:
        payload: Any = response.json()
    except ValueError:
        payload = {"detail": response.text[:500]}
    if response.status_code != 201:
        problem = payload if isinstance(payload, dict) else {"detail": str(payload)}
        raise Refused({"status": response.status_code, **problem})
    result: dict[str, Any] = payload
    return result


# ---------------------------------------------------------------------------------------------
# Output


def render_problem(problem: dict[str, Any]) -> str:
    status = problem.get("status")
    lines = [f"error{f' {status}' if status else ''}: {problem.get('title', 'refused')}: "
             f"{problem.get('detail', '')}"]
    lines += [f"  {e.get('field')}: {e.get('message')}" for e in problem.get("errors") or []]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# argparse wiring


def register(sub: Any) -> None:
    p = add_command(sub, "assess", "assess a source/target pair from files (locally or via "
                    "--server)", run, description=__doc__, epilog=EXIT_CODES)
    p.add_argument("--source", required=True, help=".npy, .jsonl, .csv, .parquet or summary .json")
    p.add_argument("--target", required=True, help=".npy, .jsonl, .csv, .parquet or summary .json")
    p.add_argument("--source-name", help="default: the file name without extension")
    p.add_argument("--target-name", help="default: the file name without extension")
    p.add_argument("--source-labels", help="labels of the first source rows (.npy, .json or text)")
    p.add_argument("--target-labels", help="labels of the first target rows (.npy, .json or text)")
    p.add_argument("--source-probs", help="source model's class probabilities on the labeled "
                                          "target rows (.npy or .json), for leep/nce")
    p.add_argument("--scratch-features",
                   help="simple features of the target rows a model from scratch would see "
                        "(pixels, TF-IDF; .npy or .json, one row per target row): the scratch "
                        "proxy, the evidence that the task may be simple enough for scratch")
    p.add_argument("--task-type", choices=["classification", "regression"], default="classification")
    p.add_argument("--num-classes", type=int, help="default: the number of distinct target "
                                                   "labels, or of a target summary's class_counts")
    p.add_argument("--labeled-examples", type=int,
                   help="labeled target examples available for training (default: target labels "
                        "given, or the sum of a target summary's class_counts)")
    p.add_argument("--modality", choices=MODALITIES, default="other",
                   help="both sides' modality unless --source/--target-modality say otherwise")
    p.add_argument("--source-modality", choices=MODALITIES)
    p.add_argument("--target-modality", choices=MODALITIES)
    p.add_argument("--compute-budget", type=float, metavar="GPU_HOURS")
    p.add_argument("--metrics", help="comma-separated metric names (default: the service's set)")
    p.add_argument("--permutations", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--kernel-bandwidth", type=float)
    p.add_argument("--extractor", help="registered extractor name (server mode)")
    p.add_argument("--server", help="base URL of a running service, e.g. http://127.0.0.1:8000; "
                                    "default: assess locally, nothing stored")
    p.add_argument("--api-key", default=os.environ.get("TRANSFER_ADVISOR_API_KEY"),
                   help="Bearer key for --server (default: $TRANSFER_ADVISOR_API_KEY)")
    p.add_argument("--idempotency-key", help="sent as Idempotency-Key with --server")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds, with --server")
    p.add_argument("--json", action="store_true", help="print the result as JSON (for scripts)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="elapsed time per stage on stderr (default: when stderr is a terminal)")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None,
        remote: Callable[..., dict[str, Any]] | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    stage = Stages("assess", args.progress, err)
    try:
        with stage("reading files"):
            body = build_request(args)
    except HANDLED as exc:
        return report_error(exc, err)
    try:
        if args.server:
            with stage(f"waiting for {args.server}"):
                result = (remote or assess_remote)(body, args.server, args.api_key,
                                                   args.idempotency_key, args.timeout)
        else:
            with stage(f"computing metrics ({_sizes(body)})"):
                result = assess_local(body)
    except Refused as exc:
        if args.json:
            out.write(json.dumps({"problem": exc.problem}, indent=2) + "\n")
        err.write(render_problem(exc.problem))
        return EXIT_REFUSED
    out.write(json.dumps(result, indent=2, sort_keys=True) + "\n" if args.json else render_table(result))
    return EXIT_OK


def _sizes(body: dict[str, Any]) -> str:
    def size(spec: dict[str, Any]) -> str:
        if "summary" in spec:
            return f"summary of {spec['summary'].get('count')}"
        shape = spec["embeddings"]["shape"]
        return f"{shape[0]} × {shape[1]}"

    return f"source {size(body['source'])}, target {size(body['target'])}"
