"""LAPACK and BLAS routines called through ctypes, so that they run without the GIL.

scipy's f2py wrappers of dpotrf, dtrtri, dsygst, dtrsm, dtrmm and dsyrk hold the GIL for the
whole call: two requests (or a request's two lanes of work) factorising d × d matrices take
turns on one core, whatever the BLAS thread count. ctypes releases the GIL around a foreign
call. The routines are those of the LAPACK scipy itself calls (OpenBLAS in the scipy wheels),
found through scipy's `cython_lapack` extension, whose dependencies are exactly that library,
with the name decoration of a routine scipy calls (dsytrd: `scipy_dsytrd_` in the
scipy-openblas wheels, `dsytrd_` elsewhere). Where they cannot be found, `available()` is
False and callers use scipy's wrappers.

Every function here works in place on Fortran-ordered float64 arrays (the caller arranges it)
and returns LAPACK's `info`. Arguments follow the gfortran ABI: scalars by reference, then
the hidden lengths of the character arguments.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]

_LENGTH_ONE = ctypes.c_size_t(1)


@functools.cache
def _library() -> tuple[ctypes.CDLL, str] | None:
    """Scipy's LAPACK library and the prefix of its Fortran symbols, or None."""
    try:
        from scipy.linalg import cython_lapack

        library = ctypes.CDLL(cython_lapack.__file__)
    except (ImportError, OSError):
        return None
    for prefix in ("scipy_", ""):
        if hasattr(library, f"{prefix}dsytrd_"):
            return library, prefix
    return None


@functools.cache
def routine(name: str) -> Any | None:
    """The Fortran routine `name` (e.g. "dpotrf") of scipy's LAPACK, or None."""
    found = _library()
    if found is None:
        return None
    library, prefix = found
    function = getattr(library, f"{prefix}{name}_", None)
    if function is not None:
        function.restype = None
    return function


def _required(name: str) -> Any:
    function = routine(name)
    if function is None:
        raise RuntimeError(f"LAPACK routine {name} not found (check lapack_calls.available())")
    return function


def available() -> bool:
    """Whether every routine of this module can be called."""
    return all(routine(name) is not None
               for name in ("dpotrf", "dtrtri", "dsygst", "dtrsm", "dtrmm", "dsyrk"))


def _int(value: int) -> Any:
    return ctypes.byref(ctypes.c_int(value))


def _double(value: float) -> Any:
    return ctypes.byref(ctypes.c_double(value))


def _char(value: str) -> ctypes.c_char_p:
    return ctypes.c_char_p(value.encode())


def _pointer(a: NDArray[Any]) -> ctypes.c_void_p:
    return a.ctypes.data_as(ctypes.c_void_p)


def _leading(a: Matrix, *, writeable: bool = True) -> int:
    """The leading dimension of a column-major float64 array or block of one.

    A block `a[i:, j:]` of a Fortran-ordered array qualifies (unit stride down a column): BLAS
    reads it in place through the parent's leading dimension.
    """
    if a.dtype != np.float64 or a.ndim != 2 or (writeable and not a.flags.writeable):
        raise ValueError("expected a 2-D float64 array" + (", writeable" if writeable else ""))
    rows = a.shape[0]
    if a.flags.f_contiguous:
        return max(1, int(rows))
    column_step, rest = divmod(a.strides[1], a.itemsize)
    if a.strides[0] == a.itemsize and rest == 0 and column_step >= rows:
        return int(column_step)
    raise ValueError("expected a column-major array (Fortran order, or a block of one)")


def potrf_lower(a: Matrix) -> int:
    """Cholesky factor of a (n, n) in its lower triangle (the strict upper one left as it was)."""
    lda, n, info = _leading(a), a.shape[0], ctypes.c_int(0)
    _required("dpotrf")(_char("L"), _int(n), _pointer(a), _int(lda), ctypes.byref(info),
                      _LENGTH_ONE)
    return info.value


def trtri_lower(a: Matrix) -> int:
    """Inverse of the non-unit lower-triangular a (n, n), in place (lower triangle)."""
    lda, n, info = _leading(a), a.shape[0], ctypes.c_int(0)
    _required("dtrtri")(_char("L"), _char("N"), _int(n), _pointer(a), _int(lda),
                      ctypes.byref(info), _LENGTH_ONE, _LENGTH_ONE)
    return info.value


def sygst_lower(a: Matrix, factor: Matrix) -> int:
    """Lᵀ A L (itype 2) in a's lower triangle: a symmetric (lower triangle read), L in `factor`."""
    lda, ldb = _leading(a), _leading(factor, writeable=False)
    n, info = a.shape[0], ctypes.c_int(0)
    _required("dsygst")(_int(2), _char("L"), _int(n), _pointer(a), _int(lda),
                      _pointer(factor), _int(ldb), ctypes.byref(info), _LENGTH_ONE)
    return info.value


def _triangular_left(name: str, lower_a: Matrix, b: Matrix, alpha: float) -> None:
    ldb, lda = _leading(b), _leading(lower_a, writeable=False)
    m, n = b.shape
    if lower_a.shape != (m, m):
        raise ValueError(f"triangular matrix of shape {lower_a.shape} against {m} rows")
    _required(name)(_char("L"), _char("L"), _char("N"), _char("N"), _int(m), _int(n),
                  _double(alpha), _pointer(lower_a), _int(lda), _pointer(b),
                  _int(ldb), _LENGTH_ONE, _LENGTH_ONE, _LENGTH_ONE, _LENGTH_ONE)


def trsm_lower_left(lower_a: Matrix, b: Matrix, alpha: float = 1.0) -> None:
    """B ← alpha · L⁻¹ b for the lower-triangular L in `lower_a` (m, m) and b (m, n)."""
    _triangular_left("dtrsm", lower_a, b, alpha)


def trmm_lower_left(lower_a: Matrix, b: Matrix, alpha: float = 1.0) -> None:
    """B ← alpha · L b for the lower-triangular L in `lower_a` (m, m) and b (m, n)."""
    _triangular_left("dtrmm", lower_a, b, alpha)


def syrk_lower_transposed(a: Matrix, c: Matrix, alpha: float = 1.0) -> None:
    """C ← alpha · aᵀ a in c's lower triangle, for a (k, n) and c (n, n) (beta = 0)."""
    ldc, lda = _leading(c), _leading(a, writeable=False)
    k, n = a.shape
    if c.shape != (n, n):
        raise ValueError(f"output of shape {c.shape} for {n} columns")
    _required("dsyrk")(_char("L"), _char("T"), _int(n), _int(k), _double(alpha), _pointer(a),
                     _int(lda), _double(0.0), _pointer(c), _int(ldc),
                     _LENGTH_ONE, _LENGTH_ONE)
