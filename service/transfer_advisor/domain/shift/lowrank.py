"""The Gaussian shift metrics from the rows themselves, when there are fewer rows than dimensions.

With n_a + n_b < d rows, both covariances and the mean gap lie in a subspace of dimension at most
m = n_a + n_b + 1. One Householder QR of [U_aᵀ U_bᵀ Δμ] (d × m), with U the centred rows over
√(n − 1), gives the coordinates R = [R_a R_b r] of those vectors in an orthonormal basis Q of it:
Σ_a = Q R_a R_aᵀ Qᵀ, Σ_b = Q R_b R_bᵀ Qᵀ, Δμ = Q r. Each metric of `gaussian` is unchanged by the
rotation Q, and on the other d − m directions both covariances are 0 (shrunk: their ridges α_a and
α_b), which adds a closed-form term. So every value is the quantity `gaussian` computes from the
d × d covariances, in O(m²d) work instead of O(d³).

A QR rather than Gram matrices U Uᵀ with Woodbury: Gram forms square the condition number
(CORAL as ‖G_a‖² + ‖G_b‖² − 2‖U_a U_bᵀ‖² loses every digit when Σ_a ≈ Σ_b), while the QR is
backward stable in the rows. Fréchet's trace term needs no square root of a singular matrix:
the eigenvalues of Σ_a^½ Σ_b Σ_a^½ are the squared singular values of U_a U_bᵀ = R_aᵀ R_b.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..linalg import shrinkage_scale
from ..results import MetricResult
from .gaussian import DIVERGENCE_SHRINKAGE, mean_cosine_of_means

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]

PATH = "low_rank"


def low_rank_applies(n_a: int, n_b: int, d: int) -> bool:
    """Whether the row path is the cheaper one: n_a + n_b < d.

    >>> low_rank_applies(80, 110, 1024), low_rank_applies(600, 600, 1024)
    (True, False)
    """
    return n_a + n_b < d


class LowRankPair:
    """Two sets of rows, (n_a, d) and (n_b, d) with n_a + n_b < d, and the work their metrics share.

    Keeps U_a, U_b, the means and Δμ; builds on first use, once per pair: the singular values of U_a U_bᵀ
    (Fréchet), the QR reduction R_a (m, n_a), R_b (m, n_b), r (m,) of the module docstring
    (CORAL, KL, Bhattacharyya), one Cholesky factor per shrunk covariance and one of their mean.

    >>> rng = np.random.default_rng(0)
    >>> pair = LowRankPair.from_rows(rng.normal(size=(3, 10)), rng.normal(size=(4, 10)))
    >>> pair.dim, pair.counts, pair.span_dim
    (10, (3, 4), 8)
    """

    def __init__(self, u_a: Matrix, u_b: Matrix, means: tuple[Vector, Vector], gap: Vector) -> None:
        self.u_a, self.u_b, self.means, self.gap = u_a, u_b, means, gap
        self.gap_sq = float(gap @ gap)
        self.trace_a, self.trace_b = float(np.vdot(u_a, u_a)), float(np.vdot(u_b, u_b))
        self._reduced: tuple[Matrix, Matrix, Vector] | None = None
        self._covs: dict[str, Matrix] = {}
        self._shrunk: dict[tuple[str, float], tuple[float, Matrix, Matrix]] = {}
        self._mixture: dict[float, tuple[float, Matrix]] = {}
        self._cross: Vector | None = None

    @classmethod
    def from_rows(cls, x_a: Matrix, x_b: Matrix) -> LowRankPair:
        """Centre and scale rows x_a (n_a, d) and x_b (n_b, d); ValueError unless n_a + n_b < d."""
        x_a, x_b = np.asarray(x_a, np.float64), np.asarray(x_b, np.float64)
        (n_a, d), n_b = x_a.shape, len(x_b)
        if not low_rank_applies(n_a, n_b, d):
            raise ValueError(f"the low-rank path needs n_a + n_b < d; got {n_a} + {n_b}, d = {d}")
        mean_a, mean_b = x_a.mean(axis=0), x_b.mean(axis=0)  # as Summary.from_rows
        span = np.empty((n_a + n_b + 1, d))  # [U_a; U_b; Δμ]: its transpose is Fortran-ordered
        np.multiply(x_a - mean_a, 1.0 / math.sqrt(max(n_a - 1, 1)), out=span[:n_a])
        np.multiply(x_b - mean_b, 1.0 / math.sqrt(max(n_b - 1, 1)), out=span[n_a:-1])
        np.subtract(mean_a, mean_b, out=span[-1])
        return cls(span[:n_a], span[n_a:-1], (mean_a, mean_b), span[-1])

    @property
    def dim(self) -> int:
        """d, the feature dimension."""
        return int(self.gap.shape[0])

    @property
    def counts(self) -> tuple[int, int]:
        """Row counts (n_a, n_b)."""
        return len(self.u_a), len(self.u_b)

    @property
    def span_dim(self) -> int:
        """The dimension m = n_a + n_b + 1 the covariances and the gap are reduced to."""
        return len(self.u_a) + len(self.u_b) + 1

    def cross_singular_values(self) -> Vector:
        """Singular values of U_a U_bᵀ (n_a, n_b): √ of the eigenvalues of Σ_a^½ Σ_b Σ_a^½."""
        if self._cross is None:
            self._cross = np.asarray(scipy.linalg.svdvals(self.u_a @ self.u_b.T, check_finite=False))
        return self._cross

    def reduced(self) -> tuple[Matrix, Matrix, Vector]:
        """R_a (m, n_a), R_b (m, n_b), r (m,): coordinates in an orthonormal basis of the span."""
        if self._reduced is None:
            n_a, m = len(self.u_a), self.span_dim
            stacked = np.vstack([self.u_a, self.u_b, self.gap[None, :]])
            qr, _, _, info = scipy.linalg.lapack.dgeqrf(stacked.T, lwork=64 * m, overwrite_a=True)
            if info != 0:
                raise np.linalg.LinAlgError(f"dgeqrf failed (info={info})")
            r = np.triu(qr[:m])
            self._reduced = r[:, :n_a], r[:, n_a:-1], r[:, -1]
        return self._reduced

    def cov(self, side: str) -> Matrix:
        """Σ_a or Σ_b in the reduced basis, R Rᵀ (m, m); `side` is "a" or "b"."""
        if side not in self._covs:
            r_a, r_b, _ = self.reduced()
            r = r_a if side == "a" else r_b
            self._covs[side] = r @ r.T
        return self._covs[side]

    def shrunk(self, side: str, shrinkage: float) -> tuple[float, Matrix, Matrix]:
        """Ridge α, (1 − s)Σ + α I in the reduced basis and its lower Cholesky factor.

        α = s · tr Σ / d with the full d, as `linalg.shrink` has it; the other d − m directions
        of the shrunk covariance have variance α.
        """
        key = (side, shrinkage)
        if key not in self._shrunk:
            trace = self.trace_a if side == "a" else self.trace_b
            alpha = shrinkage * shrinkage_scale(trace, self.dim)
            shrunk = (1.0 - shrinkage) * self.cov(side)
            shrunk.flat[:: self.span_dim + 1] += alpha
            self._shrunk[key] = alpha, shrunk, _cholesky(shrunk, alpha)
        return self._shrunk[key]

    def mixture(self, shrinkage: float) -> tuple[float, Matrix]:
        """Ridge ᾱ = (α_a + α_b)/2 and lower Cholesky factor of the mean of the shrunk covariances."""
        if shrinkage not in self._mixture:
            alpha_a, shrunk_a, _ = self.shrunk("a", shrinkage)
            alpha_b, shrunk_b, _ = self.shrunk("b", shrinkage)
            alpha = 0.5 * (alpha_a + alpha_b)
            self._mixture[shrinkage] = alpha, _cholesky(0.5 * (shrunk_a + shrunk_b), alpha)
        return self._mixture[shrinkage]


def _cholesky(a: Matrix, alpha: float) -> Matrix:
    """Lower Cholesky factor; LinAlgError (an omission) when the ridge cannot make `a` definite."""
    if not alpha > 0.0:
        raise np.linalg.LinAlgError("shrinkage must be positive on the low-rank path")
    return np.asarray(scipy.linalg.cholesky(a, lower=True, check_finite=False))


def _solve_lower(factor: Matrix, b: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(scipy.linalg.solve_triangular(factor, b, lower=True, check_finite=False))


def _logdet(factor: Matrix) -> float:
    return 2.0 * float(np.sum(np.log(np.diag(factor))))


def frechet_distance(pair: LowRankPair) -> MetricResult:
    """`gaussian.frechet_distance` of the two row sets: ‖Δμ‖² + tr Σ_a + tr Σ_b − 2 Σ σᵢ(U_a U_bᵀ).

    Exact where the d × d path takes square roots of round-off eigenvalues of a singular Σ_a
    (about 1e-8 relative of noise there). Lower = closer; clamped at 0.

    >>> x = np.array([[0.0, 0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0, 0.0]])
    >>> round(frechet_distance(LowRankPair.from_rows(x, x + [3.0, 4.0, 0.0, 0.0, 0.0])).value, 9)
    25.0
    """
    sigma = pair.cross_singular_values()
    d2 = pair.gap_sq + pair.trace_a + pair.trace_b - 2.0 * float(sigma.sum())
    n_a, n_b = pair.counts
    return MetricResult(value=max(d2, 0.0), details={
        "dim": pair.dim, "mean_term": pair.gap_sq, "n_source": n_a, "n_target": n_b,
        "path": PATH})


def mean_cosine_distance(pair: LowRankPair) -> MetricResult:
    """`gaussian.mean_cosine_distance` of the two row sets (their means only)."""
    return mean_cosine_of_means(*pair.means)


def coral_distance(pair: LowRankPair) -> MetricResult:
    """`gaussian.coral_distance`: ‖Σ_a − Σ_b‖²_F / (4 d²), from the reduced (m, m) covariances.

    >>> x = np.array([[0.0, 0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0, 0.0]])
    >>> coral_distance(LowRankPair.from_rows(x, 2.0 * x)).value  # 6² / (4 · 5²)
    0.36
    """
    diff = pair.cov("a") - pair.cov("b")
    d = pair.dim
    return MetricResult(value=float(np.sum(diff * diff)) / (4.0 * d * d),
                        details={"dim": d, "path": PATH})


def gaussian_kl_divergence(pair: LowRankPair, shrinkage: float = DIVERGENCE_SHRINKAGE) -> MetricResult:
    """`gaussian.gaussian_kl_divergence` (symmetrised, shrunk covariances) of the two row sets.

    In the reduced basis tr(Σ̃_b⁻¹ Σ̃_a) = ‖L_b⁻¹ L_a‖²_F for Cholesky factors L; the d − m other
    directions add (d − m)(α_a/α_b + α_b/α_a − 2) = (d − m)(α_a − α_b)²/(α_a α_b). Lower = closer.
    """
    alpha_a, _, factor_a = pair.shrunk("a", shrinkage)
    alpha_b, _, factor_b = pair.shrunk("b", shrinkage)
    m, d = pair.span_dim, pair.dim
    gap = pair.reduced()[2]
    b_over_a, gap_a = _solve_lower(factor_a, factor_b), _solve_lower(factor_a, gap)
    a_over_b, gap_b = _solve_lower(factor_b, factor_a), _solve_lower(factor_b, gap)
    both = (float(np.sum(a_over_b * a_over_b)) + float(np.sum(b_over_a * b_over_a))
            + float(gap_a @ gap_a) + float(gap_b @ gap_b) - 2 * m
            + (d - m) * (alpha_a - alpha_b) ** 2 / (alpha_a * alpha_b))
    value = 0.25 * both
    return MetricResult(value=max(value, 0.0), details={"shrinkage": shrinkage, "dim": d, "path": PATH})


def bhattacharyya_distance(pair: LowRankPair, shrinkage: float = DIVERGENCE_SHRINKAGE) -> MetricResult:
    """`gaussian.bhattacharyya_distance` (shrunk covariances) of the two row sets.

    Log-determinants from the Cholesky factors in the reduced basis, plus the d − m other
    directions: (d − m) ln(ᾱ / √(α_a α_b)). Lower = closer.
    """
    alpha_a, _, factor_a = pair.shrunk("a", shrinkage)
    alpha_b, _, factor_b = pair.shrunk("b", shrinkage)
    alpha, factor = pair.mixture(shrinkage)
    m, d = pair.span_dim, pair.dim
    whitened = _solve_lower(factor, pair.reduced()[2])
    mahalanobis = float(whitened @ whitened)
    log_ratio = (_logdet(factor) - 0.5 * (_logdet(factor_a) + _logdet(factor_b))
                 + (d - m) * math.log(alpha / math.sqrt(alpha_a * alpha_b)))
    value = mahalanobis / 8.0 + 0.5 * log_ratio
    return MetricResult(value=max(value, 0.0), details={"shrinkage": shrinkage, "dim": d, "path": PATH})
