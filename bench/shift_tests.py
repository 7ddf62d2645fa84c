"""Benchmark the sample-based shift tests against the libraries people script by hand.

Runs, on the same data in one process and prints medians and ratios:
  1. MMD permutation test, n = 2,000 per side, d = 384: ours (B = 200 and 1,000) vs
     alibi-detect 0.13 ``MMDDrift`` (PyTorch backend, CPU) — same statistic and bandwidth rule —
     on float32 input (its usual use) and on the same float64 rows as ours (the only input on
     which it reproduces the statistic to 1e-6).
  2. Fréchet distance at d = 2,048: ours (``transfer_advisor.domain.shift.gaussian``) vs
     pytorch-fid's ``calculate_frechet_distance`` (scipy ``sqrtm``); and float32 input at d = 128.
  3. Latency of the sample-based metric set at 2,000 × 384 per side.
  4. Scaling: n = 1k, 5k, 20k, 100k per side at d = 384 — seconds and peak traced memory
     (tracemalloc sees numpy's allocations; the input arrays themselves are excluded), with the
     measured error of the large-input (subsample) path at 5k.
  5. The low-rank Gaussian path (fewer rows than dimensions): the default metric set on a
     110 × 1,024 target against an 80 × 1,024 source, per metric, the d × d path (before) vs the
     low-rank path (after) in one run, through compute_metrics and through POST /assess; and
     Fréchet on n = 200 rows per side at d = 2,048: low-rank vs pytorch-fid on the same rows.

Peers live in their own venv (alibi-detect pins numpy < 2):
    bash bench/setup_bench_env.sh
    .venv-bench/bin/python bench/shift_tests.py            # full run, ~10 minutes
    .venv-bench/bin/python bench/shift_tests.py --quick    # smaller, fewer repeats
Without the peers (plain ``python bench/shift_tests.py``) sections 1, 2 and 5 print ours only.
This machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow numpy down: benchmark with
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv-bench/bin/python bench/shift_tests.py
(the header prints the BLAS kernel and thread count in use).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import importlib
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.random import default_rng

from transfer_advisor.domain import metric_context
from transfer_advisor.domain.metrics import MetricInputs, compute_metrics
from transfer_advisor.domain.shift import gaussian, lowrank
from transfer_advisor.domain.shift._pairwise import MAX_EXACT_ROWS_PER_SIDE, pool_samples
from transfer_advisor.domain.shift.energy_distance import energy_distance
from transfer_advisor.domain.shift.mmd import mmd_distance
from transfer_advisor.domain.shift.proxy_a import proxy_a_distance
from transfer_advisor.domain.shift.sliced import ks_fdr_share, sliced_wasserstein_distance
from transfer_advisor.domain.summary import Summary


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time over `repeats` calls (after no warm-up: first calls count too)."""
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def traced(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds, peak MiB of new allocations traced by tracemalloc, result)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, out


def blas_kernel() -> str:
    """The BLAS library, kernel (core type) and thread count numpy runs on, and the overrides set."""
    overrides = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                            "OPENBLAS_NUM_THREADS") if k in os.environ}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"threadpoolctl not installed (kernel unknown); overrides {overrides or 'none'}"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    described = "; ".join(f"{p.get('internal_api')} {p.get('version')} kernel {p.get('architecture')}, "
                          f"{p.get('num_threads')} threads" for p in pools) or "no BLAS found"
    return f"{described}; overrides {overrides or 'none'}"


def gemm_rate(d: int = 2048) -> str:
    """This machine's float64 GEMM rate with numpy's BLAS as configured (best of 3): absolute
    seconds differ between machines of one kind, so benchmarks print it beside them."""
    import time

    a = np.random.default_rng(0).standard_normal((d, d))
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        _ = a @ a
        best = min(best, time.perf_counter() - start)
    return f"float64 GEMM {2 * d ** 3 / best / 1e9:.0f} GFLOP/s (d = {d:,})"


def data(n: int, d: int, shift: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, d)) + shift


