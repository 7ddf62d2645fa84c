"""POST /rank with 8 candidates vs 8 separate POST /assess calls on the same data.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/rank_speed.py [--repeats 3]

One target of 2,000 × 384 rows (the first 1,000 labeled, 10 classes, with 1,000 × 256 client
scratch features) and 8 candidate sources of 1,000 × 384 rows (500 labeled), each shifted
differently: the "which source dataset?" ranking, all in one embedding space. The in-process app
(FastAPI TestClient, SQLite in a temporary directory) answers both; the rank request and the 8
assess requests carry the same arrays (base64 float32) and the default options (200
permutations, the default metric set). Timed: the whole HTTP round trips, request parsing,
decoding, metrics, policy and the commit(s). Runs alternate (rank, 8 × assess) so a load change
on the machine hits both; the medians and their ratio are printed (goal: rank ≤ 0.7 × assess).
Before timing, each rank item is checked equal to its separate assessment (transfer score and
metrics), so the speed-up is not bought with different answers.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))

N_TARGET, N_LABELED, DIM, CLASSES = 2_000, 1_000, 384, 10
N_SOURCE, N_SOURCE_LABELED, CANDIDATES, SCRATCH_DIM = 1_000, 500, 8, 256


def blas_kernel() -> str:
    """The BLAS library, kernel and thread count numpy runs on, and the overrides set."""
    overrides = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                            "OPENBLAS_NUM_THREADS") if k in os.environ}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"threadpoolctl not installed (kernel unknown); overrides {overrides or 'none'}"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    described = "; ".join(f"{p.get('internal_api')} {p.get('version')} kernel "
                          f"{p.get('architecture')}, {p.get('num_threads')} threads"
                          for p in pools) or "no BLAS found"
    return f"{described}; overrides {overrides or 'none'}"


def b64(x: np.ndarray) -> dict[str, Any]:
    wire = np.ascontiguousarray(x, dtype="<f4")
    return {"shape": list(x.shape), "dtype": "float32",
            "data": base64.b64encode(wire.tobytes()).decode()}


def bodies(seed: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The rank body and the 8 assess bodies on the same arrays."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(CLASSES, DIM))
    y = np.arange(N_TARGET) % CLASSES
    x_target = rng.normal(size=(N_TARGET, DIM)) + 0.6 * centres[y]
    scratch = rng.normal(size=(N_LABELED, SCRATCH_DIM)) + 0.2 * centres[y[:N_LABELED], :SCRATCH_DIM]
    target = {"name": "target", "embeddings": b64(x_target), "labels": y[:N_LABELED].tolist(),
              "scratch_features": b64(scratch)}
    task = {"type": "classification", "num_classes": CLASSES, "labeled_examples": N_LABELED,
            "source_modality": "text", "target_modality": "text"}
    candidates = []
    for k in range(CANDIDATES):
        ys = np.arange(N_SOURCE) % CLASSES
        x_source = (rng.normal(size=(N_SOURCE, DIM)) + 0.6 * centres[ys]
                    + 0.15 * k * rng.normal(size=DIM))
        candidates.append({"name": f"source-{k}", "source": {
            "name": f"source-{k}", "embeddings": b64(x_source),
            "labels": ys[:N_SOURCE_LABELED].tolist()}})
    rank = {"target": target, "candidates": candidates, "task": task}
    assess = [{"source": c["source"], "target": target, "task": task} for c in candidates]
    return rank, assess


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from transfer_advisor.app import create_app
    from transfer_advisor.settings import Settings

    print(f"# BLAS: {blas_kernel()}")
    print(f"# target {N_TARGET} × {DIM} ({N_LABELED} labeled, {CLASSES} classes, scratch "
          f"{N_LABELED} × {SCRATCH_DIM}); {CANDIDATES} sources {N_SOURCE} × {DIM} "
          f"({N_SOURCE_LABELED} labeled); default metrics, 200 permutations")
    rank_body, assess_bodies = bodies()
    with tempfile.TemporaryDirectory() as tmp:
        # a generous metric budget: the machine may be loaded, the bench measures, not refuses
        settings = Settings(data_dir=Path(tmp), auth="disabled", metric_time_budget_seconds=3600)
        with TestClient(create_app(settings)) as client:
            rank_times, assess_times = [], []
            for run in range(args.repeats):
                started = time.perf_counter()
                response = client.post("/rank", json=rank_body)
                rank_times.append(time.perf_counter() - started)
                if response.status_code != 201:
                    raise SystemExit(f"/rank answered {response.status_code}: {response.text}")
                started = time.perf_counter()
                singles = []
                for body in assess_bodies:
                    single = client.post("/assess", json=body)
                    if single.status_code != 201:
                        raise SystemExit(f"/assess answered {single.status_code}: {single.text}")
                    singles.append(single.json())
                assess_times.append(time.perf_counter() - started)
                if run == 0:
                    items = {i["name"]: i for i in response.json()["items"]}
                    for cand, single in zip(rank_body["candidates"], singles, strict=True):
                        item = items[cand["name"]]
                        same = (item["transfer_score"] == single["recommendation"][
                            "transfer_score"] and item["metrics"] == single["metrics"])
                        if not same:
                            raise SystemExit(f"{cand['name']}: rank item differs from /assess")
                    print("# every rank item equals its separate /assess (score and metrics)")
                print(f"run {run + 1}: rank {rank_times[-1]:.2f} s, 8 × assess "
                      f"{assess_times[-1]:.2f} s", flush=True)
    rank_s, assess_s = statistics.median(rank_times), statistics.median(assess_times)
    print(f"median: POST /rank (8 candidates) {rank_s:.2f} s; 8 × POST /assess {assess_s:.2f} s; "
          f"ratio {rank_s / assess_s:.2f} (goal ≤ 0.70)")


if __name__ == "__main__":
    main()
