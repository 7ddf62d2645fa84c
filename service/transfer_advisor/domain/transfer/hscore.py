"""H-score and its Ledoit–Wolf shrinkage variant.

    H   = tr( Σ_f⁺ Σ_g )                           (Bao et al., ICIP 2019)
    H_a = tr( Σ_a⁻¹ (1 − a) Σ_g ),  Σ_a = (1 − a) S + a (tr S / d) I   (Ibrahim et al., 2022)

Σ_f: feature covariance (divisor n − 1); Σ_g: covariance of the rows replaced by their class
means, i.e. the between-class scatter Σ_c n_c (μ_c − μ)(μ_c − μ)ᵀ / (n − 1); S: the empirical
covariance (divisor n) and a the Ledoit–Wolf (2004) shrinkage, computed as scikit-learn's
`ledoit_wolf_shrinkage`. Range [0, C − 1]; higher = classes better separated by the features.
`details["normalized"]` = H / (C − 1) lies in [0, 1]. H saturates at C − 1 when d ≥ n.

Both traces are evaluated in the eigenbasis of the scatter matrix of the smaller side
(d × d when n > d, the n × n kernel otherwise): H = Σ_c n_c Σ_i (v_iᵀ(μ_c − μ))² / λ_i.
Pseudo-inverse cut-off: eigenvalues ≤ λ_max · max(n, d) · ε are treated as zero (the numerical
rank); the reference's rcond = 1e-15 sits below the eigen-solver's round-off floor.

Reference: thuml/Transfer-Learning-Library `tllib/ranking/hscore.py` (`h_score`,
`regularized_h_score`). Golden values: reference/transferability/values.json ("H-score",
"H-score-shrinkage").
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from ..results import MetricNotApplicable, MetricResult
from ..summary import Summary
from ._common import (
    EncodedLabels,
    Matrix,
    Vector,
    as_features,
    encode_labels,
    finite_or_raise,
    require_variation,
)


def h_score(features: ArrayLike, labels: ArrayLike) -> MetricResult:
    """H-score of features (n, d) for integer labels (n,). Higher = more transferable.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> result = h_score(features, labels)
    >>> round(result.value, 4), round(result.details["normalized"], 4)  # H / (C − 1)
    (1.5654, 0.7827)
    """
    x, enc = _prepare(features, labels)
    eigenvalues, proj2 = _scatter_spectrum(x - x.mean(axis=0), enc)
    n = x.shape[0]
    # Σ_f = scatter / (n − 1); Σ_g = Σ_c n_c m_c m_cᵀ / (n − 1): the (n − 1) cancel.
    return _result(_trace(eigenvalues, proj2, enc.counts.astype(np.float64)),
                   enc.num_classes, n, x.shape[1], int(eigenvalues.size))


def shrinkage_h_score(features: ArrayLike, labels: ArrayLike) -> MetricResult:
    """Shrinkage (regularised) H-score with the Ledoit–Wolf covariance. Higher = better.

    H_a = (1 − a) Σ_c n_c/(n − 1) Σ_i (v_iᵀ m_c)² / ((1 − a) λ_i/n + a μ),  μ = tr(S)/d,
    where λ_i are eigenvalues of the centred scatter XᵀX (so S = XᵀX / n) and m_c = μ_c − μ.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> round(shrinkage_h_score(features, labels).value, 4)
    1.3485
    """
    x, enc = _prepare(features, labels)
    n, d = x.shape
    xc = x - x.mean(axis=0)
    shrinkage, mu = _ledoit_wolf(xc)
    eigenvalues, proj2 = _scatter_spectrum(xc, enc, keep_all=shrinkage > 0.0)
    denominators = (1.0 - shrinkage) * eigenvalues / n + shrinkage * mu
    keep = denominators > 0.0
    weights = enc.counts.astype(np.float64) / (n - 1)
    value = (1.0 - shrinkage) * float((proj2[keep] / denominators[keep, None]).sum(axis=0) @ weights)
    result = _result(value, enc.num_classes, n, d, int(eigenvalues.size))
    details = dict(result.details)
    details["shrinkage"] = shrinkage
    details["estimator"] = "Ledoit-Wolf (2004), as scikit-learn's LedoitWolf"
    return MetricResult(result.value, None, details)


def h_score_from_summary(summary: Summary) -> MetricResult:
    """H-score from count, mean, covariance, class counts and class means (no rows).

    Exact (same value as `h_score` on the rows) when the class statistics describe the summary's
    rows (Σ n_c == count). Otherwise Σ_f is the covariance of all summarised rows and Σ_g the
    between-class covariance of the labeled subset about its own mean, divisor n_l − 1; then
    `details["exact"]` is False.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> round(h_score_from_summary(Summary.from_rows(features, labels)).value, 4)
    1.5654
    """
    if summary.class_counts is None or summary.class_means is None:
        raise MetricNotApplicable("the summary has no class_counts/class_means")
    counts_all = np.asarray(summary.class_counts, dtype=np.float64)
    present = counts_all > 0
    counts = counts_all[present]
    means = np.asarray(summary.class_means, dtype=np.float64)[present]
    if counts.shape[0] < 2:
        raise MetricNotApplicable(
            f"needs at least 2 classes with examples; found {counts.shape[0]}")
    n_l = float(counts.sum())
    if n_l <= counts.shape[0]:
        raise MetricNotApplicable("needs more labeled rows than classes (every class has one row)")
    if n_l > summary.count:
        raise MetricNotApplicable(
            f"class_counts sum to {int(n_l)}, more than the summary's count {summary.count}")
    if not np.any(summary.m2):
        raise MetricNotApplicable("the summary's covariance is zero: features are constant")
    exact = int(n_l) == summary.count
    centre = summary.mean if exact else counts @ means / n_l
    centred = means - centre  # (C, d)
    # Both covariances with divisor (n − 1): scale Σ_f's scatter to the labeled count.
    scatter = summary.m2 * ((n_l - 1.0) / max(summary.count - 1, 1))
    values, vectors = scipy.linalg.eigh(scatter, check_finite=False, driver="evd")
    keep = values > _tolerance(values, summary.count, summary.dim)
    proj2 = (vectors[:, keep].T @ centred.T) ** 2
    value = _trace(values[keep], proj2, counts)
    result = _result(value, int(counts.shape[0]), int(n_l), summary.dim, int(keep.sum()))
    details = dict(result.details)
    details["exact"] = exact
    details["moments_from"] = "summary"
    return MetricResult(result.value, None, details)


def _prepare(features: ArrayLike, labels: ArrayLike) -> tuple[Matrix, EncodedLabels]:
    x = as_features(features)
    enc = encode_labels(labels, x.shape[0])
    require_variation(x)
    return x, enc


def _tolerance(eigenvalues: Vector, n: int, d: int) -> float:
    top = float(eigenvalues.max()) if eigenvalues.size else 0.0
    return max(top, 0.0) * max(n, d) * float(np.finfo(np.float64).eps)


def _scatter_spectrum(
    xc: Matrix, enc: EncodedLabels, *, keep_all: bool = False
) -> tuple[Vector, Matrix]:
    """Eigenvalues λ (k,) of the centred scatter XcᵀXc on its range and (v_iᵀ m_c)² (k, C).

    m_c = class mean − overall mean. When n ≤ d the range is found from the n × n kernel:
    v_i = Xcᵀ u_i / √λ_i, so v_iᵀ m_c = u_iᵀ (Xc m_c) / √λ_i. With `keep_all` (shrinkage > 0)
    the d × d path keeps every eigenvalue; the class means have no component outside the range.
    """
    n, d = xc.shape
    weights = enc.one_hot() / enc.counts[None, :]  # (n, C): column c averages class c
    if n > d:
        values, vectors = scipy.linalg.eigh(xc.T @ xc, check_finite=False, driver="evd")
        keep = (np.ones_like(values, dtype=bool) if keep_all
                else values > _tolerance(values, n, d))
        centred_means = weights.T @ xc  # (C, d)
        values = np.clip(values[keep], 0.0, None)
        return values, (vectors[:, keep].T @ centred_means.T) ** 2
    kernel = xc @ xc.T
    values, vectors = scipy.linalg.eigh(kernel, check_finite=False, driver="evd")
    keep = values > _tolerance(values, n, d)
    projected = vectors[:, keep].T @ (kernel @ weights)  # u_iᵀ Xc m_c, (k, C)
    return values[keep], projected**2 / values[keep, None]


def _trace(eigenvalues: Vector, proj2: Matrix, counts: Vector) -> float:
    """Σ_c n_c Σ_i proj2[i, c] / λ_i, i.e. tr(scatter⁺ · between-class scatter)."""
    return float((proj2 / eigenvalues[:, None]).sum(axis=0) @ counts)


def _ledoit_wolf(xc: Matrix) -> tuple[float, float]:
    """Ledoit–Wolf shrinkage a and target scale μ = tr(S)/d for centred rows xc (n, d).

    β̂ = (Σ_i ‖x_i‖⁴ / n − ‖XᵀX‖²_F / n²) / (d n),  δ̂ = (‖XᵀX‖²_F / n² − 2 μ tr S + d μ²) / d,
    a = min(β̂, δ̂) / δ̂ (0 when β̂ = 0), S = XᵀX / n — scikit-learn's `ledoit_wolf_shrinkage`.
    """
    n, d = xc.shape
    if d == 1:
        return 0.0, float(np.sum(xc**2) / n)
    row_sq = np.einsum("ij,ij->i", xc, xc)
    trace_s = float(row_sq.sum()) / n
    mu = trace_s / d
    small = xc.T @ xc if n > d else xc @ xc.T  # same nonzero spectrum, same Frobenius norm
    delta_ = float(np.sum(small * small)) / n**2
    beta_ = float(np.sum(row_sq**2))
    beta = (beta_ / n - delta_) / (d * n)
    delta = (delta_ - 2.0 * mu * trace_s + d * mu**2) / d
    beta = min(beta, delta)
    shrinkage = 0.0 if beta == 0 else beta / delta
    return float(shrinkage), float(mu)


def _result(value: float, num_classes: int, n: int, d: int, rank: int) -> MetricResult:
    value = finite_or_raise(value, "H-score")
    return MetricResult(value=value, p_value=None, details={
        "normalized": value / (num_classes - 1), "num_classes": num_classes,
        "n": n, "dim": d, "rank": rank, "range": [0.0, float(num_classes - 1)]})
