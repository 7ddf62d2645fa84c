"""POST /assess end to end over HTTP, against the peers, in one run (issue 17).

Sections 1 and 2 start a real `transfer-advisor serve` (its own SQLite file) with
--server-python (default: this interpreter) and post base64 bodies with httpx, as
`transfer-advisor assess --server` does. Run this script in the bench venv for alibi-detect and
point --server-python at the service's own environment: the bench venv's numpy 1.26 ships an
OpenBLAS (0.3.23) that picks its generic Prescott kernel on these CPUs, which would slow ours
down, not the peer (its torch brings its own BLAS). Section 3 runs the app in this process
(uvicorn in a thread) to switch the load cap off for one configuration. Sections:
  1. MMD, 2,000 rows per side, d = 384, through POST /assess (metrics = ["mmd"], B = 200 and
     1,000) vs alibi-detect 0.13 MMDDrift (PyTorch backend, CPU) on the same float64 rows: the
     same statistic to 1e-6, and the speed-up (alibi-detect timed at B = 200 and scaled
     linearly to B = 1,000, as bench/shift_tests.py does).
  2. Summary-only at d = 2,048 (ResNet-50 pooled features) with encoded float32 summaries,
     default metric set: status and seconds (target: 201 within 2.5 s).
  3. BLAS threads by load: one request alone with 2 threads vs 1, and 4 concurrent requests,
     governed (the service's default) vs pinned at one thread per request: aggregate seconds.
  4. The shared dev scenarios, one client, default metric set: each scenario's request as
     bench/decision_quality.py builds it (base64 embeddings, target labels), seconds per request,
     median and max (goal: median <= 0.15 s, max <= 0.8 s); and a 110 x 1,024 labeled target
     against an 80-row source (the few-label ResNet-pooled case; goal <= 0.3 s).

    bash bench/setup_bench_env.sh      # alibi-detect lives in its own venv (numpy < 2)
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv-bench/bin/python bench/assess_http.py \
        --sections 12 --server-python .venv/bin/python
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/assess_http.py --sections 3
Without alibi-detect, section 1 prints ours only.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
# this checkout's service code, here (section 3) as in the server of sections 1, 2 and 4
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "service"))
from shift_tests import blas_kernel, data, gemm_rate, load_alibi
from transfer_advisor.app import create_app
from transfer_advisor.services import compute_threads
from transfer_advisor.settings import Settings

TASK = {"num_classes": 10, "labeled_examples": 0, "source_modality": "image",
        "target_modality": "image"}


def encoded(x: np.ndarray, dtype: str = "float64") -> dict[str, Any]:
    wire = np.ascontiguousarray(x, dtype="<f8" if dtype == "float64" else "<f4")
    return {"shape": list(x.shape), "dtype": dtype, "data": base64.b64encode(wire.data).decode()}


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", http="h11"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextlib.contextmanager
def serve_process(python: str, workdir: Path) -> Iterator[str]:
    """`transfer-advisor serve` under `python`, on a free loopback port (bench/load.py's)."""
    from load import free_port, server

    port = free_port()
    env = {**server_env(), "TRANSFER_ADVISOR_AUTH": "disabled",
           "TRANSFER_ADVISOR_DATA_DIR": str(workdir / "data"),
           "TRANSFER_ADVISOR_RATE_LIMIT_PER_SECOND": "0"}
    env.pop("TRANSFER_ADVISOR_DATABASE_URL", None)
    cmd = [python, "-m", "transfer_advisor.cli", "serve", "--port", str(port),
           "--log-level", "warning"]
    with server(cmd, env, workdir, port) as base:
        yield base


def server_env() -> dict[str, str]:
    """This environment with this checkout's service/ first on PYTHONPATH: the server runs the
    code next to this script (an editable install elsewhere, e.g. another worktree's, would
    otherwise win), from whatever directory it starts in."""
    service = str(Path(__file__).resolve().parents[1] / "service")
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([service, *path])}


def server_blas(python: str) -> str:
    import subprocess

    # which checkout the server imports (server_env puts this one first)
    code = ("import sys; sys.path.insert(0, 'bench'); import numpy, transfer_advisor; "
            "from pathlib import Path; from shift_tests import blas_kernel; "
            "print(f'numpy {numpy.__version__}; ' + blas_kernel() + '; transfer_advisor from '"
            " + str(Path(transfer_advisor.__file__).parents[2]))")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], env=server_env())
    return out.stdout.strip() or out.stderr.strip()[-200:]


