"""Shift metrics between Gaussians fitted to two summaries (mean and covariance only).

These need no rows, so summary-only requests get them too. All are symmetric in their
arguments except where noted, lower = closer, and exactly 0 for identical summaries. With rows
and fewer of them than dimensions, `lowrank` computes the covariance metrics in O(n²d).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..linalg import logdet_psd, psd_eigh, psd_sqrt, shrink, symmetric_eigenvalues, symmetrize
from ..results import MetricResult
from ..summary import Summary

Matrix = NDArray[np.float64]

# Shrinkage towards a scaled identity for the divergences that invert covariances. A small fixed
# amount keeps singular (n < d) covariances usable; the value is recorded in `details`.
DIVERGENCE_SHRINKAGE = 1e-3
# `details.path` of these d × d computations; `lowrank` computes the same values from rows.
PATH = "full"


def frechet_distance(a: Summary, b: Summary) -> MetricResult:
    """Squared Fréchet (2-Wasserstein) distance between N(μa, Σa) and N(μb, Σb).

    d² = ‖μa − μb‖² + tr Σa + tr Σb − 2 tr (Σa^½ Σb Σa^½)^½
    Shapes: means (d,), covariances (d, d) symmetric PSD. Lower = closer; clamped at 0.
    The trace term is Σ √λᵢ over the eigenvalues of Σa^½ Σb Σa^½ — the same as those of
    Lᵀ Σb L for any factor Σa = L Lᵀ. A Cholesky factor and eigenvalues only (no
    eigenvectors) is the fast path; a singular Σa (n ≤ d) falls back to the symmetric square
    root by eigendecomposition. Either way the matrices stay symmetric, so the result is real
    and stable, unlike scipy's `sqrtm` of the non-symmetric product Σa Σb. On a singular Σa the
    square roots of its round-off eigenvalues leave ~1e-8 relative error; `lowrank` (rows, n < d)
    has none.
    Reference: Dowson & Landau (1982); Heusel et al. (2017). Golden values: pytorch-fid rows
    of reference/shift/values.json.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> round(frechet_distance(Summary.from_rows(x), Summary.from_rows(x + [3.0, 4.0])).value, 9)
    25.0
    """
    cross_eigenvalues = _cross_eigenvalues(a.cov, b.cov)
    gap = a.mean - b.mean
    d2 = (gap @ gap + np.trace(a.cov) + np.trace(b.cov)
          - 2.0 * float(np.sqrt(cross_eigenvalues).sum()))
    return MetricResult(value=max(float(d2), 0.0), details={
        "dim": a.dim, "mean_term": float(gap @ gap), "n_source": a.count, "n_target": b.count,
        "path": PATH})


def _cross_eigenvalues(cov_a: Matrix, cov_b: Matrix) -> NDArray[np.float64]:
    """Eigenvalues (clipped at 0) of Σa^½ Σb Σa^½, via Cholesky when Σa is positive definite."""
    try:
        factor = np.linalg.cholesky(cov_a)
    except np.linalg.LinAlgError:
        root_a = psd_sqrt(cov_a)
        return psd_eigh(root_a @ cov_b @ root_a)[0]
    values = symmetric_eigenvalues(symmetrize(factor.T @ cov_b @ factor))
    return np.clip(values, 0.0, None)


def coral_distance(a: Summary, b: Summary) -> MetricResult:
    """CORAL loss ‖Σa − Σb‖²_F / (4 d²) (Sun & Saenko, 2016). Lower = closer.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> coral_distance(Summary.from_rows(x), Summary.from_rows(2.0 * x)).value  # ‖4I‖² / 16
    2.0
    """
    d = a.dim
    diff = a.cov - b.cov
    return MetricResult(value=float(np.sum(diff * diff)) / (4.0 * d * d),
                        details={"dim": d, "path": PATH})


def mean_cosine_distance(a: Summary, b: Summary) -> MetricResult:
    """1 − cos(μa, μb): how far the centroids point apart; in [0, 2], 0 when parallel.

    Undefined when either mean is the zero vector; then 0 is returned only if both are.

    >>> x = np.array([[1.0, 0.0], [3.0, 0.0]])
    >>> mean_cosine_distance(Summary.from_rows(x), Summary.from_rows(-x)).value  # opposite
    2.0
    """
    return mean_cosine_of_means(a.mean, b.mean)


def mean_cosine_of_means(mean_a: NDArray[np.float64], mean_b: NDArray[np.float64]) -> MetricResult:
    """`mean_cosine_distance` from the two means (d,) alone."""
    na, nb = float(np.linalg.norm(mean_a)), float(np.linalg.norm(mean_b))
    if na == 0.0 or nb == 0.0:
        value = 0.0 if na == nb else 1.0
    else:
        value = 1.0 - float(mean_a @ mean_b) / (na * nb)
    return MetricResult(value=min(max(value, 0.0), 2.0), details={"norm_source": na, "norm_target": nb})


def gaussian_kl_divergence(a: Summary, b: Summary, shrinkage: float = DIVERGENCE_SHRINKAGE) -> MetricResult:
    """Symmetrised KL divergence ½[KL(Na‖Nb) + KL(Nb‖Na)] between fitted Gaussians.

    KL(a‖b) + KL(b‖a) = ½[tr(Σb⁻¹Σa) + tr(Σa⁻¹Σb) + Δμᵀ(Σa⁻¹ + Σb⁻¹)Δμ − 2d]; the log-det terms
    cancel. Covariances are shrunk by `shrinkage` towards (tr Σ/d)·I first. Lower = closer.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> a, b = Summary.from_rows(x), Summary.from_rows(x + [1.0, 0.0])
    >>> round(gaussian_kl_divergence(a, b).value, 6)  # ½ Δμᵀ Σ⁻¹ Δμ with Σ = 4/3 I
    0.375
    """
    cov_a, cov_b = shrink(a.cov, shrinkage), shrink(b.cov, shrinkage)
    inv_a, inv_b = np.linalg.inv(cov_a), np.linalg.inv(cov_b)
    gap = a.mean - b.mean
    d = a.dim
    both = (np.sum(inv_b * cov_a) + np.sum(inv_a * cov_b) + gap @ (inv_a + inv_b) @ gap - 2 * d)
    value = 0.25 * float(both)  # ½ of the sum of the two KLs, each ½[…]
    return MetricResult(value=max(value, 0.0), details={"shrinkage": shrinkage, "dim": d, "path": PATH})


def bhattacharyya_distance(
    a: Summary, b: Summary, shrinkage: float = DIVERGENCE_SHRINKAGE
) -> MetricResult:
    """Bhattacharyya distance between fitted Gaussians.

    D_B = ⅛ Δμᵀ Σ⁻¹ Δμ + ½ ln(det Σ / √(det Σa det Σb)),  Σ = (Σa + Σb)/2.
    Covariances shrunk as in `gaussian_kl_divergence`. Lower = closer.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> a, b = Summary.from_rows(x), Summary.from_rows(x + [1.0, 0.0])
    >>> round(bhattacharyya_distance(a, b).value, 6)  # ⅛ Δμᵀ Σ⁻¹ Δμ, equal covariances
    0.09375
    """
    cov_a, cov_b = shrink(a.cov, shrinkage), shrink(b.cov, shrinkage)
    cov = symmetrize(0.5 * (cov_a + cov_b))
    gap = a.mean - b.mean
    mahalanobis = float(gap @ np.linalg.solve(cov, gap))
    log_ratio = logdet_psd(cov) - 0.5 * (logdet_psd(cov_a) + logdet_psd(cov_b))
    value = mahalanobis / 8.0 + 0.5 * log_ratio
    return MetricResult(value=max(value, 0.0),
                        details={"shrinkage": shrinkage, "dim": a.dim, "path": PATH})
