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
elementwise passes and the row sums touch only the lower triangle as well. The permutation
engine itself lives in ``_permutation``.

Large inputs
------------
Above ``MAX_EXACT_ROWS_PER_SIDE`` rows on a side, that side is subsampled without replacement
(at random) to that many rows and the exact test runs on the subsample (the "subsample" path).
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .. import parallelism
from ..results import MetricNotApplicable
from ._buffers import POOL

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]
Path = Literal["exact", "subsample"]

MAX_EXACT_ROWS_PER_SIDE = 2500
_CACHE_ROWS = 32  # rows per block of the elementwise passes: 32 × 5,000 float64 ≈ L2-sized
_CENTRE_COLUMNS = 64
_DUPLICATE_RTOL = 1e-12


@dataclass(frozen=True)
class PooledSample:
    """The pooled rows used by a test, as a Gram matrix (the O(N²d) part, computed once).

    ``cross`` (N, N) float64: the lower triangle (with the diagonal) holds −2 zᵢ·zⱼ, the cross
    term of ‖zᵢ − zⱼ‖² = ‖zᵢ‖² + ‖zⱼ‖² − 2 zᵢ·zⱼ, for the column-centred pooled rows Z (source
    rows ``[:n_source]`` first); the strict upper triangle is undefined. ``norms`` (N,) the
    ‖zᵢ‖². ``path`` says whether every row was used ("exact") or a random subsample. Build it
    once with :func:`pool_samples` and pass it to both ``mmd_distance`` and ``energy_distance``.
    """

    cross: Matrix
    norms: Vector
    n_source: int
    n_target: int
    n_source_total: int
    n_target_total: int
    path: Path

    @property
    def size(self) -> int:
        """N, the number of pooled rows."""
        return self.n_source + self.n_target

    def duplicate_threshold(self) -> float:
        """Squared distances at or below this are round-off of equal rows.

        1e-12 · 2 max‖z‖² (the Gram identity's absolute round-off is ≈ 1e-16 · max‖z‖²).
        """
        return _DUPLICATE_RTOL * 2.0 * float(self.norms.max(initial=0.0))

    def fill_sq_dist(self, out: Matrix, start: int, stop: int) -> None:
        """Write squared distances ‖zᵢ − zⱼ‖² of rows [start, stop) against rows [:stop].

        Into ``out[start:stop, :stop]``: the lower triangle (diagonal 0, clipped at 0, round-off
        of equal rows set to 0 so duplicates have distance 0, not sqrt(round-off) ≈ 1e-7); the
        part on and above the diagonal is set to 0.
        """
        block = out[start:stop, :stop]
        # The strict upper triangle of `cross` is whatever a reused buffer held (maybe NaN or
        # inf bit patterns): the sums there are discarded below, so their FP flags are too.
        with np.errstate(invalid="ignore", over="ignore"):
            np.add(self.cross[start:stop, :stop], self.norms[start:stop, None], out=block)
            block += self.norms[None, :stop]
        threshold = self.duplicate_threshold()
        # left of the diagonal part equal rows are rare: one read-only pass finds whether any
        left, square = block[:, :start], block[:, start:]
        if left.size and left.min() <= threshold:
            np.copyto(left, 0.0, where=left <= threshold)
        np.copyto(square, 0.0, where=square <= threshold)
        square[_upper_mask(stop - start)] = 0.0

    def lower_sq_dist(self, rows: int | None = None) -> Matrix:
        """Squared distances among the first ``rows`` pooled rows (default: all N).

        A (rows, rows) buffer from the buffer pool (``_buffers.POOL``: give it back when spent);
        only its lower triangle is meaningful (see ``fill_sq_dist``).
        """
        size = self.size if rows is None else rows
        out = POOL.take((size, size))
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
    """−2 × the Gram matrix of the column-centred rows of x (N, d), lower triangle valid; norms.

    Centring (by each column's midrange) leaves distances unchanged and shrinks the norms,
    hence the cancellation in ‖a‖² + ‖b‖² − 2aᵀb. One SYRK (half the flops of a GEMM), with
    alpha = −2 (exact: a power of two) so the distance pass saves a multiplication; BLAS fills
    the upper triangle in column-major order, which is the lower triangle of the row-major
    transpose returned here.
    """
    z = np.asarray(x, dtype=np.float64)
    # the midrange, not the mean: it does not depend on row order, so neither do the distances
    z = z - 0.5 * (z.min(axis=0) + z.max(axis=0))
    out = POOL.take((z.shape[0], z.shape[0]), order="F")
    # z.T is column-major: no copy; beta = 0: the old contents of `out` are never read
    cross = scipy.linalg.blas.dsyrk(-2.0, z.T, trans=1, beta=0.0, c=out, overwrite_c=1).T
    if not np.shares_memory(cross, out):
        POOL.give(out)
    return cross, np.einsum("ij,ij->i", z, z)


