"""Benchmark: our LogME vs a plain transliteration of the published algorithm, in one run.

The plain version below follows thuml/LogME `LogME.py` (`_fit_fixed_point` + `truncated_svd`,
the JMLR 2022 fast algorithm): an SVD of FᵀF, U = F V / s, then a Python loop over the target
columns, each running its own fixed-point iterations — numpy only (the reference JIT-compiles
`truncated_svd` with numba, which changes nothing for the LAPACK-bound parts). Ours
(`transfer_advisor.domain.transfer.logme.logme_score`) uses one symmetric eigendecomposition of
FᵀF reduced to tridiagonal form (LAPACK dsytrd, no eigenvectors), applies the Householder
reflectors to FᵀY (d × C) instead of forming U (n × d), and iterates all columns at once with
O(d) tridiagonal solves.

Usage:  python bench/transferability.py [--repeats 3] [--quick] [--others] [--threads 1]
Prints, per size, the median wall time of each, the ratio plain/ours and the relative
difference of the values (must be ~1e-12: same algorithm, n > d so the rank fix is inactive).
--others adds one timing each for the remaining estimators at the same sizes.
--threads sets the BLAS thread count before numpy loads (default 1: on a shared machine a
multi-threaded BLAS measures the scheduler more than the algorithm); 0 keeps the default.
The two implementations run alternately within each repeat, so load drift hits both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _threads_from_argv(argv: list[str]) -> int:
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


if (_THREADS := _threads_from_argv(sys.argv)) > 0:  # must precede the numpy import
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = str(_THREADS)

import numpy as np  # noqa: E402
from numpy.random import default_rng  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT / "service") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "service"))

from transfer_advisor.domain.transfer.gbc import gbc_score  # noqa: E402
from transfer_advisor.domain.transfer.hscore import h_score, shrinkage_h_score  # noqa: E402
from transfer_advisor.domain.transfer.logme import logme_score  # noqa: E402
from transfer_advisor.domain.transfer.probe import (  # noqa: E402
    knn_accuracy,
    linear_probe_accuracy,
)
from transfer_advisor.domain.transfer.transrate import transrate_score  # noqa: E402

Matrix = NDArray[np.float64]


def plain_truncated_svd(x: Matrix) -> tuple[Matrix, Matrix, Matrix]:
    """thuml/LogME `truncated_svd`: SVD of xᵀx, keep singular values > 1e-10."""
    u, s, vh = np.linalg.svd(x.transpose() @ x)
    s = np.sqrt(s)
    u_times_sigma = x @ vh.transpose()
    k = np.sum((s > 1e-10) * 1)
    s = s.reshape(-1, 1)
    s = s[:k]
    vh = vh[:k]
    u = u_times_sigma[:, :k] / s.reshape(1, -1)
    return u, s, vh


def plain_logme(f: Matrix, y: NDArray[Any]) -> float:
    """thuml/LogME `_fit_fixed_point` for classification labels y (n,), transliterated."""
    f = f.astype(np.float64)
    n, d = f.shape
    if n > d:
        u, s, _ = plain_truncated_svd(f)
    else:
        u, s, _ = np.linalg.svd(f, full_matrices=False)
    s = s.reshape(-1, 1)
    sigma = s**2
    evidences = []
    for i in range(int(y.max() + 1)):
        y_ = (y == i).astype(np.float64).reshape(-1, 1)
        x = u.T @ y_
        x2 = x**2
        res_x2 = (y_**2).sum() - x2.sum()
        alpha, beta = 1.0, 1.0
        for _ in range(11):
            t = alpha / beta
            gamma = (sigma / (sigma + t)).sum()
            m2 = (sigma * x2 / ((t + sigma) ** 2)).sum()
            res2 = (x2 / ((1 + sigma / t) ** 2)).sum() + res_x2
            alpha = gamma / (m2 + 1e-5)
            beta = (n - gamma) / (res2 + 1e-5)
            t_ = alpha / beta
            if abs(t_ - t) / t <= 1e-3:
                break
        evidence = (d / 2.0 * np.log(alpha) + n / 2.0 * np.log(beta)
                    - 0.5 * np.sum(np.log(alpha + beta * sigma))
                    - beta / 2.0 * res2 - alpha / 2.0 * m2 - n / 2.0 * np.log(2 * np.pi))
        evidences.append(evidence / n)
    return float(np.mean(evidences))


def make_data(n: int, d: int, classes: int, seed: int = 0) -> tuple[Matrix, NDArray[np.int64]]:
    """Class blobs in a low-rank-plus-noise embedding, like pooled network features."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=n)
    latent = rng.normal(size=(n, 64)) + 0.3 * rng.normal(size=(classes, 64))[labels]
    x = latent @ rng.normal(size=(64, d)) / 8.0 + rng.normal(size=(n, d)) + 0.5
    return x, labels.astype(np.int64)


