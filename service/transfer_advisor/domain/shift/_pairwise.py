"""Shared machinery of the sample-based two-sample tests (MMD, energy distance).

Both statistics are functions of one symmetric pooled matrix ``M`` (N × N, N = n + m, zero
diagonal: the RBF kernel without its diagonal, or the Euclidean distance matrix) and of the
0/1 indicator ``s`` (N,) of the rows labelled "source":

    a = sᵀ M s        (sum over the source block)
    b = sᵀ r,  r = M 1 (source rows against everything)
    T = 1ᵀ M 1
    source-source = a,  source-target = b − a,  target-target = T − 2b + a.

A permutation only changes ``s``, so all B permuted statistics follow from a single GEMM
``M S`` with S (N, B) the matrix of permuted indicators — the pooled matrix is built once and
never gathered or copied per permutation (alibi-detect gathers a permuted copy each time).

Exactness of the permutation p-value
------------------------------------
The GEMM runs in float32 on the double-centred matrix M̃ = M − r1ᵀ/N − 1rᵀ/N + T/N² (entries of
order of the spread of M, not its mean, which shrinks round-off) using
sᵀMs = sᵀM̃s + 2n·b/N − n²T/N², with b computed in float64. The float32 error is measured on
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
still unbiased for the population MMD², memory is bounded by the cap (N ≤ 5,000 ⇒ three
N × N arrays ≈ 0.5 GiB) and time by O(N²(d + B)) whatever the input size. Linear-time MMD
(Gretton et al. 2012, §6) has far lower power at equal cost; random Fourier features change
the statistic and would need an (N × D) feature matrix per side. The price is sampling error in
the value, which ``details["standard_error"]`` estimates (first-order Hoeffding projection of
the U/V-statistic on the rows used) so the caller knows how far the reported value may be from
the full-data one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..results import MetricNotApplicable

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]
Path = Literal["exact", "subsample"]

MAX_EXACT_ROWS_PER_SIDE = 2500
CHECK_COLUMNS = 8
SAFETY = 100.0
_ROW_BLOCK = 512
_CACHE_ROWS = 64
_DUPLICATE_RTOL = 1e-12
_SMALL_GEMM = 50_000_000  # N²·B below which (B, N) @ (N, N) is the faster orientation


@dataclass(frozen=True)
class PooledSample:
    """Squared Euclidean distances of the pooled rows used by a test.

    ``sq_dist`` (N, N) float64, symmetric, zero diagonal; rows ``[:n_source]`` come from the
    source. ``path`` says whether every row was used ("exact") or a seeded subsample.
    Build it once with :func:`pool_samples` and pass it to both ``mmd_test`` and
    ``energy_distance_test`` to share the O(N²d) distance computation.
    """

    sq_dist: Matrix
    n_source: int
    n_target: int
    n_source_total: int
    n_target_total: int
    path: Path
    seed: int

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


def squared_distances(x: Matrix) -> Matrix:
    """Pairwise squared Euclidean distances of the rows of x, ‖xᵢ − xⱼ‖².

    Shape: x (N, d) → (N, N), exactly symmetric, diagonal exactly 0, clipped at 0.
    Uses the Gram identity ‖a‖² + ‖b‖² − 2aᵀb (one SYRK); absolute round-off ≈ 1e-16 · max‖x‖²;
    values below ``_DUPLICATE_RTOL`` · (‖a‖² + ‖b‖²) are round-off of equal rows and set to 0.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    sq = x @ x.T  # numpy dispatches A @ A.T to SYRK: exactly symmetric
    norms = np.einsum("ij,ij->i", x, x)
    for start in range(0, len(x), _ROW_BLOCK):
        block = sq[start:start + _ROW_BLOCK]
        block *= -2.0
        # (nᵢ + nⱼ) is commutative, so the result stays exactly symmetric
        norm_sum = norms[start:start + _ROW_BLOCK, None] + norms[None, :]
        block += norm_sum
        # below the identity's round-off the rows are equal: exact 0 (also clips negatives),
        # so duplicated rows have distance 0, not sqrt(round-off) ≈ 1e-7
        block[block <= _DUPLICATE_RTOL * norm_sum] = 0.0
    np.fill_diagonal(sq, 0.0)
    return sq


