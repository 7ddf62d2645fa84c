"""Where a POST /assess of 2,000 × 384 rows per side spends its time besides the metrics.

One run, in process (FastAPI TestClient over the real app, SQLite in a temporary directory):
the request as base64 float64 and as JSON lists, with the default metric set and with
metrics = ["mmd"]. Each phase of the use case is timed by wrapping it (the service code is not
changed): parse + validate the body, input hash, decode + check + summarise the rows, the metrics,
the policy, the record's storage, and the rest (HTTP, response). Medians over --repeats; then a
cProfile of one request (parse in this thread, the use case in the server's worker thread, the
metrics switched off), its top functions outside the metrics.

Forms: `b64` (rows as base64 float64), `lists` (rows as JSON lists), `summary` (summary-only,
encoded float64 summaries at --summary-dim, as `bench/load.py` sends: what of load.py's gap is
the request path and what the metrics).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/request_path.py
    python bench/request_path.py --repeats 3 --forms b64   # quicker
    python bench/request_path.py --forms summary --summary-dim 768

Target (issue 17): hashing, validation and storage ≤ 15 % of the metric time. The row
summaries (mean and covariance, which the Gaussian metrics read) are shown apart and counted
in the overhead line, as before; a second line leaves them out.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic_core import from_json

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shift_tests import blas_kernel
from transfer_advisor.app import create_app
from transfer_advisor.domain.summary import Summary
from transfer_advisor.library.assess import encode_summary
from transfer_advisor.schemas.assess import AssessRequest
from transfer_advisor.services import assess as assess_service
from transfer_advisor.services import inputs as inputs_service
from transfer_advisor.settings import Settings

PHASES = {  # name in services.assess → label
    "input_fingerprint": "input hash",
    "decode_side": "decode + check (+ summarise)",
    "build_metric_inputs": "metric inputs",
    "compute_metrics": "metrics",
}
SUMMARISE = "of which: summarise rows (moments)"
ROW_ORDER = ["parse + validate body (pydantic-core)", "input hash", "decode + check (+ summarise)",
             SUMMARISE, "metric inputs", "metrics", "policy", "storage (one commit)",
             "rest: HTTP, response, thread hand-off", "total (client-side)"]
OVERHEAD = ("parse + validate body (pydantic-core)", "input hash", "decode + check (+ summarise)",
            "metric inputs", "storage (one commit)")


def body(form: str, n: int, d: int, metrics: list[str] | None) -> bytes:
    rng = np.random.default_rng(0)
    xs, xt = rng.standard_normal((n, d)), rng.standard_normal((n, d)) + 0.02

    def side(name: str, x: np.ndarray) -> dict[str, Any]:
        if form == "summary":  # encoded float64, as bench/load.py, the CLI and the library send
            return {"name": name, "summary": encode_summary(
                {"count": len(x), "mean": x.mean(0), "covariance": np.cov(x, rowvar=False)})}
        if form == "lists":
            return {"name": name, "embeddings": x.tolist()}
        return {"name": name, "embeddings": {
            "shape": list(x.shape), "dtype": "float64",
            "data": base64.b64encode(np.ascontiguousarray(x, "<f8").data).decode()}}

    options: dict[str, Any] = {"permutations": 200, "seed": 0}
    if metrics:
        options["metrics"] = metrics
    return json.dumps({"source": side("src", xs), "target": side("tgt", xt),
                       "task": {"num_classes": 10, "labeled_examples": 0,
                                "source_modality": "image", "target_modality": "image"},
                       "options": options}).encode()


@contextlib.contextmanager
def timed_phases(sink: dict[str, float]) -> Iterator[None]:
    """Wrap the use case's steps (module attributes of services.assess) to time each call."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                sink[label] += time.perf_counter() - start

        setattr(owner, name, timed)

    for name, label in PHASES.items():
        wrap(assess_service, name, label)
    wrap(assess_service.policy, "decide", "policy")
    wrap(assess_service.records, "append", "storage (one commit)")
    # the request's own row summaries only (metrics and baselines summarise rows of their own)
    request_summaries = types.SimpleNamespace(from_rows=Summary.from_rows,
                                              from_covariance=Summary.from_covariance)
    wrap(request_summaries, "from_rows", SUMMARISE)
    inputs_service.Summary = request_summaries
    try:
        yield
    finally:
        inputs_service.Summary = Summary
        for owner, name, original in saved:
            setattr(owner, name, original)


