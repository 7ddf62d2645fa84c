"""Load test: N concurrent clients for a fixed time against a real server on loopback.

Starts `transfer-advisor serve` (its own SQLite file unless --database-url is given) and, in the
same run, a bare FastAPI app whose POST /assess parses the same JSON body and decodes its
base64 arrays into numpy arrays (and does nothing else). Prints requests/s and p50/p95/p99
latency for each, the throughput ratio service / bare, the 5xx count, and then checks that every
201 is retrievable by id (zero lost).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/load.py   # 32 clients × 60 s,
                                                   # summary-only at d = 768, encoded (float64)
    python bench/load.py --clients 8 --seconds 10 --form embeddings --rows 500 --dim 64
    python bench/load.py --form summary-lists --dim 384   # summaries as JSON lists
    python bench/load.py --metrics none   # no metric: the request path alone against the bare app
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from transfer_advisor.library.assess import encode_summary

BARE_APP = '''
import base64
from typing import Any
import numpy as np
from fastapi import FastAPI
app = FastAPI()

def decode(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("data"), str):
        wire = "<f4" if value.get("dtype") == "float32" else "<f8"
        return np.frombuffer(base64.b64decode(value["data"]), wire).reshape(value["shape"])
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    return value

@app.post("/assess", status_code=201)
def assess(body: dict[str, Any]) -> dict[str, str]:
    decode(body)
    return {"id": "bare"}

@app.get("/readyz")
def readyz() -> dict[str, str]:
    return {"status": "ready"}
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{base} not ready after {timeout} s")


@contextlib.contextmanager
def server(cmd: list[str], env: dict[str, str], cwd: Path, port: int) -> Iterator[str]:
    log = (cwd / f"server-{port}.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def service(workdir: Path, database_url: str | None) -> Any:
    port = free_port()
    env = {**os.environ, "TRANSFER_ADVISOR_AUTH": "disabled",
           "TRANSFER_ADVISOR_DATA_DIR": str(workdir / "data"),
           "TRANSFER_ADVISOR_RATE_LIMIT_PER_SECOND": "0"}
    env.pop("TRANSFER_ADVISOR_DATABASE_URL", None)
    if database_url:
        env["TRANSFER_ADVISOR_DATABASE_URL"] = database_url
    cmd = [sys.executable, "-m", "transfer_advisor.cli", "serve", "--port", str(port),
           "--log-level", "warning"]
    return server(cmd, env, workdir, port)


def bare(workdir: Path) -> Any:
    port = free_port()
    (workdir / "bare_app.py").write_text(BARE_APP)
    cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port),
           "--log-level", "warning", "--no-access-log"]
    return server(cmd, {**os.environ}, workdir, port)


def payload(form: str, dim: int, rows: int, seed: int = 0,
            metrics: list[str] | None = None) -> bytes:
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(rows, dim))
    xt = rng.normal(size=(rows, dim)) + 0.1

    def side(name: str, x: np.ndarray) -> dict[str, Any]:
        if form == "summary":  # encoded, as the CLI and the library send it
            return {"name": name, "summary": encode_summary(
                {"count": len(x), "mean": x.mean(0), "covariance": np.cov(x, rowvar=False)})}
        if form == "summary-lists":
            return {"name": name, "summary": {"count": len(x), "mean": x.mean(0).tolist(),
                                              "covariance": np.cov(x, rowvar=False).tolist()}}
        return {"name": name, "embeddings": encode_summary({"covariance": x})["covariance"]}

    body = {"source": side("src", xs), "target": side("tgt", xt),
            "task": {"num_classes": 10, "labeled_examples": 200, "source_modality": "image",
                     "target_modality": "image"},
            "options": {"permutations": 50, "seed": 0, "metrics": metrics}}
    return json.dumps(body).encode()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    errors: int = 0  # transport errors (timeouts, resets)
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) * 1000 if self.latencies else float("nan")


async def drive(base: str, body: bytes, clients: int, seconds: float) -> Run:
    run = Run()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:
        stop_at = time.perf_counter() + seconds

        async def client() -> None:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    response = await http.post("/assess", content=body,
                                               headers={"content-type": "application/json"})
                except httpx.HTTPError:
                    run.errors += 1
                    continue
                run.latencies.append(time.perf_counter() - started)
                run.statuses[response.status_code] = run.statuses.get(response.status_code, 0) + 1
                if response.status_code == 201:
                    run.created.append(response.json()["id"])

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        run.seconds = time.perf_counter() - began
    return run


async def lost_records(base: str, ids: list[str]) -> int:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        sem = asyncio.Semaphore(8)

        async def missing(record_id: str) -> bool:
            async with sem:
                response = await http.get(f"/assessments/{record_id}")
                return response.status_code != 200 or response.json()["id"] != record_id

        return sum(await asyncio.gather(*(missing(i) for i in ids)))


def report(name: str, run: Run) -> None:
    five = sum(n for s, n in run.statuses.items() if s >= 500)
    print(f"{name:8s} requests/s {run.ok / run.seconds:8.2f}   p50 {run.pct(50):8.1f} ms   "
          f"p95 {run.pct(95):8.1f} ms   p99 {run.pct(99):8.1f} ms   statuses {run.statuses}   "
          f"5xx {five}   transport errors {run.errors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--form", choices=["summary", "summary-lists", "embeddings"],
                        default="summary", help="summary: encoded float64 (default); embeddings: "
                        "encoded float64 rows")
    parser.add_argument("--dim", type=int, default=768)
    parser.add_argument("--rows", type=int, default=1000, help="rows per side (summaries: of the "
                        "data they summarise)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--metrics", help="comma-separated options.metrics (default: the default "
                        "set); `none` (no metric) leaves the request path (parse, hash, decode, "
                        "checks, policy, storage) as the service's work. Even the cheapest metric "
                        "at d = 768 is not free: its same-distribution baseline eigendecomposes "
                        "the target covariance")
    args = parser.parse_args()

    metrics = None if not args.metrics else [] if args.metrics == "none" else args.metrics.split(",")
    body = payload(args.form, args.dim, args.rows, metrics=metrics)
    print(f"payload: {args.form}, d = {args.dim}, {len(body) / 1e6:.2f} MB, metrics "
          f"{'default set' if metrics is None else metrics}; {args.clients} clients "
          f"x {args.seconds:g} s per server; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from shift_tests import blas_kernel

    print(f"BLAS (this process; the server loads the same numpy): {blas_kernel()}")
    with tempfile.TemporaryDirectory(prefix="ta-load-") as tmp:
        workdir = Path(tmp)
        with service(workdir, args.database_url) as base:
            asyncio.run(drive(base, body, min(args.clients, 4), 3))  # warm-up, not counted
            ours = asyncio.run(drive(base, body, args.clients, args.seconds))
            lost = asyncio.run(lost_records(base, ours.created))
        with bare(workdir) as base:
            asyncio.run(drive(base, body, min(args.clients, 4), 3))
            baseline = asyncio.run(drive(base, body, args.clients, args.seconds))
    report("service", ours)
    report("bare", baseline)
    ratio = (ours.ok / ours.seconds) / (baseline.ok / baseline.seconds) if baseline.ok else float("nan")
    slower = (statistics.median(ours.latencies) / statistics.median(baseline.latencies)
              if ours.latencies and baseline.latencies else float("nan"))
    print(f"ratio service/bare requests/s: {ratio:.3f}   median latency ratio: {slower:.2f}x")
    print(f"201s: {len(ours.created)}   lost (not retrievable by id): {lost}")
    five = sum(n for s, n in ours.statuses.items() if s >= 500)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 1 if lost or five else 0


if __name__ == "__main__":
    raise SystemExit(main())