def load_alibi() -> Any:
    try:
        import torch
        from alibi_detect.cd import MMDDrift
    except ImportError as exc:
        print(f"  alibi-detect not importable ({exc}); run bench/setup_bench_env.sh")
        return None
    torch.set_num_threads(os.cpu_count() or 1)
    return MMDDrift


class _StubMeta(type):
    """Attribute access on a stub class yields the stub class (usable as a base class too)."""

    def __getattr__(cls, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Stub


class _Stub(metaclass=_StubMeta):
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass


class _StubModule(types.ModuleType):
    __version__ = "0.0"

    def __getattr__(self, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Stub


def load_pytorch_fid() -> Any:
    """pytorch-fid's calculate_frechet_distance, importable without a working torchvision.

    PyPI's torchvision does not load against the CPU torch 2.13 build; fid_score and its
    inception module import it (for image code we don't use), so placeholder modules stand in
    just for the import (as done for shared/reference/shift). Only the numpy/scipy function
    calculate_frechet_distance is used.
    """
    names = ("torchvision", "torchvision.transforms", "torchvision.models",
             "torchvision.models.utils", "torchvision.models.inception")
    saved = {k: sys.modules.get(k) for k in names}
    for name in names:
        sys.modules[name] = _StubModule(name)
    try:
        module = importlib.import_module("pytorch_fid.fid_score")
        return module.calculate_frechet_distance
    except Exception as exc:  # any import failure just disables the peer
        print(f"  pytorch-fid not importable ({type(exc).__name__}: {exc})")
        return None
    finally:
        for key, value in saved.items():
            if value is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = value


def section_mmd(args: argparse.Namespace) -> None:
    n, d = args.n, 384
    print(f"\n## 1. MMD permutation test, n = {n:,} per side, d = {d}")
    x, y = data(n, d, shift=0.02, seed=1)
    rows = []
    ours: dict[int, Any] = {}
    for b in (200, 1000):
        t, res = timed(lambda b=b: mmd_distance(x, y, permutations=b, rng=default_rng(0)),  # type: ignore[misc]
                       args.repeats)
        ours[b] = (t, res)
        rows.append((f"ours B={b}", t, res.value, res.p_value, res.details["bandwidth"]))
    mmd_drift = load_alibi()
    alibi: dict[str, tuple[float, float]] = {}  # dtype -> (s per permutation, MMD²)
    if mmd_drift is not None:
        b_alibi = args.alibi_permutations
        # float32 is what alibi-detect runs on float32 embeddings; float64 (the same data as
        # ours) is the configuration that computes the same statistic to the golden tolerance
        for dtype in (np.float32, np.float64):
            detector = mmd_drift(x.astype(dtype), backend="pytorch", p_val=0.05,
                                 n_permutations=b_alibi, device="cpu")
            sigma = float(np.asarray(detector._detector.kernel.sigma.detach().cpu()).ravel()[0])
            t, pred = timed(lambda d=detector, dt=dtype: d.predict(y.astype(dt)),  # type: ignore[misc]
                            args.alibi_repeats)
            name = np.dtype(dtype).name
            alibi[name] = (t / b_alibi, float(pred["data"]["distance"]))
            rows.append((f"alibi-detect {name} B={b_alibi}", t, alibi[name][1],
                         float(pred["data"]["p_val"]), sigma))
    print("| run | seconds (median) | MMD² | p-value | bandwidth σ |")
    print("|---|---|---|---|---|")
    for label, t, value, p, sigma in rows:
        print(f"| {label} | {t:.3f} | {value:.9g} | {p:.4g} | {sigma:.7g} |")
    if alibi:
        b_alibi = args.alibi_permutations
        exact = ours[200][1].value
        print(f"\nalibi-detect per permutation (predict only; sigma inferred at init), B={b_alibi}:")
        print("| alibi-detect input | s per permutation | |ours − alibi| / ours | speed-up B=200 "
              "| speed-up B=1000 |")
        print("|---|---|---|---|---|")
        for name, (per_perm, value) in alibi.items():
            ratios = " | ".join(f"{per_perm * b / ours[b][0]:.0f}x" for b in (200, 1000))
            print(f"| {name} | {per_perm:.3f} | {abs(exact - value) / abs(exact):.1e} | {ratios} |")
        if b_alibi != 1000:
            print(f"(B=1000: alibi-detect timed at B={b_alibi} and scaled linearly.)")
        print("Same statistic to 1e-6 (the golden tolerance) only in float64: MMD² is the "
              "difference of three kernel means far larger than it (~0.4 here), which float32 "
              "rounds at ~1e-7 relative.")


def section_frechet(args: argparse.Namespace) -> None:
    d = args.fid_dim
    print(f"\n## 2. Fréchet distance, d = {d:,}")
    try:
        from transfer_advisor.domain.shift.gaussian import frechet_distance
        from transfer_advisor.domain.summary import Summary
    except ImportError as exc:
        print(f"  ours not importable ({exc})")
        return
    rng = np.random.default_rng(2)
    rows_n = d + d // 2
    z1 = rng.standard_normal((rows_n, d))
    a = np.eye(d) + 0.3 * rng.standard_normal((d, d)) / np.sqrt(d)
    z2 = rng.standard_normal((rows_n, d)) @ a.T + 0.1
    mu1, mu2 = z1.mean(0), z2.mean(0)
    s1, s2 = np.cov(z1, rowvar=False), np.cov(z2, rowvar=False)
    sa = Summary.from_covariance(rows_n, mu1, s1)
    sb = Summary.from_covariance(rows_n, mu2, s2)
    t_ours, res = timed(lambda: frechet_distance(sa, sb), args.repeats)
    print("| run | seconds (median) | FD |")
    print("|---|---|---|")
    print(f"| ours (Cholesky + symmetric eigenvalues) | {t_ours:.3f} | {res.value:.12g} |")
    fid = load_pytorch_fid()
    if fid is not None:
        t_fid, value = timed(lambda: float(fid(mu1, s1, mu2, s2)), args.fid_repeats)
        print(f"| pytorch-fid (scipy sqrtm) | {t_fid:.3f} | {value:.12g} |")
        print(f"\nspeed-up: {t_fid / t_ours:.1f}x; |ours − pytorch-fid| / FD = "
              f"{abs(res.value - value) / abs(value):.2e}")
        # float32 statistics at d = 128 (what a client computing in float32 sends); with fewer
        # rows than dimensions the covariance is singular
        small = 128
        for rows32 in (small // 2, 4 * small):
            x32 = rng.standard_normal((rows32, small)).astype(np.float32)
            y32 = (rng.standard_normal((rows32, small)) + 0.05).astype(np.float32)
            m1, m2 = x32.mean(0), y32.mean(0)
            c1 = np.cov(x32, rowvar=False).astype(np.float32)
            c2 = np.cov(y32, rowvar=False).astype(np.float32)
            try:
                fid_value: object = f"{float(fid(m1, c1, m2, c2)):.9g}"
            except Exception as exc:
                fid_value = f"raises {type(exc).__name__}: {str(exc)[:50]}"
            ours32 = frechet_distance(Summary.from_covariance(rows32, m1, c1),
                                      Summary.from_covariance(rows32, m2, c2)).value
            print(f"float32 stats, d={small}, {rows32} rows per side: pytorch-fid -> {fid_value}; "
                  f"ours -> {ours32:.9g}")


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], Any]] = {
    "mmd": lambda x, y: mmd_distance(x, y, permutations=200, rng=default_rng(0)),
    "energy_distance": lambda x, y: energy_distance(x, y, permutations=200, rng=default_rng(0)),
    "proxy_a_distance": lambda x, y: proxy_a_distance(x, y, rng=default_rng(0)),
    "sliced_wasserstein": sliced_wasserstein_distance,
    "ks_fdr_share": ks_fdr_share,
}


