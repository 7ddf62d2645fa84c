"""Shift metrics between Gaussians fitted to two summaries (mean and covariance only).

These need no rows, so summary-only requests get them too. All are symmetric in their
arguments except where noted, lower = closer, and exactly 0 for identical summaries. Each takes
`Summary` or `GaussianFit` sides: a fit carries its covariance's factorisations, so metrics (and
baselines) given the same fits factorise each covariance once. With rows and fewer of them than
dimensions, `lowrank` computes the covariance metrics in O(n²d).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..linalg import (
    cholesky_lower,
    invert_lower,
    logdet_cholesky,
    lower_congruence,
    solve_lower,
    solve_lower_by_lower,
    symmetric_eigenvalues,
    symmetrize,
)
from ..results import MetricResult
from ..summary import Summary
from .gaussian_fit import GaussianFit, as_fit

Matrix = NDArray[np.float64]
Side = Summary | GaussianFit

# Shrinkage towards a scaled identity for the divergences that invert covariances. A small fixed
# amount keeps singular (n < d) covariances usable; the value is recorded in `details`.
DIVERGENCE_SHRINKAGE = 1e-3
# `details.path` of these d × d computations; `lowrank` computes the same values from rows.
PATH = "full"


def frechet_distance(a: Side, b: Side) -> MetricResult:
    """Squared Fréchet (2-Wasserstein) distance between N(μa, Σa) and N(μb, Σb).

    d² = ‖μa − μb‖² + tr Σa + tr Σb − 2 tr (Σa^½ Σb Σa^½)^½
    Shapes: means (d,), covariances (d, d) symmetric PSD. Lower = closer; clamped at 0.
    The trace term is Σ √λᵢ over the eigenvalues of Σa^½ Σb Σa^½ — those of Fᵀ Σb F for any
    factor Σa = F Fᵀ, whose nonzero ones are also those of Σb^½ Σa Σb^½ (both are Σa Σb's), so
    `_cross_eigenvalues` factors whichever side is cheaper and solves for eigenvalues only. The
    matrices stay symmetric, so the result is real and stable, unlike scipy's `sqrtm` of the
    non-symmetric product Σa Σb. When neither covariance is definite and no rows are at hand,
    the square roots of round-off eigenvalues leave ~1e-8 relative error; `lowrank` (rows,
    n < d) has none.
    Reference: Dowson & Landau (1982); Heusel et al. (2017). Golden values: pytorch-fid rows
    of reference/shift/values.json.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> round(frechet_distance(Summary.from_rows(x), Summary.from_rows(x + [3.0, 4.0])).value, 9)
    25.0
    """
    a, b = as_fit(a), as_fit(b)
    cross_eigenvalues = _cross_eigenvalues(a, b)
    gap = a.mean - b.mean
    d2 = gap @ gap + a.trace + b.trace - 2.0 * float(np.sqrt(cross_eigenvalues).sum())
    return MetricResult(value=max(float(d2), 0.0), details={
        "dim": a.dim, "mean_term": float(gap @ gap), "n_source": a.count, "n_target": b.count,
        "path": PATH})


def _cross_eigenvalues(a: GaussianFit, b: GaussianFit) -> NDArray[np.float64]:
    """The eigenvalues of Σa^½ Σb Σa^½ (clipped at 0), up to zeros, by the cheapest factor.

    In this order: rows (n − 1 < d) of either side — U_a Σb U_aᵀ, or with rows on both sides
    C Cᵀ for C = U_a U_bᵀ, at most n × n —; b's Cholesky factor (Lᵀ Σa L by LAPACK sygst, d³
    flops: b is the target, whose factor the parametric baseline draws with and a ranking's
    candidates share); a's; an eigendecomposition of Σa (neither is definite).
    """
    rows_a, rows_b = a.scaled_rows, b.scaled_rows
    if rows_a is not None and rows_b is not None:
        small, large = (rows_a, rows_b) if len(rows_a) <= len(rows_b) else (rows_b, rows_a)
        cross = small @ large.T  # (n_small, n_large)
        # C Cᵀ as BLAS syrk writes it: the lower triangle, Fortran-ordered, as the solver reads it
        gram = scipy.linalg.blas.dsyrk(1.0, cross.T, trans=1, lower=1)
        return _clipped_eigenvalues(gram, overwrite=True)
    if rows_a is not None:
        return _clipped_eigenvalues(symmetrize(rows_a @ b.cov @ rows_a.T))
    if rows_b is not None:
        return _clipped_eigenvalues(symmetrize(rows_b @ a.cov @ rows_b.T))
    for first, second in ((b, a), (a, b)):
        if first.cholesky is not None:  # sygst writes the lower triangle, all the solve reads
            return _clipped_eigenvalues(lower_congruence(first.cholesky, second.cov),
                                        overwrite=True)
    root = a.root.factor
    return _clipped_eigenvalues(symmetrize(root.T @ b.cov @ root))


def _clipped_eigenvalues(sym: Matrix, *, overwrite: bool = False) -> NDArray[np.float64]:
    """Eigenvalues of a symmetric matrix, from its lower triangle, clipped at 0.

    `overwrite`: `sym` is a temporary the solver may destroy.
    """
    return np.clip(symmetric_eigenvalues(sym, overwrite=overwrite), 0.0, None)


def coral_distance(a: Side, b: Side) -> MetricResult:
    """CORAL loss ‖Σa − Σb‖²_F / (4 d²) (Sun & Saenko, 2016). Lower = closer.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> coral_distance(Summary.from_rows(x), Summary.from_rows(2.0 * x)).value  # ‖4I‖² / 16
    2.0
    """
    a, b = as_fit(a), as_fit(b)
    d = a.dim
    diff = a.cov - b.cov
    return MetricResult(value=float(np.sum(diff * diff)) / (4.0 * d * d),
                        details={"dim": d, "path": PATH})


def mean_cosine_distance(a: Side, b: Side) -> MetricResult:
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


def gaussian_kl_divergence(a: Side, b: Side, shrinkage: float = DIVERGENCE_SHRINKAGE) -> MetricResult:
    """Symmetrised KL divergence ½[KL(Na‖Nb) + KL(Nb‖Na)] between fitted Gaussians.

    KL(a‖b) + KL(b‖a) = ½[tr(Σb⁻¹Σa) + tr(Σa⁻¹Σb) + Δμᵀ(Σa⁻¹ + Σb⁻¹)Δμ − 2d]; the log-det terms
    cancel. Covariances are shrunk by `shrinkage` towards (tr Σ/d)·I first. Lower = closer.
    With Cholesky factors L of the shrunk covariances and T = L_b⁻¹ L_a (triangular, d³/3 flops):
    tr(Σb⁻¹Σa) = ‖T‖²_F, tr(Σa⁻¹Σb) = ‖T⁻¹‖²_F (T⁻¹ another d³/3) and
    Δμᵀ Σ⁻¹ Δμ = ‖L⁻¹ Δμ‖²; no explicit inverse of a covariance.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> a, b = Summary.from_rows(x), Summary.from_rows(x + [1.0, 0.0])
    >>> round(gaussian_kl_divergence(a, b).value, 6)  # ½ Δμᵀ Σ⁻¹ Δμ with Σ = 4/3 I
    0.375
    """
    a, b = as_fit(a), as_fit(b)
    shrunk_a, shrunk_b = a.shrunk(shrinkage), b.shrunk(shrinkage)
    ratio = solve_lower_by_lower(shrunk_b.factor, shrunk_a.factor)  # T = L_b⁻¹ L_a
    inverse = invert_lower(ratio)  # T⁻¹ = L_a⁻¹ L_b
    gap = a.mean - b.mean
    whitened_a, whitened_b = solve_lower(shrunk_a.factor, gap), solve_lower(shrunk_b.factor, gap)
    d = a.dim
    both = (_squared_norm(ratio) + _squared_norm(inverse)
            + float(whitened_a @ whitened_a) + float(whitened_b @ whitened_b) - 2 * d)
    value = 0.25 * both  # ½ of the sum of the two KLs, each ½[…]
    return MetricResult(value=max(value, 0.0), details={"shrinkage": shrinkage, "dim": d, "path": PATH})


def _squared_norm(m: Matrix) -> float:
    """‖M‖²_F, one dot product over M's memory in its own order.

    LAPACK's results are Fortran-ordered; np.vdot would copy them to C order first.
    """
    flat = m.ravel(order="K")
    return float(flat @ flat)


def bhattacharyya_distance(a: Side, b: Side, shrinkage: float = DIVERGENCE_SHRINKAGE) -> MetricResult:
    """Bhattacharyya distance between fitted Gaussians.

    D_B = ⅛ Δμᵀ Σ⁻¹ Δμ + ½ ln(det Σ / √(det Σa det Σb)),  Σ = (Σa + Σb)/2.
    Covariances shrunk as in `gaussian_kl_divergence`; their log-determinants come with their
    Cholesky factors, Σ's (one more Cholesky) gives the rest. Lower = closer.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> a, b = Summary.from_rows(x), Summary.from_rows(x + [1.0, 0.0])
    >>> round(bhattacharyya_distance(a, b).value, 6)  # ⅛ Δμᵀ Σ⁻¹ Δμ, equal covariances
    0.09375
    """
    a, b = as_fit(a), as_fit(b)
    shrunk_a, shrunk_b = a.shrunk(shrinkage), b.shrunk(shrinkage)
    mixture = a.cov + b.cov
    mixture *= 0.5 * (1.0 - shrinkage)
    mixture.flat[:: a.dim + 1] += 0.5 * (shrunk_a.alpha + shrunk_b.alpha)
    factor = cholesky_lower(mixture, overwrite=True)
    whitened = solve_lower(factor, a.mean - b.mean)
    mahalanobis = float(whitened @ whitened)
    log_ratio = logdet_cholesky(factor) - 0.5 * (shrunk_a.logdet + shrunk_b.logdet)
    value = mahalanobis / 8.0 + 0.5 * log_ratio
    return MetricResult(value=max(value, 0.0),
                        details={"shrinkage": shrinkage, "dim": a.dim, "path": PATH})