def post(http: httpx.Client, payload: bytes) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = http.post("/assess", content=payload, headers={"content-type": "application/json"})
    return time.perf_counter() - start, response


def timed_posts(http: httpx.Client, payload: bytes, repeats: int) -> tuple[float, httpx.Response]:
    times, response = [], None
    for _ in range(repeats):
        seconds, response = post(http, payload)
        assert response.status_code == 201, response.text[:400]
        times.append(seconds)
    assert response is not None
    return statistics.median(times), response


def mmd_body(x: np.ndarray, y: np.ndarray, permutations: int) -> bytes:
    return json.dumps({"source": {"name": "src", "embeddings": encoded(x)},
                       "target": {"name": "tgt", "embeddings": encoded(y)}, "task": TASK,
                       "options": {"metrics": ["mmd"], "permutations": permutations,
                                   "seed": 0}}).encode()


def section_mmd(http: httpx.Client, args: argparse.Namespace) -> None:
    n, d = 2000, 384
    print(f"\n## 1. MMD through POST /assess, {n:,} per side, d = {d} (base64 float64 bodies, "
          f"{args.repeats} repeats, median)")
    x, y = data(n, d, shift=0.02, seed=1)
    ours: dict[int, tuple[float, float]] = {}
    for b in (200, 1000):
        payload = mmd_body(x, y, b)
        post(http, payload)  # warm-up
        seconds, response = timed_posts(http, payload, args.repeats)
        ours[b] = (seconds, response.json()["metrics"]["mmd"]["value"])
    print("| run | seconds | MMD² |")
    print("|---|---|---|")
    for b, (seconds, value) in ours.items():
        print(f"| POST /assess B={b} | {seconds:.3f} | {value:.10g} |")
    mmd_drift = load_alibi()
    if mmd_drift is None:
        return
    detector = mmd_drift(x, backend="pytorch", p_val=0.05, n_permutations=200, device="cpu")
    start = time.perf_counter()
    prediction = detector.predict(y)
    alibi_s = time.perf_counter() - start
    value = float(prediction["data"]["distance"])
    print(f"| alibi-detect MMDDrift float64 B=200 (predict) | {alibi_s:.3f} | {value:.10g} |")
    rel = abs(ours[200][1] - value) / abs(value)
    print(f"\nsame statistic: |ours − alibi| / alibi = {rel:.1e} (goal ≤ 1e-6)")
    print(f"speed-up B=200: {alibi_s / ours[200][0]:.0f}x (goal ≥ 100x); B=1000 (alibi scaled "
          f"×5): {alibi_s * 5 / ours[1000][0]:.0f}x (goal ≥ 200x)")


def summary_body(d: int, rows: int) -> bytes:
    rng = np.random.default_rng(7)
    basis = rng.standard_normal((d, d)) / np.sqrt(d)

    def side(name: str, shift: float) -> dict[str, Any]:
        z = rng.standard_normal((rows, d)) @ basis + shift
        cov = np.cov(z, rowvar=False)
        return {"name": name, "summary": {"count": rows, "mean": encoded(z.mean(0), "float32"),
                                          "covariance": encoded(cov, "float32")}}

    return json.dumps({"source": side("src", 0.0), "target": side("tgt", 0.05), "task": TASK,
                       "options": {"seed": 0}}).encode()


def section_summary(http: httpx.Client, args: argparse.Namespace) -> None:
    d = 2048
    payload = summary_body(d, 3 * d)
    print(f"\n## 2. Summary-only, d = {d:,}, encoded float32 summaries ({len(payload) / 1e6:.1f} MB "
          "body), default metric set")
    post(http, payload)  # warm-up
    seconds, response = timed_posts(http, payload, args.repeats)
    body = response.json()
    print(f"status {response.status_code}, median {seconds:.2f} s over {args.repeats} (goal: 201 "
          f"within 2.5 s); metrics {sorted(body['metrics'])}")