def metric_set(x: np.ndarray, y: np.ndarray, permutations: int) -> dict[str, float]:
    """Seconds per metric of the sample-based set, sharing one pooled distance matrix."""
    out: dict[str, float] = {}
    start = time.perf_counter()
    pooled = pool_samples(x, y, rng=default_rng(0))
    out["pool (distances)"] = time.perf_counter() - start
    steps: dict[str, Callable[[], Any]] = {
        "mmd": lambda: mmd_distance(x, y, permutations=permutations, pooled=pooled,
                                    rng=default_rng(0)),
        "energy_distance": lambda: energy_distance(x, y, permutations=permutations,
                                                   pooled=pooled, rng=default_rng(0)),
        "proxy_a_distance": lambda: proxy_a_distance(x, y, rng=default_rng(0)),
        "sliced_wasserstein": lambda: sliced_wasserstein_distance(x, y),
        "ks_fdr_share": lambda: ks_fdr_share(x, y),
    }
    for name, fn in steps.items():
        start = time.perf_counter()
        fn()
        out[name] = time.perf_counter() - start
    out["total"] = sum(out.values())
    return out


def section_latency(args: argparse.Namespace) -> None:
    n, d = args.n, 384
    print(f"\n## 3. Latency of the sample-based metric set, {n:,} × {d} per side, B = 200")
    x, y = data(n, d, shift=0.02, seed=3)
    runs = [metric_set(x, y, 200) for _ in range(args.repeats)]
    print("| step | seconds (median) |")
    print("|---|---|")
    for key in runs[0]:
        print(f"| {key} | {statistics.median(r[key] for r in runs):.3f} |")
    # the default metric set as POST /assess runs it (embeddings, no labels); `serve` uses one
    # BLAS thread per request: run with OPENBLAS_NUM_THREADS=1 to see that configuration
    def default_set() -> None:
        inputs = MetricInputs(Summary.from_rows(x), Summary.from_rows(y), x, y)
        compute_metrics(inputs)
    seconds, _ = timed(default_set, args.repeats)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"\ndefault metric set via compute_metrics (BLAS threads: {threads}): {seconds:.3f} s")