def measure(client: Any, payload: bytes, repeats: int) -> dict[str, float]:
    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        phases: dict[str, float] = defaultdict(float)
        start = time.perf_counter()
        parsed = AssessRequest.model_validate(from_json(payload))  # what FastJSONRoute does first
        phases["parse + validate body (pydantic-core)"] = time.perf_counter() - start
        del parsed
        with timed_phases(phases):
            start = time.perf_counter()
            response = client.post("/assess", content=payload,
                                   headers={"content-type": "application/json"})
            total = time.perf_counter() - start
        assert response.status_code == 201, response.text[:300]
        # the body was parsed once more inside the request: count it there, not twice
        phases["rest: HTTP, response, thread hand-off"] = total - sum(
            v for k, v in phases.items() if not k.startswith(("parse", "of which")))
        phases["rest: HTTP, response, thread hand-off"] -= phases["parse + validate body (pydantic-core)"]
        phases["total (client-side)"] = total
        runs.append(dict(phases))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def profile(client: Any, payload: bytes, top: int) -> None:
    """One request under cProfile, outside the metrics: the body's parse here (the server parses
    it on its event loop), the use case in the worker thread that runs it, metrics switched off."""
    prof = cProfile.Profile()
    prof.enable()
    AssessRequest.model_validate(from_json(payload))
    prof.disable()
    assess, compute = assess_service.assess, assess_service.compute_metrics

    def profiled_assess(*args: Any, **kwargs: Any) -> Any:
        prof.enable()
        try:
            return assess(*args, **kwargs)
        finally:
            prof.disable()

    def unprofiled_metrics(*args: Any, **kwargs: Any) -> Any:
        prof.disable()
        try:
            return compute(*args, **kwargs)
        finally:
            prof.enable()

    assess_service.assess, assess_service.compute_metrics = profiled_assess, unprofiled_metrics
    try:
        client.post("/assess", content=payload, headers={"content-type": "application/json"})
    finally:
        assess_service.assess, assess_service.compute_metrics = assess, compute
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("tottime")
    stats.print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if "ncalls" in ln)
    print(next(ln for ln in lines if "function calls" in ln).strip())
    print("\n".join(lines[start:start + top + 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--forms", default="b64,lists", help="b64, lists, summary")
    parser.add_argument("--summary-dim", type=int, default=768,
                        help="d of the summary form (rows summarised: --n)")
    parser.add_argument("--profile-top", type=int, default=15)
    args = parser.parse_args()
    print(f"# request path: {args.n:,} × {args.dim} per side, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at start")
    print(f"# BLAS: {blas_kernel()}")
    from fastapi.testclient import TestClient

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", auth="disabled")
        with TestClient(create_app(settings)) as client:
            for form in args.forms.split(","):
                dim = args.summary_dim if form == "summary" else args.dim
                for metrics in (None, ["mmd"]) if form != "summary" else (None,):
                    payload = body(form, args.n, dim, metrics)
                    client.post("/assess", content=payload,
                                headers={"content-type": "application/json"})  # warm-up
                    medians = measure(client, payload, args.repeats)
                    label = "default metric set" if metrics is None else "metrics = [mmd]"
                    print(f"\n## {form}, d = {dim}, {len(payload) / 1e6:.1f} MB body, {label} "
                          f"(medians of {args.repeats})")
                    print("| phase | seconds | % of metric time |")
                    print("|---|---|---|")
                    metric_s = medians["metrics"]
                    for key, value in sorted(medians.items(), key=lambda kv: ROW_ORDER.index(kv[0])):
                        print(f"| {key} | {value:.4f} | {100 * value / metric_s:.1f} |")
                    overhead = sum(medians[k] for k in OVERHEAD)
                    moments = medians.get(SUMMARISE, 0.0)
                    print(f"hashing + validation (parse, decode, checks, summaries) + storage: "
                          f"{overhead:.4f} s = {100 * overhead / metric_s:.1f} % of the metric "
                          f"time (target ≤ 15 %)")
                    print(f"the same without the row summaries: {overhead - moments:.4f} s = "
                          f"{100 * (overhead - moments) / metric_s:.1f} %")
            for form in args.forms.split(","):
                dim = args.summary_dim if form == "summary" else args.dim
                print(f"\n## cProfile of one request ({form}, default set) outside the metrics, "
                      "top functions by own time")
                profile(client, body(form, args.n, dim, None), args.profile_top)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
