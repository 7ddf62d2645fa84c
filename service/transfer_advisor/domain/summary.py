"""Mergeable first and second moments of a set of rows (optionally per class).

A client can summarise its data in chunks (or on many machines) and send only the summary;
`merge` combines two summaries exactly with the parallel-moments update of Chan et al. (1979),
so `from_rows(a).merge(from_rows(b)) == from_rows(a ∪ b)` up to round-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class KnownCholesky:
    """The outcome of a Cholesky factorisation of a summary's covariance Σ, made while checking it.

    `factor`: Σ's lower Cholesky factor (upper triangle zero), or None when Σ proved not
    positive definite. Carried so that the Gaussian metrics do not factorise Σ a second time.
    """

    factor: Matrix | None


@dataclass(frozen=True)
class Summary:
    """count, mean (d,), centred second moment m2 = Σ (x − μ)(x − μ)ᵀ (d, d).

    Optional class statistics over the labeled rows: `class_counts` (C,) and `class_means` (C, d);
    classes with no rows have count 0 and a zero mean.

    >>> x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> s = Summary.from_rows(x, labels=np.array([0, 0, 1, 1]))
    >>> s.count, s.mean.tolist(), s.class_counts.tolist(), s.class_means.tolist()
    (4, [1.0, 1.0], [2, 2], [[1.0, 0.0], [1.0, 2.0]])
    >>> merged = Summary.from_rows(x[:1]).merge(Summary.from_rows(x[1:]))  # exact, any split
    >>> np.allclose(merged.cov, s.cov), s.cov.tolist()
    (True, [[1.3333333333333333, 0.0], [0.0, 1.3333333333333333]])
    """

    count: int
    mean: Vector
    m2: Matrix
    class_counts: NDArray[np.int64] | None = None
    class_means: Matrix | None = None
    # Σ's Cholesky outcome when the summary's builder computed it (None: not known); of the
    # covariance as received, equal to `cov` up to the round-off of m2's scaling. Not merged.
    known_cholesky: KnownCholesky | None = field(default=None, compare=False, repr=False)

    @property
    def dim(self) -> int:
        """Feature dimension d."""
        return int(self.mean.shape[0])

    @property
    def cov(self) -> Matrix:
        """Unbiased sample covariance (divisor count − 1)."""
        return self.m2 / max(self.count - 1, 1)

    @property
    def has_classes(self) -> bool:
        """Whether the summary carries class counts and class means."""
        return self.class_counts is not None and self.class_means is not None

    @classmethod
    def from_rows(
        cls,
        x: Matrix,
        labels: NDArray[np.int64] | None = None,
        num_classes: int | None = None,
    ) -> Self:
        """Summarise rows x (n, d); `labels` (k,) label the first k rows, k ≤ n."""
        x = np.asarray(x, dtype=np.float64)
        mean = x.mean(axis=0)
        centred = x - mean
        m2 = centred.T @ centred
        class_counts = class_means = None
        if labels is not None:
            class_counts, class_means = _class_moments(x[: len(labels)], labels, num_classes)
        return cls(int(x.shape[0]), mean, m2, class_counts, class_means)

    @classmethod
    def from_covariance(
        cls,
        count: int,
        mean: Vector,
        cov: Matrix,
        class_counts: NDArray[np.int64] | None = None,
        class_means: Matrix | None = None,
        known_cholesky: KnownCholesky | None = None,
    ) -> Self:
        """Build from what a client sends: count, mean and the unbiased covariance.

        `known_cholesky`: the outcome of a Cholesky factorisation of `cov` already made.
        """
        return cls(count, np.asarray(mean, np.float64), np.asarray(cov, np.float64) * (count - 1),
                   class_counts, class_means, known_cholesky)

    def merge(self, other: Summary) -> Summary:
        """Exact combination of two disjoint summaries (Chan, Golub & LeVeque)."""
        n = self.count + other.count
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.count / n)
        m2 = self.m2 + other.m2 + np.outer(delta, delta) * (self.count * other.count / n)
        class_counts, class_means = _merge_classes(self, other)
        return Summary(n, mean, m2, class_counts, class_means)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready {count, mean, covariance[, class_counts, class_means]}: a DatasetSpec summary."""
        doc: dict[str, Any] = {"count": self.count, "mean": self.mean.tolist(),
                               "covariance": self.cov.tolist()}
        if self.class_counts is not None and self.class_means is not None:
            doc["class_counts"] = self.class_counts.tolist()
            doc["class_means"] = self.class_means.tolist()
        return doc


def _class_moments(
    x: Matrix, labels: NDArray[np.int64], num_classes: int | None
) -> tuple[NDArray[np.int64], Matrix]:
    n_classes = int(num_classes if num_classes is not None else labels.max() + 1)
    counts = np.bincount(labels, minlength=n_classes).astype(np.int64)
    sums = np.zeros((n_classes, x.shape[1]))
    np.add.at(sums, labels, x)
    means = sums / np.maximum(counts, 1)[:, None]
    return counts, means


def _merge_classes(
    a: Summary, b: Summary
) -> tuple[NDArray[np.int64] | None, Matrix | None]:
    if not (a.has_classes and b.has_classes):
        return (a.class_counts, a.class_means) if a.has_classes else (b.class_counts, b.class_means)
    assert a.class_counts is not None
    assert a.class_means is not None
    assert b.class_counts is not None
    assert b.class_means is not None
    size = max(len(a.class_counts), len(b.class_counts))
    ca, cb = _pad_counts(a.class_counts, size), _pad_counts(b.class_counts, size)
    ma, mb = _pad_means(a.class_means, size), _pad_means(b.class_means, size)
    counts = ca + cb
    means = (ma * ca[:, None] + mb * cb[:, None]) / np.maximum(counts, 1)[:, None]
    return counts.astype(np.int64), means


def _pad_counts(counts: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    return np.concatenate([counts, np.zeros(size - len(counts), np.int64)])


def _pad_means(means: Matrix, size: int) -> Matrix:
    return np.concatenate([means, np.zeros((size - len(means), means.shape[1]))])
