"""A compact picture of the shift between two summaries, kept in the audit record for reports.

Not a metric (no decision reads it): the few numbers a per-assessment report needs to plot the
shift without the rows or the full d × d moments, bounded in size whatever d is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..summary import Summary

TOP_DIMS = 16
EXACT_PCA_MAX_DIM = 64
SUBSPACE_COLUMNS = 6
SUBSPACE_ITERATIONS = 4


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def standardised_mean_shift(source: Summary, target: Summary) -> NDArray[np.float64]:
    """Per-dimension mean shift in pooled standard deviations.

    z_j = (μt_j − μs_j) / sqrt((σ²s_j + σ²t_j) / 2), and z_j = 0 where both variances are 0.
    Shapes: source.mean, target.mean (d,); returns (d,). Sign: positive = higher on the target.
    """
    var_s = np.diag(source.m2) / max(source.count - 1, 1)  # the diagonal only, no d × d copy
    var_t = np.diag(target.m2) / max(target.count - 1, 1)
    sd = np.sqrt((var_s + var_t) / 2.0)
    diff = target.mean - source.mean
    safe = np.where(sd > 0, sd, 1.0)
    return np.asarray(np.where(sd > 0, diff / safe, 0.0), dtype=np.float64)


def top_directions(cov: NDArray[np.float64], k: int = 2) -> NDArray[np.float64]:
    """(d, k) orthonormal directions of largest variance of a PSD `cov` (d, d).

    Exact (eigh) up to d = 64; above, a seeded block subspace iteration (6 columns, 4 rounds),
    which costs O(d² · 6) per round instead of O(d³). Each column's sign is fixed so that its
    largest-magnitude entry is positive (deterministic output).
    """
    d = cov.shape[0]
    if d <= EXACT_PCA_MAX_DIM:
        _, vectors = np.linalg.eigh(cov)
        basis = vectors[:, ::-1][:, :k]
    else:
        q, _ = np.linalg.qr(cov @ np.random.default_rng(0).standard_normal((d, SUBSPACE_COLUMNS)))
        for _ in range(SUBSPACE_ITERATIONS):
            q, _ = np.linalg.qr(cov @ q)
        values, small = np.linalg.eigh(q.T @ cov @ q)
        basis = (q @ small[:, np.argsort(values)[::-1]])[:, :k]
    signs = np.sign(basis[np.argmax(np.abs(basis), axis=0), np.arange(basis.shape[1])])
    return np.asarray(basis * np.where(signs == 0, 1.0, signs), dtype=np.float64)


def shift_profile(source: Summary, target: Summary, top: int = TOP_DIMS) -> dict[str, Any]:
    """The report's shift picture: largest per-dimension mean shifts and a 2-D PCA of both sides.

    `top_dims`: [[dimension, z]] for the `top` largest |z| (see `standardised_mean_shift`);
    `share_over_half_sd`: fraction of dimensions with |z| > 0.5; `pca` (d ≥ 2): each side's
    mean (2,) and covariance (2, 2) on the top two directions of the pooled covariance (both
    sides' rows together, from the merged moments), centred on the pooled mean, and the share
    of the pooled variance each direction explains. Size O(top), whatever d is.
    """
    z = standardised_mean_shift(source, target)
    order = np.argsort(-np.abs(z), kind="stable")[:top]
    profile: dict[str, Any] = {
        "dims": source.dim,
        "top_dims": [[int(j), _round(float(z[j]))] for j in order],
        "mean_abs_z": _round(float(np.mean(np.abs(z)))),
        "share_over_half_sd": _round(float(np.mean(np.abs(z) > 0.5))),
        "pca": None,
    }
    if source.dim < 2:
        return profile
    n = source.count + target.count
    delta = target.mean - source.mean
    pooled_mean = source.mean + delta * (target.count / n)
    pooled_cov = source.m2 + target.m2  # one d × d allocation, scaled in place
    pooled_cov += np.outer(delta, delta) * (source.count * target.count / n)
    pooled_cov /= max(n - 1, 1)
    basis = top_directions(pooled_cov)
    total = float(np.trace(pooled_cov))
    explained = [float(b @ pooled_cov @ b) / total if total > 0 else 0.0 for b in basis.T]
    profile["pca"] = {"explained": [_round(e) for e in explained], "method": (
        "eigh" if source.dim <= EXACT_PCA_MAX_DIM else "subspace iteration (6 columns, 4 rounds)")}
    for name, side in (("source", source), ("target", target)):
        centre = basis.T @ (side.mean - pooled_mean)
        cov2 = (side.m2 @ basis).T @ basis / max(side.count - 1, 1)
        profile["pca"][name] = {"mean": [_round(float(v)) for v in centre],
                                "cov": [[_round(float(v)) for v in r] for r in cov2]}
    return profile