def full_mmd_value(x: np.ndarray, y: np.ndarray, sigma: float, block: int = 2048) -> float:
    """Unbiased MMD² on all rows, block-wise (bounded memory), for the subsample error check."""
    def ksum(a: np.ndarray, b: np.ndarray) -> float:
        total = 0.0
        nb = np.einsum("ij,ij->i", b, b)
        for i in range(0, len(a), block):
            ab = a[i:i + block]
            sq = np.einsum("ij,ij->i", ab, ab)[:, None] + nb[None, :] - 2.0 * ab @ b.T
            total += float(np.exp(-np.maximum(sq, 0.0) / (2 * sigma * sigma)).sum())
        return total
    n, m = len(x), len(y)
    kxx = ksum(x, x) - n  # remove the diagonal k(x, x) = 1
    kyy = ksum(y, y) - m
    kxy = ksum(x, y)
    return kxx / (n * (n - 1)) + kyy / (m * (m - 1)) - 2.0 * kxy / (n * m)


def section_scaling(args: argparse.Namespace) -> None:
    d = 384
    print(f"\n## 4. Scaling at d = {d} (B = 200; exact path up to {MAX_EXACT_ROWS_PER_SIDE:,} rows "
          "per side, seeded subsample above)")
    print("| n per side | input MiB (both sides) | metric | path | seconds | peak MiB (traced) |")
    print("|---|---|---|---|---|---|")
    error_rows = []
    for n in args.sizes:
        x, y = data(n, d, shift=0.02, seed=4)
        input_mib = (x.nbytes + y.nbytes) / 2**20
        for name, fn in METRICS.items():
            seconds, peak, res = traced(lambda fn=fn, x=x, y=y: fn(x, y))
            path = res.details.get("path", "exact")
            print(f"| {n:,} | {input_mib:,.0f} | {name} | {path} | {seconds:.2f} | {peak:,.0f} |",
                  flush=True)
            if name == "mmd" and path == "subsample" and n <= args.full_check_max:
                full = full_mmd_value(x, y, res.details["bandwidth"])
                error_rows.append((n, res.value, full, res.details["standard_error"]))
        del x, y
    if error_rows:
        print("\nSubsample path, measured error against the full-data MMD² (same σ):")
        print("| n per side | subsample MMD² | full-data MMD² | abs error | reported standard_error |")
        print("|---|---|---|---|---|")
        for n, sub, full, se in error_rows:
            print(f"| {n:,} | {sub:.6g} | {full:.6g} | {abs(sub - full):.2e} | {se:.2e} |")