def timed(fn: Callable[[], float], repeats: int) -> tuple[float, float]:
    times, value = [], float("nan")
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def alternate(
    first: Callable[[], float], second: Callable[[], float], repeats: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median time and last value of each, running first, second, first, second, ..."""
    times: tuple[list[float], list[float]] = ([], [])
    values = [float("nan"), float("nan")]
    for _ in range(repeats):
        for slot, fn in enumerate((first, second)):
            start = time.perf_counter()
            values[slot] = fn()
            times[slot].append(time.perf_counter() - start)
    return ((statistics.median(times[0]), values[0]), (statistics.median(times[1]), values[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="only n=2,000, d=384")
    parser.add_argument("--others", action="store_true", help="time the other estimators too")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0 = default)")
    args = parser.parse_args()
    sizes = [(2_000, 384, 10)] if args.quick else [(2_000, 384, 10), (10_000, 2_048, 10)]
    threads = args.threads if args.threads > 0 else "default"
    print(f"numpy {np.__version__}, BLAS threads={threads}, repeats={args.repeats} "
          f"(median wall time, alternating runs)")
    print("(sizes below 5e6 entries use at least 15 repeats)")
    print(f"{'n':>7} {'d':>6} {'C':>3} | {'plain s':>9} {'ours s':>9} {'ratio':>6} | "
          f"{'plain value':>14} {'ours value':>14} {'rel diff':>9}")
    for n, d, classes in sizes:
        x, y = make_data(n, d, classes)
        repeats = args.repeats if n * d > 5e6 else max(args.repeats, 15)  # small: cheap, noisy
        (plain_t, plain_v), (ours_t, ours_v) = alternate(
            lambda x=x, y=y: plain_logme(x, y),
            lambda x=x, y=y: logme_score(x, y).value, repeats)
        rel = abs(ours_v - plain_v) / abs(plain_v)
        print(f"{n:>7} {d:>6} {classes:>3} | {plain_t:>9.3f} {ours_t:>9.3f} "
              f"{plain_t / ours_t:>5.1f}x | {plain_v:>14.10f} {ours_v:>14.10f} {rel:>9.1e}",
              flush=True)
    if args.others:
        others: dict[str, Callable[[Matrix, NDArray[np.int64]], float]] = {
            "hscore": lambda x, y: h_score(x, y).value,
            "hscore_shrinkage": lambda x, y: shrinkage_h_score(x, y).value,
            "transrate": lambda x, y: transrate_score(x, y).value,
            "gbc (pca 64)": lambda x, y: gbc_score(x, y).value,
            "linear_probe (200 perms requested)":
                lambda x, y: linear_probe_accuracy(x, y, rng=default_rng(0)).value,
            "knn (200 perms)": lambda x, y: knn_accuracy(x, y, rng=default_rng(0)).value,
        }
        for n, d, classes in sizes:
            x, y = make_data(n, d, classes)
            for name, fn in others.items():
                t, v = timed(lambda fn=fn, x=x, y=y: fn(x, y), 1)
                print(f"  n={n} d={d}: {name:<36} {t:>7.3f} s  value {v:.6g}", flush=True)


if __name__ == "__main__":
    main()
