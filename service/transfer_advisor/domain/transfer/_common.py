"""Input checks shared by the transferability estimators.

Every check raises `MetricNotApplicable` with a sentence a client can act on; no estimator
ever returns NaN or infinity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..results import MetricNotApplicable

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]
Labels = NDArray[np.int64]


@dataclass(frozen=True)
class EncodedLabels:
    """Labels re-coded to 0..C-1 in sorted order of the original values.

    `codes` (n,), `classes` (C,) the original values, `counts` (C,) rows per class.
    Classes that never occur are not represented (the references would average them in).
    """

    codes: Labels
    classes: Labels
    counts: Labels

    @property
    def num_classes(self) -> int:
        return int(self.classes.shape[0])

    def one_hot(self) -> Matrix:
        """(n, C) float64 indicator matrix."""
        out = np.zeros((self.codes.shape[0], self.num_classes))
        out[np.arange(self.codes.shape[0]), self.codes] = 1.0
        return out


def as_features(features: ArrayLike, name: str = "features") -> Matrix:
    """float64 (n, d) with finite entries, at least one row and one column."""
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise MetricNotApplicable(f"{name} must be a non-empty (n, d) matrix, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise MetricNotApplicable(f"{name} contain NaN or infinite values")
    return x


def encode_labels(labels: ArrayLike, n_rows: int) -> EncodedLabels:
    """Check `labels` (n,) against n rows and re-code them; needs ≥ 2 classes and n > C."""
    y = np.asarray(labels)
    if y.ndim != 1 or y.shape[0] != n_rows:
        raise MetricNotApplicable(
            f"labels must be a vector with one label per row ({n_rows}), got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or not np.all(y == np.round(y)):
            raise MetricNotApplicable("classification labels must be integers")
    elif y.dtype.kind not in "iub":
        raise MetricNotApplicable(f"classification labels must be integers, got dtype {y.dtype}")
    classes, codes, counts = np.unique(y.astype(np.int64), return_inverse=True, return_counts=True)
    if classes.shape[0] < 2:
        raise MetricNotApplicable(
            f"needs at least 2 classes among the labeled rows; found {classes.shape[0]}")
    if n_rows <= classes.shape[0]:
        raise MetricNotApplicable(
            f"needs more labeled rows than classes; got {n_rows} rows for "
            f"{classes.shape[0]} classes (every class has a single example)")
    return EncodedLabels(codes.astype(np.int64).reshape(-1), classes.astype(np.int64),
                         counts.astype(np.int64))


def require_variation(x: Matrix, name: str = "features") -> None:
    """Raise when every column of x is constant (the rows carry no information)."""
    if x.shape[0] < 2 or bool(np.all(x == x[0])):
        raise MetricNotApplicable(f"{name} are constant across rows: they carry no information")


def max_over_last_axis(a: NDArray[Any]) -> NDArray[Any]:
    """a.max(axis=-1), column by column: a max over a short last axis is ~5x slower in numpy."""
    top = a[..., 0].copy()
    for column in range(1, a.shape[-1]):
        np.maximum(top, a[..., column], out=top)
    return top


def finite_or_raise(value: float, what: str) -> float:
    """Return value as float; raise MetricNotApplicable if it is NaN or infinite."""
    value = float(value)
    if not math.isfinite(value):
        raise MetricNotApplicable(f"{what} is not finite on this input (numerically degenerate)")
    return value
