"""Small symmetric-matrix helpers shared by the Gaussian metrics."""

from __future__ import annotations

import ctypes
import functools
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]

# From this order up the two-stage reduction of `symmetric_eigenvalues` is the faster one (below
# it, its band stage's fixed cost outweighs the saving; measured on one core, d = 768 to 3,072).
TWO_STAGE_MIN_DIM = 1024


def symmetrize(a: Matrix) -> Matrix:
    """(A + Aᵀ)/2: removes the round-off asymmetry of a product that should be symmetric."""
    return 0.5 * (a + a.T)


def psd_eigh(a: Matrix) -> tuple[NDArray[np.float64], Matrix]:
    """Eigen-decomposition of a symmetric matrix with eigenvalues clipped at 0."""
    values, vectors = np.linalg.eigh(symmetrize(a))
    return np.clip(values, 0.0, None), vectors


def tridiagonalize(a: Matrix) -> tuple[Matrix, Vector, Vector, Vector]:
    """Householder reduction of a symmetric matrix (lower triangle read) to tridiagonal form.

    Returns LAPACK dsytrd's (packed reflectors, diagonal, off-diagonal, τ), UPLO = 'L'. The
    optimal workspace selects the blocked (Level-3) algorithm; scipy's default lwork = d runs
    the unblocked one, ~1.5× slower at d = 384.
    """
    d = a.shape[0]
    lwork, info = scipy.linalg.lapack.dsytrd_lwork(d, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dsytrd workspace query failed (info={info})")
    packed, diag, off, tau, info = scipy.linalg.lapack.dsytrd(a, lower=1, lwork=int(lwork))
    if info != 0:
        raise np.linalg.LinAlgError(f"dsytrd failed (info={info})")
    return packed, diag, off, tau


def symmetric_eigenvalues(a: Matrix, *, overwrite: bool = False) -> Vector:
    """Eigenvalues (ascending) of a symmetric matrix, from its lower triangle.

    LAPACK's two-stage reduction (dsyevd_2stage, no eigenvectors: full → band by Level-3 BLAS,
    band → tridiagonal in cache, then the root-free QR iteration) where the LAPACK scipy links
    has it: ~1.6× faster than the one-stage reduction at d = 2,048 on one core, whose Level-2
    half streams the whole matrix per column. Else the one-stage reduction (`tridiagonalize`)
    and dsterf. `overwrite`: `a` may be destroyed. d < 2 goes to eigvalsh.
    """
    d = a.shape[0]
    if d < 2:
        return np.asarray(np.linalg.eigvalsh(a), dtype=np.float64)
    routine = _two_stage_eigenvalues() if d >= TWO_STAGE_MIN_DIM else None
    if routine is not None:
        return _eigenvalues_two_stage(routine, a, overwrite)
    _, diag, off, _ = tridiagonalize(a)
    values: Vector = scipy.linalg.eigvalsh_tridiagonal(
        diag, off, check_finite=False, lapack_driver="sterf")
    return values


@functools.cache
def _two_stage_eigenvalues() -> Any | None:
    """LAPACK dsyevd_2stage (LP64) of the library scipy's LAPACK wrappers call, or None.

    scipy wraps no two-stage routine, but the LAPACK it links (OpenBLAS; reference LAPACK ≥ 3.7)
    exports one. It is looked up through scipy's own `cython_lapack` extension, whose
    dependencies are exactly that library, with the name decoration found on a routine scipy
    calls (dsytrd: `scipy_dsytrd_` in the scipy-openblas wheels, `dsytrd_` elsewhere).
    """
    try:
        from scipy.linalg import cython_lapack

        library = ctypes.CDLL(cython_lapack.__file__)
    except (ImportError, OSError):
        return None
    for prefix, suffix in (("scipy_", "_"), ("", "_")):
        if hasattr(library, f"{prefix}dsytrd{suffix}"):
            routine = getattr(library, f"{prefix}dsyevd_2stage{suffix}", None)
            if routine is not None:
                routine.restype = None
            return routine
    return None


def _eigenvalues_two_stage(routine: Any, a: Matrix, overwrite: bool) -> Vector:
    """dsyevd_2stage (JOBZ = 'N') on `a`'s lower triangle, in place when allowed."""
    d = a.shape[0]
    # Fortran order, lower triangle: the upper-triangle variant of the band reduction is ~30 %
    # slower here, so a C-ordered `a` is copied rather than read as its transpose's upper part.
    in_place = overwrite and a.flags.f_contiguous and a.flags.writeable and a.dtype == np.float64
    work_a = a if in_place else np.array(a, dtype=np.float64, order="F")
    values = np.empty(d)
    c_int = ctypes.c_int
    n, lwork, liwork, info = c_int(d), c_int(-1), c_int(-1), c_int(0)
    work_size, iwork_size = np.zeros(1), np.zeros(1, dtype=np.int32)

    def call(work: NDArray[Any], iwork: NDArray[Any]) -> None:
        # gfortran ABI: scalars by reference, then the hidden lengths of the two characters
        routine(ctypes.c_char_p(b"N"), ctypes.c_char_p(b"L"), ctypes.byref(n),
                work_a.ctypes.data_as(ctypes.c_void_p), ctypes.byref(n),
                values.ctypes.data_as(ctypes.c_void_p), work.ctypes.data_as(ctypes.c_void_p),
                ctypes.byref(lwork), iwork.ctypes.data_as(ctypes.c_void_p),
                ctypes.byref(liwork), ctypes.byref(info), ctypes.c_size_t(1), ctypes.c_size_t(1))

    call(work_size, iwork_size)  # workspace query
    if info.value == 0:
        lwork.value, liwork.value = max(1, int(work_size[0])), max(1, int(iwork_size[0]))
        call(np.empty(lwork.value), np.empty(liwork.value, dtype=np.int32))
    if info.value < 0:
        raise ValueError(f"dsyevd_2stage: illegal value in argument {-info.value}")
    if info.value > 0:
        raise np.linalg.LinAlgError(f"dsyevd_2stage did not converge (info={info.value})")
    return values


def psd_sqrt(a: Matrix) -> Matrix:
    """Principal square root of a symmetric PSD matrix (negative round-off clipped).

    >>> psd_sqrt(np.array([[4.0, 0.0], [0.0, 9.0]])).round(12).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    values, vectors = psd_eigh(a)
    return (vectors * np.sqrt(values)) @ vectors.T


def shrink(cov: Matrix, strength: float) -> Matrix:
    """(1 − s)·Σ + s·(tr Σ / d)·I: keeps a singular covariance invertible at a known bias.

    >>> shrink(np.array([[2.0, 0.0], [0.0, 0.0]]), 0.5).tolist()
    [[1.5, 0.0], [0.0, 0.5]]
    """
    d = cov.shape[0]
    return (1.0 - strength) * cov + strength * shrinkage_scale(float(np.trace(cov)), d) * np.eye(d)


def shrinkage_scale(trace: float, d: int) -> float:
    """The target variance of `shrink`: tr Σ / d, or 1 when that is not positive (Σ = 0).

    >>> shrinkage_scale(6.0, 3), shrinkage_scale(0.0, 3)
    (2.0, 1.0)
    """
    scale = trace / d if d else 0.0
    return scale if scale > 0.0 else 1.0


def cholesky_lower(a: Matrix, *, overwrite: bool = False) -> Matrix:
    """Lower Cholesky factor L (a = L Lᵀ, upper triangle zeroed) of a symmetric matrix.

    LinAlgError if `a` is not positive definite. `overwrite`: factorise a C-ordered `a` in its
    own memory (as its Fortran-ordered transpose, the same matrix) instead of a copy.

    >>> cholesky_lower(np.array([[4.0, 2.0], [2.0, 2.0]])).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    target = a.T if overwrite and a.flags.c_contiguous else a
    factor, info = scipy.linalg.lapack.dpotrf(target, lower=1, clean=1, overwrite_a=int(overwrite))
    if info != 0:
        raise np.linalg.LinAlgError(
            "matrix is not positive definite" if info > 0 else f"dpotrf failed (info={info})")
    return np.asarray(factor)


def lower_congruence(factor: Matrix, sym: Matrix) -> Matrix:
    """Lᵀ S L for a lower-triangular L (d, d) and a symmetric S (d, d), in the lower triangle.

    LAPACK sygst (itype 2) reads S's lower triangle and writes only the result's (the upper
    one is left as it was): d³ flops where two general products take 4d³.
    """
    product, info = scipy.linalg.lapack.dsygst(sym, factor, itype=2, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"dsygst failed (info={info})")
    return np.asarray(product)


def solve_lower_by_lower(factor: Matrix, b: Matrix, block: int = 256) -> Matrix:
    """L⁻¹ B for lower-triangular L and B (d, d): the lower-triangular result, by block columns.

    B's block column J is 0 above its diagonal, so only L's trailing part enters:
    (L⁻¹ B)[j:, J] = L[j:, j:]⁻¹ B[j:, J]. About d³/3 flops, a third of a general triangular
    solve with d right-hand sides.

    >>> ell = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> solve_lower_by_lower(ell, ell, block=1).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    d = factor.shape[0]
    out = np.zeros((d, d), order="F")
    for start in range(0, d, block):
        stop = min(start + block, d)
        out[start:, start:stop] = scipy.linalg.blas.dtrsm(
            1.0, factor[start:, start:], b[start:, start:stop], lower=1)
    return out


def solve_lower(factor: Matrix, b: NDArray[np.float64]) -> NDArray[np.float64]:
    """L⁻¹ b for a lower-triangular L (d, d) and b (d,) or (d, k): a triangular solve.

    >>> solve_lower(np.array([[2.0, 0.0], [1.0, 1.0]]), np.array([2.0, 3.0])).tolist()
    [1.0, 2.0]
    """
    if b.ndim == 2:
        return np.asarray(scipy.linalg.blas.dtrsm(1.0, factor, b, lower=1))
    return np.asarray(scipy.linalg.solve_triangular(factor, b, lower=True, check_finite=False))


def invert_lower(factor: Matrix) -> Matrix:
    """L⁻¹ of a non-singular lower-triangular L (LAPACK trtri: d³/3 flops, triangular kept).

    >>> invert_lower(np.array([[2.0, 0.0], [1.0, 1.0]])).tolist()
    [[0.5, 0.0], [-0.5, 1.0]]
    """
    inverse, info = scipy.linalg.lapack.dtrtri(factor, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(
            "triangular factor is singular" if info > 0 else f"dtrtri failed (info={info})")
    return np.asarray(inverse)


def logdet_cholesky(factor: Matrix) -> float:
    """The log-determinant of L Lᵀ, 2 Σ log Lᵢᵢ, from its Cholesky factor L.

    >>> logdet_cholesky(np.diag([1.0, np.e]))
    2.0
    """
    return 2.0 * float(np.sum(np.log(np.diagonal(factor))))


def logdet_psd(a: Matrix) -> float:
    """Log-determinant of a positive definite matrix; LinAlgError if it is not.

    >>> logdet_psd(np.diag([1.0, np.e]))
    1.0
    """
    sign, value = np.linalg.slogdet(a)
    if sign <= 0:
        raise np.linalg.LinAlgError("matrix is not positive definite")
    return float(value)