def section_dev(http: httpx.Client, args: argparse.Namespace) -> None:
    from scenarios import build_request, load_scenarios

    scenarios = load_scenarios("dev")
    print(f"\n## 4. The {len(scenarios)} shared dev scenarios through POST /assess, one client, "
          "default metric set (base64 embeddings, target labels)")
    medians = {}
    for scenario in scenarios:
        payload = json.dumps(build_request(scenario, "rows")).encode()
        post(http, payload)  # warm-up: the first request of a shape pays for imports
        medians[scenario.id], _ = timed_posts(http, payload, max(1, args.repeats // 2))
    values = sorted(medians.values())
    slowest = max(medians, key=lambda k: medians[k])
    print(f"per-scenario medians: median {statistics.median(values):.3f} s (goal <= 0.15), "
          f"max {values[-1]:.3f} s at {slowest} (goal <= 0.8), min {values[0]:.3f} s")
    rng = np.random.default_rng(5)
    d, n_target, n_source = 1024, 110, 80
    labels = (np.arange(n_target) % 10).tolist()
    body = {"source": {"name": "src", "embeddings": encoded(rng.normal(size=(n_source, d)))},
            "target": {"name": "tgt", "embeddings": encoded(rng.normal(size=(n_target, d)) + 0.1),
                       "labels": labels},
            "task": {**TASK, "labeled_examples": n_target}, "options": {"seed": 0}}
    payload = json.dumps(body).encode()
    post(http, payload)
    seconds, _ = timed_posts(http, payload, args.repeats)
    print(f"{n_target} x {d:,} labeled target vs {n_source}-row source: median {seconds:.3f} s "
          "(goal <= 0.3 s)")


@contextlib.contextmanager
def no_outside_load(cores: int) -> Iterator[None]:
    """The shared governor as on a quiet machine: the load-average cap off."""
    governor = compute_threads.shared_governor(cores)
    saved = governor._load
    governor._load = lambda: 0.0
    try:
        yield
    finally:
        governor._load = saved


def section_threads(tmp: Path, args: argparse.Namespace) -> None:
    print("\n## 3. BLAS threads by load (metrics = [mmd], B = 200, 2,000 × 384 per side)")
    x, y = data(2000, 384, shift=0.02, seed=3)
    payload = mmd_body(x, y, 200)
    cores = compute_threads.compute_cores(0)
    rows = []
    for label, compute, quiet in (("governed, spare-capacity cap off", cores, True),
                                  ("governed (default: capped by the load average)", cores, False),
                                  ("pinned: 1 thread per request", 1, False)):
        settings = Settings(data_dir=tmp / f"threads-{compute}-{quiet}", auth="disabled",
                            compute_cores=compute)
        with (no_outside_load(compute) if quiet else contextlib.nullcontext()), \
                serve(settings) as base, \
                httpx.Client(base_url=base, timeout=600) as http:
            post(http, payload)
            alone, _ = timed_posts(http, payload, args.repeats)
            threads_alone = compute_threads.shared_governor(compute)._applied
            spans = []
            for _ in range(max(1, args.repeats // 2)):
                start = time.perf_counter()
                with ThreadPoolExecutor(4) as pool:
                    codes = list(pool.map(lambda _: post(http, payload)[1].status_code, range(4)))
                spans.append(time.perf_counter() - start)
                assert codes == [201] * 4, codes
            rows.append((label, threads_alone, alone, statistics.median(spans)))
    print(f"{cores} cores; load average now {os.getloadavg()[0]:.1f}")
    print("| configuration | threads alone | one request alone s | 4 concurrent, aggregate s |")
    print("|---|---|---|---|")
    for label, threads, alone, span in rows:
        print(f"| {label} | {threads} | {alone:.3f} | {span:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sections", default="123")
    parser.add_argument("--server-python", default=sys.executable,
                        help="interpreter of the service for sections 1, 2 and 4")
    args = parser.parse_args()
    print(f"# POST /assess over HTTP: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at start")
    print(f"# this process (client, peer): numpy {np.__version__}; BLAS: {blas_kernel()}; "
          f"{gemm_rate()}")
    with tempfile.TemporaryDirectory() as tmp:
        if any(k in args.sections for k in "124"):
            print(f"# server: {server_blas(args.server_python)}")
            with serve_process(args.server_python, Path(tmp)) as base, \
                    httpx.Client(base_url=base, timeout=600) as http:
                if "1" in args.sections:
                    section_mmd(http, args)
                if "2" in args.sections:
                    section_summary(http, args)
                if "4" in args.sections:
                    section_dev(http, args)
        if "3" in args.sections:
            section_threads(Path(tmp), args)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f} (other processes share these cores)")


if __name__ == "__main__":
    main()