@functools.cache
def _block_pool() -> ThreadPoolExecutor | None:
    """Up to 4 threads, sized once by the cores available; each pass uses `workers()` of them."""
    workers = min(4, parallelism.available_cores())
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
    """Call fn(start, stop) for consecutive cache-sized row blocks, on `parallelism.workers()` threads.

    No block straddles ``split``. The elementwise passes over N × N matrices are memory-bound
    numpy ufuncs that release the GIL, so threads give real parallelism. Each block writes only
    its own rows (or its own slot), so results do not depend on scheduling.
    """
    bounds = _row_bounds(n_rows, split, rows)
    pool = _block_pool()
    # the cores this computation may use now (the service shares them among its requests)
    workers = 1 if pool is None else min(pool._max_workers, parallelism.workers())
    if pool is None or workers == 1 or len(bounds) == 1:
        for start, stop in bounds:
            fn(start, stop)
        return
    # one task per worker over interleaved blocks: balanced for triangles, and a few tasks
    # instead of one per block (a task costs ~50 µs of locking)

    def run(share: list[tuple[int, int]]) -> None:
        for start, stop in share:
            fn(start, stop)

    for future in [pool.submit(run, bounds[k::workers]) for k in range(workers)]:
        future.result()


def pool_samples(
    x_source: Matrix,
    x_target: Matrix,
    *,
    rng: np.random.Generator,
    max_rows_per_side: int = MAX_EXACT_ROWS_PER_SIDE,
) -> PooledSample:
    """Stack source over target and compute their centred Gram matrix.

    A side above ``max_rows_per_side`` rows is subsampled with ``rng`` (without replacement,
    rows kept in their original order; ``rng`` is not drawn from otherwise).
    Shapes: x_source (n, d), x_target (m, d) → PooledSample with N ≤ 2 · max_rows_per_side.

    >>> pooled = pool_samples(np.zeros((3, 2)), np.ones((4, 2)), rng=np.random.default_rng(0))
    >>> pooled.size, pooled.path
    (7, 'exact')
    """
    if x_source.ndim != 2 or x_target.ndim != 2 or x_source.shape[1] != x_target.shape[1]:
        raise ValueError("x_source and x_target must be 2-D with the same number of columns")
    n_total, m_total = len(x_source), len(x_target)
    if n_total < 2 or m_total < 2:
        raise MetricNotApplicable("two-sample tests need at least 2 rows on each side")
    path: Path = "exact"
    if n_total > max_rows_per_side:
        x_source = x_source[np.sort(rng.choice(n_total, max_rows_per_side, replace=False))]
        path = "subsample"
    if m_total > max_rows_per_side:
        x_target = x_target[np.sort(rng.choice(m_total, max_rows_per_side, replace=False))]
        path = "subsample"
    cross, norms = centred_gram(np.concatenate([x_source, x_target]))
    return PooledSample(
        cross=cross,
        norms=norms,
        n_source=len(x_source),
        n_target=len(x_target),
        n_source_total=n_total,
        n_target_total=m_total,
        path=path,
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


@dataclass(frozen=True)
class CentreProbe:
    """Squared distances (N, P) of every pooled row to P evenly spaced ones, before any fn."""

    columns: NDArray[np.intp]
    sq_dist: Matrix


def source_sq_dist_in_place(pooled: PooledSample) -> tuple[Matrix, CentreProbe]:
    """Squared distances among the source rows, written over their cross terms.

    Returns the (n, n) block (lower triangle valid, as ``fill_sq_dist`` writes it) and the
    centring probe, read before the overwrite. The pooled sample is spent: pass the probe to
    ``pooled_matrix(..., in_place=True, source_filled=probe)``, whose pass then starts from
    these distances instead of computing them again (MMD's median heuristic reads them first).
    """
    probe = _centre_probe(pooled)
    n = pooled.n_source
    for_row_blocks(n, lambda start, stop: pooled.fill_sq_dist(pooled.cross, start, stop))
    return pooled.cross[:n, :n], probe


def pooled_matrix(
    pooled: PooledSample, fn: Callable[[Matrix, Matrix], object], *, in_place: bool = False,
    source_filled: CentreProbe | None = None,
) -> PooledMatrix:
    """M = fn(squared distances) with a zero diagonal, its block sums and float32 centred copy.

    One parallel pass over the lower triangle (M is symmetric). fn(block, out_block) works
    elementwise in place. ``in_place=True`` writes M over ``pooled.cross`` (saving an N × N
    matrix); the pooled sample is then spent. ``source_filled``: the probe returned by
    ``source_sq_dist_in_place`` (``in_place`` only), whose source distances the pass reuses.
    """
    if source_filled is not None and not in_place:
        raise ValueError("source_filled needs in_place=True")
    n, big_n = pooled.n_source, pooled.size
    # reads the cross terms: before the pass
    centre = _row_means(source_filled or _centre_probe(pooled), fn)
    lower = pooled.cross if in_place else POOL.take(pooled.cross.shape)
    kappa = float(centre.mean())
    half_kappa = 0.5 * kappa
    centred32 = POOL.take(lower.shape, dtype=np.float32)
    bounds = _row_bounds(big_n, n)
    slot = {start: i for i, (start, _) in enumerate(bounds)}
    # per-block column sums of the strict lower triangle (a block lies on one side of n)
    column_parts = np.zeros((len(bounds), big_n))
    row_source, row_target = np.empty(big_n), np.empty(big_n)  # lower row sums by column side

    def build(start: int, stop: int) -> None:
        if source_filled is None or start >= n:  # a block lies on one side of n
            pooled.fill_sq_dist(lower, start, stop)  # reads only the rows it overwrites
        block = lower[start:stop, :stop]
        fn(block, block)
        block[:, start:][_upper_mask(stop - start)] = 0.0  # M's diagonal; keep only the lower
        row_source[start:stop] = block[:, :n].sum(axis=1)
        row_target[start:stop] = block[:, n:].sum(axis=1)
        column_parts[slot[start], :stop] = block.sum(axis=0)
        centred = block - centre[start:stop, None]
        centred -= centre[None, :stop]
        out32 = centred32[start:stop, :stop]
        np.add(centred, kappa, out=out32, casting="same_kind")  # in float64, rounded once
        rows = np.arange(stop - start)
        out32[rows, rows + start] = half_kappa - centre[start:stop]  # M̃ᵢᵢ/2, Mᵢᵢ = 0

    for_row_blocks(big_n, build, split=n)
    source_blocks = np.array([start < n for start, _ in bounds])
    from_source = column_parts[source_blocks].sum(axis=0)
    from_target = column_parts[~source_blocks].sum(axis=0)
    sums = BlockSums(ss=row_source[:n] + from_source[:n], st=from_target[:n],
                     tt=row_target[n:] + from_target[n:], ts=row_source[n:])
    return PooledMatrix(lower=lower, sums=sums, centred32=centred32, centre=centre, kappa=kappa)


def _centre_probe(pooled: PooledSample) -> CentreProbe:
    """Squared distances to ``_CENTRE_COLUMNS`` evenly spaced rows, for ``_row_means``."""
    big_n = pooled.size
    probe = np.linspace(0, big_n - 1, min(_CENTRE_COLUMNS, big_n)).round().astype(np.intp)
    below = probe[None, :] <= np.arange(big_n)[:, None]
    cross = np.where(below, pooled.cross[:, probe], pooled.cross[probe, :].T)  # lower half only
    values = pooled.norms[:, None] + pooled.norms[probe][None, :] + cross
    np.maximum(values, 0.0, out=values)
    return CentreProbe(probe, values)


def _row_means(probe: CentreProbe, fn: Callable[[Matrix, Matrix], object]) -> Vector:
    """Row means of M over the probe's columns: the centring vector c (spends the probe).

    Any c keeps sᵀMs = sᵀM̃s + 2n·sᵀc − n²κ exact; a c close to the row means only makes the
    float32 entries of M̃ small.
    """
    values = probe.sq_dist
    fn(values, values)
    values[probe.columns, np.arange(probe.columns.size)] = 0.0
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
