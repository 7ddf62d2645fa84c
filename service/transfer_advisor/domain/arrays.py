"""Wire-format matrices (decoded base64 bytes, JSON rows) as checked float64 arrays.

Every check names the field it refers to, so a client learns exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..errors import InvalidInput
from .summary import KnownCholesky

Matrix = NDArray[np.float64]
ArrayT = TypeVar("ArrayT", bound=np.ndarray[Any, Any])

WIRE_DTYPES: dict[str, np.dtype[np.floating]] = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8")}
# Relative tolerances for client-computed covariances (float32 round-off in a client's sums).
SYMMETRY_RTOL = 1e-6
PSD_RTOL = 1e-6
# Larger magnitudes overflow float64 in squares and covariance products inside the metrics;
# real embeddings are nowhere near it. Covariances are bounded by its square.
MAX_ABS_VALUE = 1e15


def wire_layout(shape: Sequence[int], dtype: str, field: str) -> tuple[int, int, np.dtype[np.floating]]:
    """(n, d, wire dtype) of an encoded matrix's `shape` and `dtype`, checked before decoding.

    >>> wire_layout([2, 3], "float32", "source.embeddings")
    (2, 3, dtype('float32'))
    >>> wire_layout([0, 3], "float32", "source.embeddings")
    Traceback (most recent call last):
    ...
    transfer_advisor.errors.InvalidInput: source.embeddings.shape: must be [n, d] with n ≥ 1 and d ≥ 1
    """
    if len(shape) != 2 or any(int(s) < 1 for s in shape):
        raise InvalidInput.at(f"{field}.shape", "must be [n, d] with n ≥ 1 and d ≥ 1")
    if dtype not in WIRE_DTYPES:
        raise InvalidInput.at(f"{field}.dtype", f"must be one of {sorted(WIRE_DTYPES)}")
    return int(shape[0]), int(shape[1]), WIRE_DTYPES[dtype]


def matrix_from_bytes(raw: bytes, shape: Sequence[int], dtype: str, field: str) -> Matrix:
    """Little-endian, row-major bytes (decoded from base64) of `shape` → float64 (n, d).

    float64 on the wire: a read-only view of `raw`, no copy; float32: one widening copy.

    >>> raw = np.array([[1, 2], [3, 4]], "<f4").tobytes()
    >>> matrix_from_bytes(raw, [2, 2], "float32", "source.embeddings").tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    >>> matrix_from_bytes(raw, [3, 2], "float32", "source.embeddings")
    Traceback (most recent call last):
    ...
    transfer_advisor.errors.InvalidInput: source.embeddings.data: holds 16 bytes; shape [3, 2] ...
    """
    n, d, wire = wire_layout(shape, dtype, field)
    expected = n * d * wire.itemsize
    if len(raw) != expected:
        raise InvalidInput.at(
            f"{field}.data", f"holds {len(raw)} bytes; shape {[n, d]} of {dtype} needs {expected}")
    wire_matrix = np.frombuffer(raw, dtype=wire).reshape(n, d)
    # checked as sent: float32 widens exactly, and half the bytes are read
    check_finite(wire_matrix, f"{field}.data")
    return wire_matrix.astype(np.float64, copy=False)


def matrix_from_rows(rows: Sequence[Sequence[float]], field: str) -> Matrix:
    """JSON list of n lists of d numbers → float64 (n, d).

    >>> matrix_from_rows([[1, 2], [3, 4]], "target.rows").dtype
    dtype('float64')
    >>> matrix_from_rows([[1, 2], [3]], "target.rows")
    Traceback (most recent call last):
    ...
    transfer_advisor.errors.InvalidInput: target.rows[1]: has 1 values; row 0 has 2
    """
    if len(rows) == 0:
        raise InvalidInput.at(field, "must hold at least one row")
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise InvalidInput.at(f"{field}[{i}]", f"has {len(row)} values; row 0 has {width}")
    if width == 0:
        raise InvalidInput.at(f"{field}[0]", "must hold at least one value")
    return check_finite(np.asarray(rows, dtype=np.float64), field)


def check_finite(values: ArrayT, field: str) -> ArrayT:
    """Return values unchanged if every entry is finite and within `MAX_ABS_VALUE`."""
    if _within(values, MAX_ABS_VALUE):  # the common case: two reductions, no temporaries
        return values
    bad = ~np.isfinite(values)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInput.at(field, f"holds a non-finite number (NaN or Inf) at index {list(where)}")
    return check_magnitude(values, field)


def check_magnitude(values: ArrayT, field: str, limit: float = MAX_ABS_VALUE) -> ArrayT:
    """Return values unchanged if no magnitude exceeds `limit`; else name the first index.

    A NaN is not refused here (|NaN| > limit is false); `check_finite` refuses it.
    """
    if _within(values, limit):
        return values
    big = np.abs(values) > limit
    if not big.any():
        return values
    where = tuple(int(i) for i in np.argwhere(big)[0])
    raise InvalidInput.at(field, f"holds {float(values[where]):.3g} at index {list(where)}; "
                                 f"magnitudes above {limit:.0e} are refused")


def _within(values: np.ndarray[Any, Any], limit: float) -> bool:
    """Whether every entry is finite with magnitude ≤ limit, from max and min alone.

    A NaN makes both NaN and ±Inf exceeds any finite limit, so either fails the test (the
    callers then look elementwise). An empty array passes.
    """
    if values.size == 0:
        return True
    return bool(float(values.max()) <= limit and -float(values.min()) <= limit)


def check_covariance(cov: Matrix, field: str) -> Matrix:
    """Square, symmetric and PSD within tolerance; returns the symmetrised matrix."""
    return checked_covariance(cov, field)[0]


def checked_covariance(cov: Matrix, field: str, *, try_definite: bool = True,
                       ) -> tuple[Matrix, KnownCholesky | None]:
    """`check_covariance`, with the outcome of its Cholesky factorisation for the metrics.

    PSD within tolerance ⇔ sym + tol·I is positive definite. With `try_definite`, sym itself is
    factorised first: positive definite passes at once and its lower factor is returned (the
    factor the Gaussian metrics would compute again); otherwise (also without `try_definite`,
    for a covariance known to be singular, from fewer rows than dimensions) one Cholesky of
    sym + tol·I decides, and the outcome says sym is not positive definite when that is known.
    """
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise InvalidInput.at(field, f"must be square, got shape {list(cov.shape)}")
    d = len(cov)
    # Two d × d buffers in all (max and min instead of |Σ|): at d = 768 each pass is 4.7 MB.
    scale = max(float(cov.max()), -float(cov.min()), 1e-300)
    sym = np.add(cov, cov.T)
    sym *= 0.5
    # Σ − sym = (Σ − Σᵀ)/2: the asymmetry from a contiguous pass, not a second transposed one
    half_gap = np.subtract(cov, sym)
    asym = 2.0 * max(float(half_gap.max()), -float(half_gap.min()))
    if asym > SYMMETRY_RTOL * scale:
        raise InvalidInput.at(field, f"is not symmetric (max |Σ − Σᵀ| = {asym:.3g})")
    # Cholesky in place on the second buffer (LAPACK directly: numpy's copies twice; the
    # transpose is the Fortran-order view LAPACK takes, the same symmetric matrix); the
    # eigenvalue is computed only to report a refusal.
    work = half_gap
    if try_definite:
        np.copyto(work, sym)
        factor, info = scipy.linalg.lapack.dpotrf(work.T, lower=1, clean=1, overwrite_a=1)
        _refuse_lapack_argument(info)
        if info == 0:
            return sym, KnownCholesky(np.asarray(factor))
    np.copyto(work, sym)
    work.flat[:: d + 1] += PSD_RTOL * scale
    _, info = scipy.linalg.lapack.dpotrf(work.T, lower=1, clean=0, overwrite_a=1)
    _refuse_lapack_argument(info)
    known = KnownCholesky(None) if try_definite else None
    if info == 0:
        return sym, known
    smallest = float(np.linalg.eigvalsh(sym)[0])
    if smallest < -PSD_RTOL * scale:
        raise InvalidInput.at(
            field, f"is not positive semi-definite (smallest eigenvalue {smallest:.3g})")
    return sym, known


def _refuse_lapack_argument(info: int) -> None:
    if info < 0:  # an argument LAPACK refused: a bug here, not the client's input
        raise ValueError(f"dpotrf: illegal value in argument {-info}")


def check_labels(labels: Sequence[int], n_rows: int, num_classes: int | None,
                 field: str) -> NDArray[np.int64]:
    """Labels of the first len(labels) rows: integers in [0, num_classes), no more than rows.

    >>> check_labels([0, 2, 1], n_rows=5, num_classes=3, field="target.labels").tolist()
    [0, 2, 1]
    """
    try:
        y = np.asarray(labels, dtype=np.int64)
    except OverflowError:
        raise InvalidInput.at(field, "holds a label beyond the 64-bit integer range") from None
    if y.ndim != 1:
        raise InvalidInput.at(field, "must be a flat list of integers")
    if len(y) > n_rows:
        raise InvalidInput.at(field, f"has {len(y)} labels for {n_rows} rows")
    if len(y) and y.min() < 0:
        raise InvalidInput.at(field, f"holds a negative label ({int(y.min())})")
    if num_classes is not None and len(y) and y.max() >= num_classes:
        raise InvalidInput.at(
            field, f"holds label {int(y.max())}, outside 0..{num_classes - 1} (task.num_classes)")
    return y
