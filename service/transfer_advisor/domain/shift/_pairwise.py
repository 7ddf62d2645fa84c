"""Shared machinery of the sample-based two-sample tests (MMD, energy distance).

Both statistics are functions of one symmetric pooled matrix ``M`` (N × N, N = n + m, zero
diagonal: the RBF kernel without its diagonal, or the Euclidean distance matrix) and of the
0/1 indicator ``s`` (N,) of the rows labelled "source":

    a = sᵀ M s        (sum over the source block)
    b = sᵀ r,  r = M 1 (source rows against everything)
    T = 1ᵀ M 1
    source-source = a,  source-target = b − a,  target-target = T − 2b + a.

A permutation only changes ``s``, so all B permuted statistics follow from a single matrix
product ``M S`` with S (N, B) the matrix of permuted indicators — the pooled matrix is built
once and never gathered or copied per permutation (alibi-detect gathers a permuted copy each
time). M is symmetric, so only its lower triangle L (with half the diagonal) is ever formed:
sᵀMs = 2·sᵀ(L + D/2)s, one triangular product (TRMM, N²B flops). The Gram matrix (SYRK), the
elementwise passes and the row sums touch only the lower triangle as well.

Exactness of the permutation p-value
------------------------------------
The product runs in float32 on a double-centred matrix M̃ = M − c1ᵀ − 1cᵀ + κ11ᵀ (entries of the
order of the spread of M, not its mean, which shrinks round-off), using the identity
sᵀMs = sᵀM̃s + 2n·sᵀc − n²κ, exact for any c and κ; sᵀc is computed in float64. c (≈ the row
means of M) is estimated from ``_CENTRE_COLUMNS`` evenly spaced columns. The float32 error is measured on
``CHECK_COLUMNS`` permutations recomputed in float64; every permuted statistic closer to the
observed one than ``SAFETY`` × that error is recomputed in float64, so the count
#{T_perm ≥ T_obs} is the float64 count unless the float32 error of some column exceeds 100 × the
largest error seen on the check columns. ``details`` reports the measured error and the number
of recomputed columns.

Large inputs
------------
Above ``MAX_EXACT_ROWS_PER_SIDE`` rows on a side, that side is subsampled without replacement
(seeded) to that many rows and the exact test runs on the subsample (the "subsample" path).
Why subsampling rather than linear-time MMD or random features: the permutation test on a
random subsample is still an exact-level test (valid p-value for H0), the U-statistic on it is
still unbiased for the population MMD², memory is bounded by the cap (N ≤ 5,000 ⇒ one float64
and one float32 N × N array plus the n × n source block, ≈ 0.35 GiB) and time by O(N²(d + B))
whatever the input size. Linear-time MMD (Gretton et al. 2012, §6) has far lower power at equal
cost; random Fourier features change the statistic and would need an (N × D) feature matrix per
side. The price is sampling error in the value, which ``details["standard_error"]`` estimates
(first-order Hoeffding projection of the U/V-statistic on the rows used) so the caller knows
how far the reported value may be from the full-data one.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from ..results import MetricNotApplicable

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]
Path = Literal["exact", "subsample"]

MAX_EXACT_ROWS_PER_SIDE = 2500
CHECK_COLUMNS = 8
SAFETY = 100.0
_CACHE_ROWS = 32  # rows per block of the elementwise passes: 32 × 5,000 float64 ≈ L2-sized
_CENTRE_COLUMNS = 64
_DUPLICATE_RTOL = 1e-12


@dataclass(frozen=True)
class PooledSample:
    """The pooled rows used by a test, as a Gram matrix (the O(N²d) part, computed once).

    ``gram`` (N, N) float64: the lower triangle (with the diagonal) holds Zᵀ-products of the
    column-centred pooled rows Z (source rows ``[:n_source]`` first); the strict upper triangle
    is undefined. ``norms`` (N,) = diag(gram). ``path`` says whether every row was used
    ("exact") or a seeded subsample. Build it once with :func:`pool_samples` and pass it to both
    ``mmd_test`` and ``energy_distance_test``.
    """

    gram: Matrix
    norms: Vector
    n_source: int
    n_target: int
    n_source_total: int
    n_target_total: int
    path: Path
    seed: int

    @property
    def size(self) -> int:
        """N, the number of pooled rows."""
        return self.n_source + self.n_target

    def duplicate_threshold(self) -> float:
        """Squared distances at or below this are round-off of equal rows: 1e-12 · 2 max‖z‖²
        (the Gram identity's absolute round-off is ≈ 1e-16 · max‖z‖²)."""
        return _DUPLICATE_RTOL * 2.0 * float(self.norms.max(initial=0.0))

    def fill_sq_dist(self, out: Matrix, start: int, stop: int) -> None:
        """Write the squared distances ‖zᵢ − zⱼ‖² of rows [start, stop) against rows [:stop]
        into ``out[start:stop, :stop]``: the lower triangle (diagonal 0, clipped at 0, round-off
        of equal rows set to 0 so duplicates have distance 0, not sqrt(round-off) ≈ 1e-7); the
        part on and above the diagonal is set to 0."""
        block = out[start:stop, :stop]
        np.multiply(self.gram[start:stop, :stop], -2.0, out=block)
        block += self.norms[start:stop, None]
        block += self.norms[None, :stop]
        np.copyto(block, 0.0, where=block <= self.duplicate_threshold())
        block[:, start:][_upper_mask(stop - start)] = 0.0

    def lower_sq_dist(self, rows: int | None = None) -> Matrix:
        """A new (rows, rows) buffer (default rows = N) whose lower triangle holds the squared
        distances among the first ``rows`` pooled rows (see ``fill_sq_dist``)."""
        size = self.size if rows is None else rows
        out = np.empty((size, size))
        for_row_blocks(size, lambda start, stop: self.fill_sq_dist(out, start, stop))
        return out

    def describe(self) -> dict[str, object]:
        """JSON-safe description of which rows were used."""
        out: dict[str, object] = {
            "path": self.path,
            "n_source": self.n_source_total,
            "n_target": self.n_target_total,
        }
        if self.path == "subsample":
            out["rows_used"] = {"source": self.n_source, "target": self.n_target}
            out["max_rows_per_side"] = max(self.n_source, self.n_target)
        return out


def centred_gram(x: Matrix) -> tuple[Matrix, Vector]:
    """Gram matrix of the column-centred rows of x (N, d): (G, diag G), G's lower triangle valid.

    Centring (by each column's midrange) leaves distances unchanged and shrinks the norms,
    hence the cancellation in ‖a‖² + ‖b‖² − 2aᵀb. One SYRK (half the flops of a GEMM);
    BLAS fills G's upper triangle in column-major order, which is the lower triangle of the
    row-major transpose returned here.
    """
    z = np.asarray(x, dtype=np.float64)
    # the midrange, not the mean: it does not depend on row order, so neither do the distances
    z = z - 0.5 * (z.min(axis=0) + z.max(axis=0))
    gram = scipy.linalg.blas.dsyrk(1.0, z.T, trans=1).T  # z.T is column-major: no copy
    return gram, np.einsum("ij,ij->i", z, z)


def _thread_budget() -> int:
    """Cores this process may use for one computation: the BLAS thread setting when present
    (`transfer-advisor serve` sets 1, as concurrent requests already fill the cores), else all."""
    cores = len(os.sched_getaffinity(0))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return min(cores, int(value))
    return cores


@functools.cache
def _block_pool() -> ThreadPoolExecutor | None:
    workers = min(4, _thread_budget())
    return ThreadPoolExecutor(workers, thread_name_prefix="pairwise") if workers > 1 else None


@functools.cache
def _upper_mask(size: int) -> NDArray[np.bool_]:
    """(size, size) mask of the diagonal and the strict upper triangle."""
    return np.triu(np.ones((size, size), dtype=bool))


def _row_bounds(n_rows: int, split: int, rows: int = _CACHE_ROWS) -> list[tuple[int, int]]:
    return [(start, min(start + rows, stop))
            for lo, stop in ((0, split), (split, n_rows)) for start in range(lo, stop, rows)]


def for_row_blocks(
    n_rows: int, fn: Callable[[int, int], None], *, split: int = 0, rows: int = _CACHE_ROWS
) -> None:
    """Call fn(start, stop) for consecutive cache-sized row blocks, on all cores.

    No block straddles ``split``. The elementwise passes over N × N matrices are memory-bound
    numpy ufuncs that release the GIL, so threads give real parallelism. Each block writes only
    its own rows (or its own slot), so results do not depend on scheduling.
    """
    bounds = _row_bounds(n_rows, split, rows)
    pool = _block_pool()
    if pool is None or len(bounds) == 1:
        for start, stop in bounds:
            fn(start, stop)
        return
    # one task per worker over interleaved blocks: balanced for triangles, and a few tasks
    # instead of one per block (a task costs ~50 µs of locking)
    workers = pool._max_workers

    def run(share: list[tuple[int, int]]) -> None:
        for start, stop in share:
            fn(start, stop)

    for future in [pool.submit(run, bounds[k::workers]) for k in range(workers)]:
        future.result()


def pool_samples(
    x_source: Matrix,
    x_target: Matrix,
    *,
    seed: int = 0,
    max_rows_per_side: int = MAX_EXACT_ROWS_PER_SIDE,
) -> PooledSample:
    """Stack source over target (subsampling a side above ``max_rows_per_side``) and compute
    their centred Gram matrix.

    Shapes: x_source (n, d), x_target (m, d) → PooledSample with N ≤ 2 · max_rows_per_side.
    Subsampling uses ``numpy.random.default_rng(seed)``, without replacement, rows kept in
    their original order.
    """
    if x_source.ndim != 2 or x_target.ndim != 2 or x_source.shape[1] != x_target.shape[1]:
        raise ValueError("x_source and x_target must be 2-D with the same number of columns")
    n_total, m_total = len(x_source), len(x_target)
    if n_total < 2 or m_total < 2:
        raise MetricNotApplicable("two-sample tests need at least 2 rows on each side")
    rng = np.random.default_rng(seed)
    path: Path = "exact"
    if n_total > max_rows_per_side:
        x_source = x_source[np.sort(rng.choice(n_total, max_rows_per_side, replace=False))]
        path = "subsample"
    if m_total > max_rows_per_side:
        x_target = x_target[np.sort(rng.choice(m_total, max_rows_per_side, replace=False))]
        path = "subsample"
    gram, norms = centred_gram(np.concatenate([x_source, x_target]))
    return PooledSample(
        gram=gram,
        norms=norms,
        n_source=len(x_source),
        n_target=len(x_target),
        n_source_total=n_total,
        n_target_total=m_total,
        path=path,
        seed=seed,
    )


@dataclass(frozen=True)
class BlockSums:
    """Row sums of the source/target blocks of a pooled matrix (float64).

    ``ss[i] = Σ_{j∈S} M_ij`` for source rows i, ``st[i] = Σ_{l∈T} M_il``;
    ``tt``, ``ts`` likewise for target rows.
    """

    ss: Vector
    st: Vector
    tt: Vector
    ts: Vector

    @property
    def a(self) -> float:
        return float(self.ss.sum())

    @property
    def cross(self) -> float:
        return float(self.st.sum())

    @property
    def target(self) -> float:
        return float(self.tt.sum())


@dataclass(frozen=True)
class PooledMatrix:
    """A symmetric pooled statistic matrix M (zero diagonal) ready for the permutation engine.

    ``lower`` (N, N) float64: M's strict lower triangle, zeros on and above the diagonal;
    ``sums`` M's block row sums; ``centred32`` (N, N) float32: the lower triangle of
    M̃ = M − c1ᵀ − 1cᵀ + κ11ᵀ with M̃ᵢᵢ/2 on the diagonal (above it: undefined), so that
    sᵀM̃s = 2·sᵀ tril(centred32) s; ``centre`` = c (N,), ``kappa`` = κ (module docstring).
    """

    lower: Matrix
    sums: BlockSums
    centred32: NDArray[np.float32]
    centre: Vector
    kappa: float


def pooled_matrix(
    pooled: PooledSample, fn: Callable[[Matrix, Matrix], object], *, in_place: bool = False
) -> PooledMatrix:
    """M = fn(squared distances) with a zero diagonal, its block sums and the float32 centred
    copy, in one parallel pass over the lower triangle (M is symmetric).

    fn(block, out_block) works elementwise in place. ``in_place=True`` writes M over
    ``pooled.gram`` (saving an N × N allocation); the pooled sample is then spent.
    """
    n, big_n = pooled.n_source, pooled.size
    centre = _approximate_row_means(pooled, fn)  # reads the Gram matrix: before the pass
    lower = pooled.gram if in_place else np.empty_like(pooled.gram)
    kappa = float(centre.mean())
    half_kappa = 0.5 * kappa
    centred32 = np.empty(lower.shape, dtype=np.float32)
    bounds = _row_bounds(big_n, n)
    slot = {start: i for i, (start, _) in enumerate(bounds)}
    # per-block column sums of the strict lower triangle (a block lies on one side of n)
    column_parts = np.zeros((len(bounds), big_n))
    row_source, row_target = np.empty(big_n), np.empty(big_n)  # lower row sums by column side

    def build(start: int, stop: int) -> None:
        pooled.fill_sq_dist(lower, start, stop)  # reads only the Gram rows it overwrites
        block = lower[start:stop, :stop]
        fn(block, block)
        block[:, start:][_upper_mask(stop - start)] = 0.0  # M's diagonal; keep only the lower
        row_source[start:stop] = block[:, :n].sum(axis=1)
        row_target[start:stop] = block[:, n:].sum(axis=1)
        column_parts[slot[start], :stop] = block.sum(axis=0)
        centred = block - centre[start:stop, None]
        centred -= centre[None, :stop]
        centred += kappa
        rows = np.arange(stop - start)
        centred[rows, rows + start] = half_kappa - centre[start:stop]  # M̃ᵢᵢ/2, Mᵢᵢ = 0
        centred32[start:stop, :stop] = centred

    for_row_blocks(big_n, build, split=n)
    source_blocks = np.array([start < n for start, _ in bounds])
    from_source = column_parts[source_blocks].sum(axis=0)
    from_target = column_parts[~source_blocks].sum(axis=0)
    sums = BlockSums(ss=row_source[:n] + from_source[:n], st=from_target[:n],
                     tt=row_target[n:] + from_target[n:], ts=row_source[n:])
    return PooledMatrix(lower=lower, sums=sums, centred32=centred32, centre=centre, kappa=kappa)


def _approximate_row_means(pooled: PooledSample, fn: Callable[[Matrix, Matrix], object]) -> Vector:
    """Row means of M over ``_CENTRE_COLUMNS`` evenly spaced columns: the centring vector c.

    Any c keeps sᵀMs = sᵀM̃s + 2n·sᵀc − n²κ exact; a c close to the row means only makes the
    float32 entries of M̃ small.
    """
    big_n = pooled.size
    probe = np.linspace(0, big_n - 1, min(_CENTRE_COLUMNS, big_n)).round().astype(np.intp)
    below = probe[None, :] <= np.arange(big_n)[:, None]
    gram = np.where(below, pooled.gram[:, probe], pooled.gram[probe, :].T)  # lower half only
    values = pooled.norms[:, None] + pooled.norms[probe][None, :] - 2.0 * gram
    np.maximum(values, 0.0, out=values)
    fn(values, values)
    values[probe, np.arange(probe.size)] = 0.0
    means: Vector = values.mean(axis=1)
    return means


def projection_standard_error(g_source: Vector, g_target: Vector) -> float:
    """First-order (Hoeffding-projection) standard error of a two-sample U/V-statistic.

    SE² = Var(g_source)/n + Var(g_target)/m, where g are the per-row projections
    (Serfling 1980, §5.5; for MMD see Gretton et al. 2012, JMLR 13, App. B).
    """
    var = float(np.var(g_source, ddof=1)) / len(g_source)
    var += float(np.var(g_target, ddof=1)) / len(g_target)
    return float(np.sqrt(max(var, 0.0)))


StatFn = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class PermutationOutcome:
    """Observed statistic (as recomputed by the engine), permuted statistics and diagnostics."""

    observed: float
    permuted: NDArray[np.float64]
    p_value: float
    float32_max_abs_error: float
    recomputed_float64: int

    def details(self) -> dict[str, object]:
        """JSON-safe summary: null quantile, float32 error and recomputation count."""
        return {
            "null_quantile_95": float(np.quantile(self.permuted, 0.95)),
            "float32_max_abs_error": self.float32_max_abs_error,
            "recomputed_float64": self.recomputed_float64,
        }


def _permuted_indicators(
    n: int, big_n: int, permutations: int, rng: np.random.Generator
) -> NDArray[np.float32]:
    """(B, N) float32 rows, each a uniformly random 0/1 vector with exactly n ones.

    The ones sit at the n smallest of N iid uniform keys per row (a uniform n-subset);
    argpartition gives exactly n of them even on ties, and is ~2x faster than shuffling rows.
    """
    keys = rng.random((permutations, big_n))
    chosen = np.argpartition(keys, n - 1, axis=1)[:, :n]
    out = np.zeros((permutations, big_n), dtype=np.float32)
    np.put_along_axis(out, chosen, np.float32(1.0), axis=1)
    return out


def _lower_quadratic_forms(
    lower: NDArray[np.float32] | Matrix, s: NDArray[np.float32] | Matrix
) -> NDArray[np.float64]:
    """sᵦᵀ tril(lower) sᵦ for every row sᵦ of s (B, N), by one BLAS TRMM (N²B flops).

    ``lower.T`` is column-major and upper triangular, so BLAS reads it without a copy;
    only the lower triangle (with the diagonal) of ``lower`` is read.
    """
    trmm = scipy.linalg.blas.strmm if lower.dtype == np.float32 else scipy.linalg.blas.dtrmm
    product = trmm(1.0, lower.T, s.T, side=0, lower=0, trans_a=1)  # (N, B) = tril(lower) sᵀ
    out: NDArray[np.float64] = np.einsum("nb,bn->b", product, s, dtype=np.float64)
    return out


def permutation_test(
    matrix: PooledMatrix,
    statistic: StatFn,
    *,
    permutations: int,
    seed: int,
) -> PermutationOutcome:
    """Permutation test of a statistic T(a, b) that is affine in a = sᵀMs for fixed b = sᵀM1.

    Parameters
    ----------
    matrix : ``pooled_matrix(...)``: M's lower triangle (symmetric, zero diagonal, source =
        rows [:n]), block sums and float32 centred copy (not modified).
    statistic : vectorised T(a, b) for float64 arrays a, b (same shape).
    permutations : B ≥ 1 random relabellings drawn from ``default_rng(seed)``.

    Returns the observed T, the B permuted T and p = (1 + #{T_perm ≥ T_obs}) / (1 + B)
    (Phipson & Smyth 2010). Larger T = more evidence against H0.
    """
    sums = matrix.sums
    n = len(sums.ss)
    big_n = matrix.lower.shape[0]
    rng = np.random.default_rng(seed)
    rows = np.concatenate([sums.ss + sums.st, sums.tt + sums.ts])
    a_obs = sums.a
    b_obs = float(rows[:n].sum())

    s = _permuted_indicators(n, big_n, permutations, rng)
    # the whole test's cost: one float32 triangular product of N²·B flops, 2·sᵀ tril(M̃) s
    a_c = 2.0 * _lower_quadratic_forms(matrix.centred32, s)
    # no BLAS calls below: float64 sums, exact enough
    b_perm = np.einsum("bn,n->b", s, rows, dtype=np.float64)
    s_centre = np.einsum("bn,n->b", s, matrix.centre, dtype=np.float64)
    # a = sᵀM̃s + 2n·sᵀc − n²κ
    a_perm = a_c + 2.0 * n * s_centre - float(n * n) * matrix.kappa

    def exact_a(columns: NDArray[np.intp]) -> NDArray[np.float64]:
        return 2.0 * _lower_quadratic_forms(matrix.lower, s[columns].astype(np.float64))

    checks = np.arange(min(CHECK_COLUMNS, permutations))
    exact_checks = exact_a(checks)
    err_a = float(np.max(np.abs(a_perm[checks] - exact_checks)))
    a_perm[checks] = exact_checks

    observed = float(statistic(np.array([a_obs]), np.array([b_obs]))[0])
    permuted = statistic(a_perm, b_perm)
    # T is affine in a: |ΔT| = |∂T/∂a| · |Δa|
    slope_a = float(abs(statistic(np.array([1.0]), np.array([0.0]))[0]
                        - statistic(np.array([0.0]), np.array([0.0]))[0]))
    floor_a = float(np.finfo(np.float32).eps) * n
    margin = slope_a * SAFETY * max(err_a, floor_a)
    border = np.flatnonzero(np.abs(permuted - observed) <= margin)
    border = border[border >= len(checks)]
    if border.size:
        a_perm[border] = exact_a(border)
        permuted[border] = statistic(a_perm[border], b_perm[border])
    exceed = int(np.count_nonzero(permuted >= observed))
    return PermutationOutcome(
        observed=observed,
        permuted=permuted,
        p_value=(1.0 + exceed) / (1.0 + permutations),
        float32_max_abs_error=slope_a * err_a,
        recomputed_float64=int(border.size + len(checks)),
    )