GAUSSIAN_METRICS = ("frechet_distance", "coral_distance", "gaussian_kl", "bhattacharyya_distance")


@contextlib.contextmanager
def gaussian_path(name: str) -> Iterator[None]:
    """Run the Gaussian metrics on the d × d path ("full", as before the low-rank path) or not."""
    saved = metric_context.low_rank_applies
    if name == "full":
        metric_context.low_rank_applies = lambda *_: False  # type: ignore[assignment]
    try:
        yield
    finally:
        metric_context.low_rank_applies = saved  # type: ignore[assignment]


def assess_body(x_source: np.ndarray, x_target: np.ndarray) -> dict[str, Any]:
    def encode(x: np.ndarray) -> dict[str, Any]:
        data = base64.b64encode(np.ascontiguousarray(x, dtype="<f8").tobytes()).decode()
        return {"shape": list(x.shape), "dtype": "float64", "data": data}

    return {"source": {"name": "source", "embeddings": encode(x_source)},
            "target": {"name": "target", "embeddings": encode(x_target)},
            "task": {"type": "classification", "num_classes": 10, "labeled_examples": 110,
                     "source_modality": "image", "target_modality": "image"},
            "options": {"seed": 0}}


def section_low_rank(args: argparse.Namespace) -> None:
    d, n_target, n_source = 1024, 110, 80
    print(f"\n## 5. Low-rank Gaussian path: default metric set, target {n_target} × {d:,} vs source "
          f"{n_source} × {d:,} (embeddings, no labels)")
    print(f"BLAS: {blas_kernel()}")
    rng = np.random.default_rng(5)
    x_source = rng.standard_normal((n_source, d))
    x_target = 1.1 * rng.standard_normal((n_target, d)) + 0.05
    runs: dict[str, list[dict[str, float]]] = {"full": [], "low_rank": []}
    values: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeats):
        for path in runs:
            with gaussian_path(path):
                start = time.perf_counter()
                inputs = MetricInputs(Summary.from_rows(x_source), Summary.from_rows(x_target),
                                      x_source, x_target)
                run = compute_metrics(inputs)
                seconds = dict(run.seconds, total=time.perf_counter() - start)
            runs[path].append(seconds)
            values[path] = run.results
    print("| metric | d × d path s (before) | low-rank s (after) | speed-up | value |after − before| "
          "/ before | baseline |after − before| / before |")
    print("|---|---|---|---|---|---|")
    for key in runs["full"][0]:
        before = statistics.median(r[key] for r in runs["full"])
        after = statistics.median(r[key] for r in runs["low_rank"])
        diffs = ["", ""]
        if key in GAUSSIAN_METRICS:
            old, new = values["full"][key], values["low_rank"][key]
            assert new.details["path"] == "low_rank"
            assert old.details["path"] == "full"
            old_base, new_base = old.details["baseline"], new.details["baseline"]
            diffs = [f"{abs(new.value - old.value) / abs(old.value):.1e}",
                     f"{abs(new_base - old_base) / abs(old_base):.1e}"]
        print(f"| {key} | {before:.4f} | {after:.4f} | {before / max(after, 1e-9):.0f}x | "
              f"{diffs[0]} | {diffs[1]} |")
    print("(total includes summarising both sides; Fréchet's difference is the d × d path's own "
          "round-off on singular covariances — see tests/unit/test_lowrank.py)")
    section_low_rank_http(args, x_source, x_target)
    section_low_rank_frechet(args)


