"""`transfer-advisor rank`: rank candidate sources for one target, locally or against a server.

    transfer-advisor rank --target target.npy --target-labels y.txt \\
        --candidate imagenet=imagenet_src.npy --candidate places=places_src.jsonl [--server URL]

`--candidate NAME=FILE` gives a candidate's source data (files as `assess` reads them: .npy,
.jsonl, .csv/.parquet, a summary .json), in the target's embedding space. To rank extractors
or models whose embeddings of the target differ, give the target's rows under each with
`--candidate-target NAME=FILE` (a candidate may have both). `--source-labels NAME=FILE` labels
the first rows of a candidate's source. Candidates keep the order in which their names first
appear; 2 to 16 of them.

Locally the same code path as POST /rank runs (`services.rank.evaluate_ranking`), nothing is
stored; with `--server URL` the request goes over HTTP and the stored ranking comes back.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .assess import (
    MODALITIES,
    Refused,
    _matrix_wire,
    assess_remote,
    load_dataset,
    read_labels,
    read_matrix,
    render_problem,
)
from .common import EXIT_OK, EXIT_REFUSED, HANDLED, CliError, Stages, add_command, report_error

EXIT_CODES = ("exit codes: 0 ranked; 1 the service refused the request or failed (the problem "
              "on stderr); 2 bad arguments or an unusable file")


def _pairs(values: list[str] | None, flag: str) -> list[tuple[str, str]]:
    out = []
    for value in values or []:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise CliError(f"{flag} takes NAME=FILE, got {value!r}")
        out.append((name, path))
    return out


def build_request(args: argparse.Namespace) -> dict[str, Any]:
    """The POST /rank body the flags describe."""
    from ..library.assess import fill_task_defaults

    target = load_dataset(Path(args.target), args.target_name,
                          Path(args.target_labels) if args.target_labels else None)
    if args.scratch_features:
        target["scratch_features"] = _matrix_wire(read_matrix(Path(args.scratch_features)))
    candidates: dict[str, dict[str, Any]] = {}
    for name, path in _pairs(args.candidate, "--candidate"):
        if "source" in candidates.get(name, {}):
            raise CliError(f"--candidate {name} given twice")
        candidates.setdefault(name, {"name": name})["source"] = load_dataset(Path(path), name)
    for name, path in _pairs(args.candidate_target, "--candidate-target"):
        spec = load_dataset(Path(path), f"{target['name']}@{name}")
        spec.pop("labels", None)  # the top-level target's labels count
        candidates.setdefault(name, {"name": name})["target"] = spec
    for name, path in _pairs(args.source_labels, "--source-labels"):
        source = candidates.get(name, {}).get("source")
        if source is None:
            raise CliError(f"--source-labels {name}: no --candidate {name}=FILE")
        source["labels"] = read_labels(Path(path))
    task: dict[str, Any] = {
        "type": args.task_type, "num_classes": args.num_classes,
        "labeled_examples": args.labeled_examples,
        "source_modality": args.source_modality or args.modality,
        "target_modality": args.target_modality or args.modality}
    fill_task_defaults(task, target)
    if args.task_type != "classification":
        task["num_classes"] = None
    options: dict[str, Any] = {"permutations": args.permutations, "seed": args.seed}
    if args.metrics:
        options["metrics"] = [m.strip() for m in args.metrics.split(",") if m.strip()]
    return {"target": target, "candidates": list(candidates.values()), "task": task,
            "options": options}


def rank_local(body: dict[str, Any]) -> dict[str, Any]:
    """POST /rank's computation in-process: no server, no database, nothing stored."""
    from pydantic import ValidationError

    from ..errors import AdvisorError
    from ..library.assess import _field_errors
    from ..schemas.rank import RankRequest
    from ..services.rank import evaluate_ranking
    from ..settings import Settings

    try:
        request = RankRequest.model_validate(body)
        ranking = evaluate_ranking(request, Settings(migrate_on_start=False))
    except ValidationError as exc:
        errors = [e.as_dict() for e in _field_errors(exc)]
        raise Refused({"status": 422, "title": "Input is not usable", "errors": errors,
                       "detail": "invalid field(s): " + ", ".join(e["field"] for e in errors[:5])
                       }) from None
    except AdvisorError as exc:
        raise Refused({"status": exc.status, "title": exc.title, "detail": exc.detail,
                       "errors": [e.as_dict() for e in exc.errors]}) from None
    return {"id": None, "target_name": request.target.name,
            "items": ranking.items(),
            "separated_by": ranking.separation.evidence, "reasons": [ranking.separation.reason],
            "policy_version": ranking.policy_version}


def register(sub: Any) -> None:
    p = add_command(sub, "rank", "rank candidate sources for one target from files (locally or "
                    "via --server)", run, description=__doc__, epilog=EXIT_CODES)
    p.add_argument("--target", required=True, help=".npy, .jsonl, .csv, .parquet or summary .json")
    p.add_argument("--target-name", help="default: the file name without extension")
    p.add_argument("--target-labels", help="labels of the first target rows (.npy, .json or text)")
    p.add_argument("--scratch-features", help="simple features of the labeled target rows "
                                              "(.npy or .json): the scratch proxy")
    p.add_argument("--candidate", action="append", metavar="NAME=FILE",
                   help="a candidate's source data (repeat per candidate)")
    p.add_argument("--candidate-target", action="append", metavar="NAME=FILE",
                   help="the target's rows under candidate NAME (e.g. its extractor's)")
    p.add_argument("--source-labels", action="append", metavar="NAME=FILE",
                   help="labels of the first rows of candidate NAME's source")
    p.add_argument("--task-type", choices=["classification", "regression"],
                   default="classification")
    p.add_argument("--num-classes", type=int)
    p.add_argument("--labeled-examples", type=int)
    p.add_argument("--modality", choices=MODALITIES, default="other")
    p.add_argument("--source-modality", choices=MODALITIES)
    p.add_argument("--target-modality", choices=MODALITIES)
    p.add_argument("--metrics", help="comma-separated metric names (default: the service's set)")
    p.add_argument("--permutations", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--server", help="base URL of a running service; default: rank locally")
    p.add_argument("--api-key", default=os.environ.get("TRANSFER_ADVISOR_API_KEY"),
                   help="Bearer key for --server (default: $TRANSFER_ADVISOR_API_KEY)")
    p.add_argument("--idempotency-key", help="sent as Idempotency-Key with --server")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds, with --server")
    p.add_argument("--json", action="store_true", help="print the ranking as JSON")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None,
        remote: Callable[..., dict[str, Any]] | None = None) -> int:
    from ..library.rank import render_ranking

    out, err = out or sys.stdout, err or sys.stderr
    stage = Stages("rank", args.progress, err)
    try:
        with stage("reading files"):
            body = build_request(args)
    except HANDLED as exc:
        return report_error(exc, err)
    try:
        if args.server:
            with stage(f"waiting for {args.server}"):
                result = (remote or assess_remote)(body, args.server, args.api_key,
                                                   args.idempotency_key, args.timeout,
                                                   path="/rank")
        else:
            with stage(f"ranking {len(body['candidates'])} candidates"):
                result = rank_local(body)
    except Refused as exc:
        if args.json:
            out.write(json.dumps({"problem": exc.problem}, indent=2) + "\n")
        err.write(render_problem(exc.problem))
        return EXIT_REFUSED
    out.write(json.dumps(result, indent=2, sort_keys=True) + "\n" if args.json
              else render_ranking(result))
    return EXIT_OK