def pool_samples(
    x_source: Matrix,
    x_target: Matrix,
    *,
    seed: int = 0,
    max_rows_per_side: int = MAX_EXACT_ROWS_PER_SIDE,
) -> PooledSample:
    """Stack source over target (subsampling a side above ``max_rows_per_side``) and compute
    the pooled squared distances.

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
    pooled = np.concatenate([x_source, x_target]).astype(np.float64, copy=False)
    return PooledSample(
        sq_dist=squared_distances(pooled),
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


def block_sums(m: Matrix, n: int) -> BlockSums:
    """Block row sums of a symmetric pooled matrix m (N, N) with the source in rows [:n]
    (one pass over m)."""
    return BlockSums(ss=m[:n, :n].sum(axis=1), st=m[:n, n:].sum(axis=1),
                     tt=m[n:, n:].sum(axis=1), ts=m[n:, :n].sum(axis=1))


def elementwise_blocks(src: Matrix, fn: Callable[[Matrix, Matrix], object]) -> Matrix:
    """out = fn(src) applied per cache-sized row block (fn(block, out_block) writes in place).

    Fusing e.g. multiply + exp per block keeps the intermediate in cache: one pass over
    memory instead of two for an N × N float64 matrix.
    """
    out = np.empty_like(src)
    for start in range(0, len(src), _CACHE_ROWS):
        fn(src[start:start + _CACHE_ROWS], out[start:start + _CACHE_ROWS])
    return out


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
    """(B, N) float32 rows, each a uniformly random 0/1 vector with exactly n ones."""
    base = np.zeros((permutations, big_n), dtype=np.float32)
    base[:, :n] = 1.0
    return rng.permuted(base, axis=1)


def permutation_test(
    m: Matrix,
    sums: BlockSums,
    statistic: StatFn,
    *,
    permutations: int,
    seed: int,
) -> PermutationOutcome:
    """Permutation test of a statistic T(a, b) that is affine in a = sᵀMs for fixed b = sᵀM1.

    Parameters
    ----------
    m : (N, N) float64, symmetric, zero diagonal (not modified); source = rows [:n].
    sums : ``block_sums(m, n)`` (gives n, the observed a and b, and the row sums).
    statistic : vectorised T(a, b) for float64 arrays a, b (same shape).
    permutations : B ≥ 1 random relabellings drawn from ``default_rng(seed)``.

    Returns the observed T, the B permuted T and p = (1 + #{T_perm ≥ T_obs}) / (1 + B)
    (Phipson & Smyth 2010). Larger T = more evidence against H0.
    """
    n = len(sums.ss)
    big_n = m.shape[0]
    rng = np.random.default_rng(seed)
    rows = np.concatenate([sums.ss + sums.st, sums.tt + sums.ts])
    total = float(rows.sum())
    a_obs = sums.a
    b_obs = float(rows[:n].sum())
    # a = sᵀM̃s + 2n·b/N − n²T/N², M̃ = M − r1ᵀ/N − 1rᵀ/N + T/N² (double-centred)
    shift_a = -(n * n) * total / (big_n * big_n)
    slope_b = 2.0 * n / big_n
    centre_rows = rows / big_n
    centre_cols = centre_rows - total / (big_n * big_n)
    m32 = np.empty(m.shape, dtype=np.float32)
    for start in range(0, big_n, _CACHE_ROWS):
        stop = start + _CACHE_ROWS
        m32[start:stop] = m[start:stop] - centre_rows[start:stop, None] - centre_cols[None, :]

    s = _permuted_indicators(n, big_n, permutations, rng)
    # the whole test's cost: one float32 GEMM of 2·N²·B flops. Orientation only affects speed
    # (M̃ is symmetric); OpenBLAS runs the small case much faster as (B, N) @ (N, N).
    if big_n * big_n * permutations < _SMALL_GEMM:
        a_c = np.einsum("bn,bn->b", s, s @ m32, dtype=np.float64)
    else:
        a_c = np.einsum("bn,nb->b", s, m32 @ s.T, dtype=np.float64)
    del m32
    b_perm = np.einsum("bn,n->b", s, rows, dtype=np.float64)  # no BLAS call: exact enough
    a_perm = a_c + slope_b * b_perm + shift_a

    def exact_a(columns: NDArray[np.intp]) -> NDArray[np.float64]:
        s64 = s[columns].astype(np.float64)  # (k, N)
        out: NDArray[np.float64] = np.einsum("kn,kn->k", s64, s64 @ m)  # m symmetric
        return out

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
