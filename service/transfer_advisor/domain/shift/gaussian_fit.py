"""A Gaussian fitted to one summary, and the factorisations of its covariance, each built once.

The full-rank Gaussian metrics (`gaussian`) and the parametric baseline read a covariance Σ (d, d)
only through these:
- a square-root factor F (d, k), Σ = F Fᵀ: Fréchet's trace term (the eigenvalues of Fᵀ Σ_b F)
  and the parametric baseline's draws (μ + F z). The lower Cholesky factor when Σ is positive
  definite; the centred rows over √(n − 1) when n − 1 < d rows make Σ singular and they are at
  hand; otherwise V √Λ from an eigendecomposition (eigenvalues clipped at 0);
- per shrinkage s, the lower Cholesky factor and log-determinant of (1 − s) Σ + α I with
  α = s · tr Σ / d (Gaussian KL and Bhattacharyya solve with it; no explicit inverse).
`GaussianFit` computes each on first use and keeps it, so a request factorises each covariance
once whichever metrics ask, and runs that share one target fit (a ranking's candidates) once in
all. Work on a pair (Fréchet's eigenvalues, Bhattacharyya's mixture) stays with the metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..linalg import cholesky_lower, logdet_cholesky, psd_eigh, shrinkage_scale
from ..summary import Summary

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class ShrunkFactor:
    """(1 − s) Σ + α I through its lower Cholesky `factor`; `logdet` is its log-determinant."""

    alpha: float
    factor: Matrix
    logdet: float


@dataclass(frozen=True)
class Root:
    """A factor F (d, k) with Σ = F Fᵀ; `lower`: F is Σ's square lower Cholesky factor."""

    factor: Matrix
    lower: bool


class GaussianFit:
    """N(μ, Σ) fitted to a `Summary`, with Σ's factorisations computed on first use and kept.

    `scaled_rows` U (n, d) are the summarised rows centred and divided by √(n − 1) (Σ = Uᵀ U);
    kept only when n − 1 < d, where Σ is singular and U is the cheap square-root factor. Not
    thread-safe (one request's metrics). Memory for speed: a fit holds up to three d × d
    matrices beside its summary (Σ, its Cholesky factor, the shrunk one; 32 MiB each at
    d = 2,048) for as long as the request keeps it.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> fit = GaussianFit.from_rows(x)
    >>> fit.root.lower, fit.root.factor.round(6).tolist()  # Σ = 4/3 I
    (True, [[1.154701, 0.0], [0.0, 1.154701]])
    >>> fit.shrunk(0.5) is fit.shrunk(0.5), round(fit.shrunk(0.5).alpha, 6)
    (True, 0.666667)
    """

    def __init__(self, summary: Summary, scaled_rows: Matrix | None = None) -> None:
        self.summary = summary
        self.scaled_rows = scaled_rows
        self._shrunk: dict[float, ShrunkFactor] = {}

    @classmethod
    def of(cls, summary: Summary, rows: Matrix | None = None) -> GaussianFit:
        """Fit to `summary`; `rows` (n, d), the rows it summarises, are kept (as U) if n − 1 < d."""
        n = summary.count
        if rows is None or len(rows) != n or n - 1 >= summary.dim:
            return cls(summary)
        scaled = (np.asarray(rows, np.float64) - summary.mean) * (1.0 / math.sqrt(max(n - 1, 1)))
        return cls(summary, scaled)

    @classmethod
    def from_rows(cls, x: Matrix) -> GaussianFit:
        """Summarise rows x (n, d) (`Summary.from_rows`) and fit to them."""
        return cls.of(Summary.from_rows(x), x)

    @property
    def mean(self) -> Vector:
        """μ (d,)."""
        return self.summary.mean

    @property
    def count(self) -> int:
        """Rows summarised."""
        return self.summary.count

    @property
    def dim(self) -> int:
        """The dimension d."""
        return self.summary.dim

    @cached_property
    def cov(self) -> Matrix:
        """Σ (d, d), the unbiased covariance."""
        return self.summary.cov

    @cached_property
    def trace(self) -> float:
        """The trace tr Σ."""
        return float(np.trace(self.cov))

    @cached_property
    def cholesky(self) -> Matrix | None:
        """Σ's lower Cholesky factor; None when Σ is not numerically positive definite.

        Not tried when the rows show Σ singular (n − 1 < d); taken from the summary when its
        builder already factorised Σ (the PSD check of a client covariance).
        """
        if self.scaled_rows is not None:
            return None
        if self.summary.known_cholesky is not None:
            return self.summary.known_cholesky.factor
        try:
            return cholesky_lower(self.cov)
        except np.linalg.LinAlgError:
            return None

    @cached_property
    def root(self) -> Root:
        """A square-root factor of Σ: the rows U (as Uᵀ), the Cholesky factor, or V √Λ."""
        if self.scaled_rows is not None:
            return Root(self.scaled_rows.T, lower=False)
        if self.cholesky is not None:
            return Root(self.cholesky, lower=True)
        values, vectors = psd_eigh(self.cov)
        return Root(vectors * np.sqrt(values), lower=False)

    def shrunk(self, shrinkage: float) -> ShrunkFactor:
        """(1 − s) Σ + α I, α = s · tr Σ / d (`linalg.shrink`), by its Cholesky factor.

        LinAlgError when even the ridge leaves it indefinite (Σ = 0 gets α = s).
        """
        if shrinkage not in self._shrunk:
            alpha = shrinkage * shrinkage_scale(self.trace, self.dim)
            shrunk = (1.0 - shrinkage) * self.cov
            shrunk.flat[:: self.dim + 1] += alpha
            factor = cholesky_lower(shrunk, overwrite=True)
            self._shrunk[shrinkage] = ShrunkFactor(alpha, factor, logdet_cholesky(factor))
        return self._shrunk[shrinkage]


def as_fit(side: Summary | GaussianFit) -> GaussianFit:
    """A `GaussianFit` as is; a `Summary` fitted afresh (nothing shared)."""
    return side if isinstance(side, GaussianFit) else GaussianFit(side)