def section_low_rank_http(args: argparse.Namespace, x_source: np.ndarray, x_target: np.ndarray) -> None:
    try:
        from fastapi.testclient import TestClient

        from transfer_advisor.app import create_app
        from transfer_advisor.settings import Settings
    except ImportError as exc:
        print(f"  POST /assess not timed: the app is not importable here ({exc})")
        return
    body = assess_body(x_source, x_target)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=os.path.join(tmp, "data"), auth="disabled")
        with TestClient(create_app(settings)) as client:
            print("\nThrough POST /assess (TestClient, SQLite; the same rows as base64 float64):")
            print("| path | seconds (median) | status |")
            print("|---|---|---|")
            for path in ("full", "low_rank"):
                with gaussian_path(path):
                    status: list[int] = []
                    seconds, _ = timed(lambda: status.append(  # noqa: B023
                        client.post("/assess", json=body).status_code), args.repeats)
                print(f"| {path} | {seconds:.3f} | {sorted(set(status))} |")


def section_low_rank_frechet(args: argparse.Namespace) -> None:
    n, d = 200, 2048
    print(f"\nFréchet from rows, n = {n} per side, d = {d:,} (pytorch-fid: np.cov + "
          "calculate_frechet_distance, its own pipeline from activations):")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((n, d))
    y = rng.standard_normal((n, d)) @ (np.eye(d) + 0.3 * rng.standard_normal((d, d)) / np.sqrt(d)) + 0.1
    t_low, low = timed(lambda: lowrank.frechet_distance(lowrank.LowRankPair.from_rows(x, y)),
                       args.repeats)
    t_full, full = timed(lambda: gaussian.frechet_distance(Summary.from_rows(x), Summary.from_rows(y)),
                         args.fid_repeats)
    print("| run | seconds (median) | FD |")
    print("|---|---|---|")
    print(f"| ours, low-rank (centre + U_a U_bᵀ + singular values) | {t_low:.4f} | {low.value:.12g} |")
    print(f"| ours, d × d path (summaries + Cholesky/eigh) | {t_full:.3f} | {full.value:.12g} |")
    fid = load_pytorch_fid()
    if fid is None:
        print("pytorch-fid not available: ours only (run bench/setup_bench_env.sh for the peer)")
        return

    def peer() -> float:
        return float(fid(x.mean(0), np.cov(x, rowvar=False), y.mean(0), np.cov(y, rowvar=False)))

    t_fid, value = timed(peer, args.fid_repeats)
    print(f"| pytorch-fid (scipy sqrtm) | {t_fid:.3f} | {value:.12g} |")
    print(f"\nspeed-up low-rank vs pytorch-fid: {t_fid / t_low:.0f}x; |ours − pytorch-fid| / FD = "
          f"{abs(low.value - value) / abs(value):.1e}; |low-rank − d × d| / FD = "
          f"{abs(low.value - full.value) / abs(full.value):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, single repeats")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--alibi-permutations", type=int, default=200)
    parser.add_argument("--alibi-repeats", type=int, default=1)
    parser.add_argument("--fid-dim", type=int, default=2048)
    parser.add_argument("--fid-repeats", type=int, default=1)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")],
                        default=[1000, 5000, 20000, 100000])
    parser.add_argument("--full-check-max", type=int, default=5000,
                        help="largest n per side whose full-data MMD² is computed for the error row")
    parser.add_argument("--sections", default="12345")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.alibi_permutations, args.fid_dim = 2, 20, 512
        args.sizes = [1000, 5000]
    print(f"# shift-test benchmark: numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print(f"# BLAS: {blas_kernel()}")
    sections = {"1": section_mmd, "2": section_frechet, "3": section_latency, "4": section_scaling,
                "5": section_low_rank}
    for key in args.sections:
        sections[key](args)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f} (other processes share these cores)")


if __name__ == "__main__":
    main()
