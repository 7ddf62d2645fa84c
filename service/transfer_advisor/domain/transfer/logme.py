"""LogME: log of the maximum marginal evidence of a Bayesian linear model on the features.

For one target column t (a one-hot class indicator, or one regression target):
    t = F w + ε,  w ~ N(0, α⁻¹ I_d),  ε ~ N(0, β⁻¹ I_n)
    L(α, β) = d/2 log α + n/2 log β − n/2 log 2π − β/2 ‖t − F m‖² − α/2 ‖m‖²
              − ½ log det(α I_d + β FᵀF),      m = β (α I + β FᵀF)⁻¹ Fᵀ t.
LogME = mean over the columns of max_{α,β} L / n. Higher = features explain the targets better.
No centring and no bias column, as in the reference.

Algorithm (You et al., JMLR 2022, Alg. 3; thuml/LogME `_fit_fixed_point`): with the spectrum
FᵀF = V diag(σ) Vᵀ, x = Uᵀ t (U = F V σ^-½, so x² = (Vᵀ Fᵀ t)² / σ), r₀ = ‖t‖² − ‖x‖², and
τ = α/β, iterate
    γ = Σ σᵢ/(σᵢ + τ),  ‖m‖² = Σ σᵢ xᵢ²/(τ + σᵢ)²,  ‖t − F m‖² = Σ xᵢ² τ²/(τ + σᵢ)² + r₀,
    α ← γ / (‖m‖² + 1e-5),  β ← (n − γ) / (‖t − F m‖² + 1e-5),
stopping when |Δτ|/τ ≤ 1e-3 (at most 11 steps); all target columns iterate together, each
stopping on its own rule, and the evidence uses the reference's final α, β, ‖m‖², ‖t − Fm‖².

How it is computed (faster than the reference, same values to round-off):
- n > d (and from moments): FᵀF is reduced once to tridiagonal form T = QᵀFᵀFQ (LAPACK dsytrd);
  σ are T's eigenvalues (O(d²)), c = Qᵀ Fᵀ Y costs O(d² C), and per iteration
  ‖m‖² = ‖u‖², ‖t − Fm‖² = ‖t‖² − cᵀu − τ‖u‖² with u = (T + τI)⁻¹ c, an O(d) solve.
  No eigenvectors and no U (n × d) are formed (the reference does an SVD of FᵀF and F V).
- n ≤ d: eigendecomposition of the n × n kernel F Fᵀ = U diag(σ) Uᵀ, x = Uᵀ t.

Rank-deficient fix: log det(α I_d + β FᵀF) = Σ_{i≤k} log(α + β σᵢ) + (d − k) log α for rank
k < d. The reference drops the (d − k) log α term (thuml/LogME issue #23, PR #24), which gives
+7.725 instead of −0.2192 on the n < d golden input; we keep it.

Because L depends on F only through FᵀF, Fᵀt, tᵀt and n, LogME for one-hot targets is
computable exactly from class counts, class means and the covariance (`logme_from_summary`).

Reference: You, Liu, Wang, Long, "LogME: Practical Assessment of Pre-trained Models for Transfer
Learning", ICML 2021; "Ranking and Tuning Pre-trained Models", JMLR 2022.
Golden values: reference/transferability/values.json (method "LogME", extra_checks).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from ..linalg import tridiagonalize
from ..results import MetricNotApplicable, MetricResult
from ..summary import Summary
from ._common import Labels, Matrix, Vector, as_features, encode_labels, finite_or_raise, require_variation

MAX_ITERATIONS = 11
RELATIVE_TOLERANCE = 1e-3
EPSILON = 1e-5  # the reference's guard in the α, β updates
_LOG_2PI = math.log(2.0 * math.pi)


def logme_score(
    features: ArrayLike, targets: ArrayLike, *, regression: bool = False
) -> MetricResult:
    """LogME of `features` (n, d) for `targets`.

    targets: labels (n,) of integers when `regression` is False (one column per class present);
    (n,) or (n, k) floats when `regression` is True. Value: mean per-sample log evidence over
    the target columns, higher = more transferable. Raises `MetricNotApplicable` for one class,
    fewer rows than classes, constant or all-zero features.
    Cost: the Gram matrix O(n d min(n, d)) plus one tridiagonalisation (n > d) or one
    eigendecomposition (n ≤ d) of the min(n, d)-sized Gram matrix.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> round(logme_score(features, labels).value, 4)
    -0.2551
    >>> round(logme_score(rng.normal(size=(60, 3)), labels).value, 4)  # noise ranks lower
    -0.87
    """
    f = as_features(features)
    n, d = f.shape
    require_variation(f)
    y, names = _target_matrix(targets, n, regression)
    target_sq = np.einsum("ij,ij->j", y, y)
    if n > d:
        return _result_from_gram(f.T @ f, f.T @ y, target_sq, n, names, regression=regression)
    else:
        kernel = f @ f.T
        values, vectors = scipy.linalg.eigh(kernel, check_finite=False)
        keep = values > _rank_tolerance(values, n, d)
        sigma = values[keep]
        x2 = (vectors[:, keep].T @ y) ** 2
        engine = _Spectral(sigma, x2, np.maximum(target_sq - x2.sum(axis=0), 0.0))
    return _evidence_result(sigma, engine, n, d, names, regression=regression)


def logme_from_moments(
    gram: ArrayLike,
    cross: ArrayLike,
    target_sq: ArrayLike,
    n: int,
    *,
    names: list[str] | None = None,
    regression: bool = False,
) -> MetricResult:
    """LogME from sufficient statistics: gram = FᵀF (d, d), cross = FᵀY (d, T), target_sq = diag(YᵀY) (T,).

    For one-hot classification: cross[:, c] = n_c μ_c and target_sq[c] = n_c. Same value as
    `logme_score` on the rows (up to round-off), at the cost of one d × d tridiagonalisation.
    """
    g = np.asarray(gram, dtype=np.float64)
    b = np.asarray(cross, dtype=np.float64)
    tsq = np.asarray(target_sq, dtype=np.float64).reshape(-1)
    if b.ndim == 1:
        b = b[:, None]
    d = g.shape[0]
    if g.shape != (d, d) or b.shape[0] != d or b.shape[1] != tsq.shape[0]:
        raise MetricNotApplicable(
            f"inconsistent moment shapes: gram {g.shape}, cross {b.shape}, target_sq {tsq.shape}")
    if not (np.isfinite(g).all() and np.isfinite(b).all() and np.isfinite(tsq).all()):
        raise MetricNotApplicable("moments contain NaN or infinite values")
    if n < 2:
        raise MetricNotApplicable(f"needs at least 2 rows, got {n}")
    labels = names if names is not None else [str(i) for i in range(tsq.shape[0])]
    return _result_from_gram(g, b, tsq, n, labels, regression=regression)


def logme_from_summary(summary: Summary) -> MetricResult:
    """Classification LogME from a summary with `class_counts` and `class_means`.

    Exact when the class statistics describe the same rows as the summary
    (Σ n_c == count): FᵀF = m2 + n μ μᵀ, FᵀY[:, c] = n_c μ_c, ‖y_c‖² = n_c.
    When the classes cover only a labeled subset of n_l < count rows, the subset's second
    moment is estimated by assuming its total scatter equals that of all rows scaled to n_l:
        W = clip_psd((n_l − 1)/(count − 1) · m2 − Σ_c n_c (μ_c − μ_l)(μ_c − μ_l)ᵀ),
        FᵀF ≈ W + Σ_c n_c μ_c μ_cᵀ,
    and `details["exact"]` is False.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> result = logme_from_summary(Summary.from_rows(features, labels))
    >>> round(result.value, 4), result.details["exact"]  # as logme_score on the rows
    (-0.2551, True)
    """
    counts, means, names = _summary_classes(summary)
    n_l = int(counts.sum())
    weighted = counts[:, None] * means  # (C, d): class sums
    exact = n_l == summary.count
    if exact:
        gram = summary.m2 + summary.count * np.outer(summary.mean, summary.mean)
    else:
        gram = _estimated_subset_gram(summary, counts, means)
    result = logme_from_moments(gram, weighted.T, counts.astype(np.float64), n_l,
                                names=names)
    details = dict(result.details)
    details["exact"] = exact
    details["moments_from"] = "summary"
    return MetricResult(result.value, None, details)


def _summary_classes(summary: Summary) -> tuple[Vector, Matrix, list[str]]:
    if summary.class_counts is None or summary.class_means is None:
        raise MetricNotApplicable("the summary has no class_counts/class_means")
    counts_all = np.asarray(summary.class_counts, dtype=np.float64)
    means_all = np.asarray(summary.class_means, dtype=np.float64)
    present = counts_all > 0
    if int(present.sum()) < 2:
        raise MetricNotApplicable(
            f"needs at least 2 classes with examples; found {int(present.sum())}")
    counts, means = counts_all[present], means_all[present]
    if counts.sum() <= counts.shape[0]:
        raise MetricNotApplicable("needs more labeled rows than classes (every class has one row)")
    if counts.sum() > summary.count:
        raise MetricNotApplicable(
            f"class_counts sum to {int(counts.sum())}, more than the summary's count {summary.count}")
    if not np.any(summary.m2):
        raise MetricNotApplicable("the summary's covariance is zero: features are constant")
    return counts, means, [str(c) for c in np.flatnonzero(present)]


def _estimated_subset_gram(summary: Summary, counts: Vector, means: Matrix) -> Matrix:
    n_l = float(counts.sum())
    mean_l = counts @ means / n_l
    centred = means - mean_l
    between = (centred * counts[:, None]).T @ centred
    within = (n_l - 1.0) / max(summary.count - 1, 1) * summary.m2 - between
    values, vectors = scipy.linalg.eigh(0.5 * (within + within.T), check_finite=False)
    within = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    result: Matrix = within + (means * counts[:, None]).T @ means
    return result


def _target_matrix(targets: ArrayLike, n: int, regression: bool) -> tuple[Matrix, list[str]]:
    if not regression:
        encoded = encode_labels(targets, n)
        return encoded.one_hot(), [str(c) for c in encoded.classes]
    y = np.asarray(targets, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[0] != n or y.shape[1] < 1:
        raise MetricNotApplicable(
            f"regression targets must be (n,) or (n, k) with n = {n}, got shape {y.shape}")
    if not np.isfinite(y).all():
        raise MetricNotApplicable("regression targets contain NaN or infinite values")
    if n < 2:
        raise MetricNotApplicable(f"needs at least 2 rows, got {n}")
    return y, [str(i) for i in range(y.shape[1])]


def _rank_tolerance(eigenvalues: Vector, n: int, d: int) -> float:
    """Eigenvalues of a Gram matrix at or below this are round-off, i.e. zero singular values."""
    top = float(eigenvalues.max()) if eigenvalues.size else 0.0
    return max(top, 0.0) * max(n, d) * float(np.finfo(np.float64).eps)


class _Spectral:
    """Explicit spectrum: σ (k,), x² (k, T), r₀ (T,); quadratics as spectral sums."""

    def __init__(self, sigma: Vector, x2: Matrix, res0: Vector) -> None:
        self.sigma, self.x2, self.res0 = sigma, x2, res0

    def quadratics(self, tau: Vector, columns: Labels) -> tuple[Vector, Vector]:
        s = self.sigma[:, None]
        denom = s + tau
        xa = self.x2[:, columns]
        m2 = (s * xa / denom**2).sum(axis=0)
        res2 = (xa * (tau / denom) ** 2).sum(axis=0) + self.res0[columns]
        return m2, res2


class _Tridiagonal:
    """FᵀF = Q T Qᵀ (T tridiagonal, Householder Q) and c = Qᵀ FᵀY; no eigenvectors needed.

    With u = (T + τI)⁻¹ c (an O(d) positive-definite tridiagonal solve per column):
        ‖m‖² = Σ σᵢxᵢ²/(τ + σᵢ)² = ‖u‖²,
        ‖t − F m‖² = Σ xᵢ²τ²/(τ + σᵢ)² + r₀ = ‖t‖² − cᵀu − τ‖u‖²,
    the same quantities as the spectral sums, exact in exact arithmetic for any rank.
    """

    def __init__(self, diag: Vector, off: Vector, c: Matrix, target_sq: Vector) -> None:
        self.diag, self.off, self.c, self.target_sq = diag, off, c, target_sq

    def quadratics(self, tau: Vector, columns: Labels) -> tuple[Vector, Vector]:
        m2, res2 = np.empty(columns.shape[0]), np.empty(columns.shape[0])
        for slot, (column, t) in enumerate(zip(columns, tau, strict=True)):
            rhs = self.c[:, column]
            *_, u, info = scipy.linalg.lapack.dptsv(self.diag + t, self.off, rhs)
            if info != 0:
                raise np.linalg.LinAlgError("tridiagonal system is not positive definite")
            uu = float(u @ u)
            m2[slot] = uu
            res2[slot] = max(float(self.target_sq[column] - rhs @ u - t * uu), 0.0)
        return m2, res2


def _result_from_gram(
    gram: Matrix, cross: Matrix, target_sq: Vector, n: int, names: list[str], *, regression: bool
) -> MetricResult:
    """Tridiagonal engine first; the eigenvector engine if a shifted solve is not definite."""
    d = gram.shape[0]
    try:
        if d < 2:  # nothing to tridiagonalise (and LAPACK's wrappers want an off-diagonal)
            raise np.linalg.LinAlgError("1 x 1 Gram matrix")
        sigma, engine = _spectrum_from_gram(gram, cross, target_sq, n)
        return _evidence_result(sigma, engine, n, d, names, regression=regression)
    except np.linalg.LinAlgError:
        sigma, spectral = _spectral_from_gram(gram, cross, target_sq, n)
        return _evidence_result(sigma, spectral, n, d, names, regression=regression)


def _spectrum_from_gram(
    gram: Matrix, cross: Matrix, target_sq: Vector, n: int
) -> tuple[Vector, _Spectral | _Tridiagonal]:
    """Nonzero eigenvalues σ (k,) of FᵀF (d, d) and an engine for ‖m‖², ‖t − Fm‖².

    One Householder tridiagonalisation (LAPACK dsytrd) replaces the full eigendecomposition:
    eigenvalues come from the tridiagonal matrix, and Qᵀ FᵀY from applying the d − 1
    reflectors to the T columns. Falls back to `eigh` if T + τI is ever not positive definite.
    """
    d = gram.shape[0]
    packed, diag, off, tau = tridiagonalize(gram)
    # Qᵀ c for Q = H(1)…H(d−1) stored below the subdiagonal: what LAPACK's dormtr does for
    # UPLO = 'L', i.e. dormqr on the trailing (d − 1) × (d − 1) block.
    c = np.array(cross, dtype=np.float64, copy=True)
    if d > 1:
        reflectors = packed[1:, : d - 1]
        rhs = np.asfortranarray(c[1:])
        query = scipy.linalg.lapack.dormqr("L", "T", reflectors, tau, rhs, lwork=-1)
        lwork = max(1, int(query[1][0]), rhs.shape[1] * 64)
        rotated, _, info = scipy.linalg.lapack.dormqr("L", "T", reflectors, tau, rhs, lwork=lwork)
        if info != 0:
            raise np.linalg.LinAlgError(f"dormqr failed (info={info})")
        c[1:] = rotated
    values = scipy.linalg.eigvalsh_tridiagonal(diag, off, check_finite=False,
                                               lapack_driver="sterf")
    sigma = values[values > _rank_tolerance(values, n, d)]
    return sigma, _Tridiagonal(diag, off, c, target_sq)


def _spectral_from_gram(
    gram: Matrix, cross: Matrix, target_sq: Vector, n: int
) -> tuple[Vector, _Spectral]:
    """σ (k,), x² (k, T) and r₀ (T,) from FᵀF (d, d) and FᵀY (d, T) via one eigendecomposition."""
    d = gram.shape[0]
    values, vectors = scipy.linalg.eigh(gram, check_finite=False, driver="evd")
    keep = values > _rank_tolerance(values, n, d)
    sigma = values[keep]
    projected = vectors[:, keep].T @ cross  # (k, T) = σ^½ x
    x2 = projected**2 / sigma[:, None]
    res0 = np.maximum(target_sq - x2.sum(axis=0), 0.0)
    return sigma, _Spectral(sigma, x2, res0)


def _fixed_point(
    sigma: Vector, engine: _Spectral | _Tridiagonal, n: int, columns: int
) -> tuple[Vector, Vector, Vector, Vector, Labels]:
    """MacKay/You fixed point for all T columns at once; each column stops on its own rule.

    Returns α, β, ‖m‖², ‖t − F m‖² (as the reference evaluates them: from the τ before the
    last update) and the iteration count per column.
    """
    alpha, beta = np.ones(columns), np.ones(columns)
    m2, res2 = np.zeros(columns), np.zeros(columns)
    iterations = np.zeros(columns, dtype=np.int64)
    active = np.arange(columns)
    s = sigma[:, None]
    for _ in range(MAX_ITERATIONS):
        if active.size == 0:
            break
        tau = alpha[active] / beta[active]
        gamma = (s / (s + tau)).sum(axis=0)
        m2_new, res2_new = engine.quadratics(tau, active)
        alpha_new = gamma / (m2_new + EPSILON)
        beta_new = (n - gamma) / (res2_new + EPSILON)
        alpha[active], beta[active] = alpha_new, beta_new
        m2[active], res2[active] = m2_new, res2_new
        iterations[active] += 1
        converged = np.abs(alpha_new / beta_new - tau) / tau <= RELATIVE_TOLERANCE
        active = active[~converged]
    return alpha, beta, m2, res2, iterations


def _evidence_result(
    sigma: Vector,
    engine: _Spectral | _Tridiagonal,
    n: int,
    d: int,
    names: list[str],
    *,
    regression: bool,
) -> MetricResult:
    k = int(sigma.shape[0])
    if k == 0:
        raise MetricNotApplicable("features are all zero (rank 0): LogME is undefined")
    alpha, beta, m2, res2, iterations = _fixed_point(sigma, engine, n, len(names))
    with np.errstate(all="ignore"):
        log_det = np.log(alpha[None, :] + beta[None, :] * sigma[:, None]).sum(axis=0)
        # d/2 log α − ½ (d − k) log α  (the restored zero-eigenvalue term)  =  k/2 log α
        evidence = (k / 2.0 * np.log(alpha) + n / 2.0 * np.log(beta) - 0.5 * log_det
                    - beta / 2.0 * res2 - alpha / 2.0 * m2 - n / 2.0 * _LOG_2PI) / n
    if not np.isfinite(evidence).all():
        raise MetricNotApplicable("LogME evidence is not finite on this input (degenerate features)")
    value = finite_or_raise(float(evidence.mean()), "LogME")
    per_column = {name: float(e) for name, e in zip(names, evidence, strict=True)}
    details: dict[str, object] = {
        "n": n, "dim": d, "rank": k, "columns": len(names),
        "task": "regression" if regression else "classification",
        "rank_deficient": k < d,
        "max_iterations_used": int(iterations.max()),
        "per_column": per_column if len(per_column) <= 100 else None,
        "algorithm": "fixed point (You et al. JMLR 2022) with the (d-k) log(alpha) term",
    }
    return MetricResult(value=value, p_value=None, details=details)
