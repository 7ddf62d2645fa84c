"""One request's metric inputs and the intermediate results its metrics share.

`MetricInputs` is what the caller decoded (immutable); `MetricContext` wraps it for one run of
`compute_metrics` and computes shared work on first use: the Gaussian fits of source and target
(each covariance's factorisations, shared by every Gaussian metric), the target halves of the
Gaussian baselines and their fits, the low-rank reductions of the Gaussian metrics
(source/target and the two halves), the source probabilities of LEEP and NCE, and the pooled
Gram matrix of MMD and energy distance.
Randomness is explicit: `MetricContext.rng()` hands each metric a fresh generator from the
request's seed, so a metric draws the same numbers alone or beside others.

`TargetWork` holds the part that depends on the target alone (the target's fit, the halves, their
fits and reductions, the baseline values and the results of target-only metrics), so runs over
one target with several sources (a ranking's candidates) compute it once and get exactly what
separate runs would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .baseline import half_split_bias
from .results import MetricNotApplicable, MetricResult
from .shift._pairwise import PooledSample, pool_samples
from .shift.gaussian_fit import GaussianFit
from .shift.lowrank import LowRankPair, low_rank_applies
from .summary import Summary
from .transfer.leep import pseudo_source_probs

Matrix = NDArray[np.float64]
Labels = NDArray[np.int64]

# Target rows below this count give too noisy a same-distribution baseline to report.
MIN_BASELINE_ROWS = 8
# Rows drawn for a parametric baseline (summary-only target): bounds the work at any count.
PARAMETRIC_BASELINE_MAX_ROWS = 4000

NEEDS_ROWS = "needs embeddings (rows) for both source and target; a summary was given"
NEEDS_SOURCE = "needs source data (embeddings or a summary); none was given"
NEEDS_TARGET_LABELS = "needs target embeddings with target labels"
NEEDS_SOURCE_HEAD = ("needs target.source_probs, or source embeddings with source labels "
                     "(to fit a pseudo source head)")
NEEDS_SCRATCH = ("needs target.scratch_features (or raw target inputs, from which the service "
                 "derives them) with target labels")
PSEUDO_HEAD_ORIGIN = "pseudo source head (logistic model fit on the labeled source rows)"


@dataclass(frozen=True)
class MetricInputs:
    """Everything a metric may use. Rows are None when the side came as a summary.

    `source` is None when no source data was given at all (a ranking candidate judged on its
    target embeddings alone).
    """

    source: Summary | None
    target: Summary
    x_source: Matrix | None = None
    x_target: Matrix | None = None
    y_source: Labels | None = None
    y_target: Labels | None = None
    source_probs: Matrix | None = None
    task_type: str = "classification"
    num_classes: int | None = None
    permutations: int = 200
    seed: int = 0
    kernel_bandwidth: float | None = None
    # Scratch features of the target rows (at least the labeled ones, aligned with y_target),
    # and where they came from: "client", "pixels" or "char-ngram-tfidf".
    x_scratch: Matrix | None = None
    scratch_from: str | None = None

    @property
    def labeled_target(self) -> tuple[Matrix, Labels] | None:
        """The labeled target rows (the first len(y_target) rows) and their labels, if any."""
        if self.x_target is None or self.y_target is None or len(self.y_target) == 0:
            return None
        return self.x_target[: len(self.y_target)], self.y_target


@dataclass(frozen=True)
class TargetHalves:
    """Two random halves of the target, for a metric's no-shift baseline.

    `size_factor` rescales a metric between them to halves of the full target count
    (finite-sample bias ∝ 1/n_a + 1/n_b) when a parametric sample had to be smaller. With fewer
    rows than d (the low-rank path) the halves keep their `rows` and are summarised only if a
    metric asks (a d × d moment matrix the low-rank path never reads); otherwise they are
    summarised and fitted at once (`fitted`, keeping rows only where they are the cheap factor
    of a singular covariance) and the rows let go.
    """

    rule: str
    size_factor: float
    rows: tuple[Matrix, Matrix] | None = None
    fitted: tuple[GaussianFit, GaussianFit] | None = None

    @classmethod
    def split(cls, first: Matrix, second: Matrix, rule: str, size_factor: float) -> TargetHalves:
        """Keep the rows of two halves for the low-rank path, or summarise and fit them now."""
        if low_rank_applies(len(first), len(second), first.shape[1]):
            return cls(rule, size_factor, rows=(first, second))
        return cls(rule, size_factor,
                   fitted=(GaussianFit.from_rows(first), GaussianFit.from_rows(second)))

    @cached_property
    def fits(self) -> tuple[GaussianFit, GaussianFit]:
        """The two halves' Gaussian fits (built on first use when only the rows were kept)."""
        if self.fitted is not None:
            return self.fitted
        if self.rows is None:
            raise ValueError("TargetHalves holds neither rows nor summaries")
        return GaussianFit.from_rows(self.rows[0]), GaussianFit.from_rows(self.rows[1])

    @property
    def summaries(self) -> tuple[Summary, Summary]:
        """The two halves' summaries."""
        return self.fits[0].summary, self.fits[1].summary

    @property
    def first(self) -> Summary:
        """The first half, summarised."""
        return self.summaries[0]

    @property
    def second(self) -> Summary:
        """The second half, summarised."""
        return self.summaries[1]


class TargetWork:
    """Target-only work, shareable by `compute_metrics` runs over the same target inputs.

    Holds the target halves and their low-rank reduction, each summary metric's baseline value
    between the halves, and the results of target-only metrics (`MetricSpec.scope`). Runs that
    share one must pass the very same target arrays, labels, scratch features and options (it
    checks the arrays by identity); `scratch` may be shared wider, by runs whose targets differ
    but whose labels and scratch features are the same. Not thread-safe: one request's runs.
    """

    def __init__(self, scratch: dict[str, MetricResult | str] | None = None) -> None:
        self._key: tuple[int, ...] | None = None
        self.computed: dict[str, object] = {}
        self.baselines: dict[str, float] = {}
        # metric → its result, or why it was omitted
        self.results: dict[str, MetricResult | str] = {}
        self.scratch: dict[str, MetricResult | str] = {} if scratch is None else scratch

    def bind(self, inputs: MetricInputs) -> None:
        """Tie this work to one target; another target's inputs are a caller bug."""
        key = (id(inputs.target), id(inputs.x_target), id(inputs.y_target), id(inputs.x_scratch),
               inputs.permutations, inputs.seed, hash(inputs.kernel_bandwidth))
        if self._key is None:
            self._key = key
        elif self._key != key:
            raise ValueError("TargetWork shared by runs over different target inputs")


class MetricContext:
    """The inputs of one `compute_metrics` run plus the work its metrics share.

    `pooled_users` names the selected metrics that read the pooled Gram matrix: the last of
    them to ask for it may overwrite it (saving an N × N allocation), and the context lets
    go of it then.
    """

    def __init__(self, inputs: MetricInputs, *, pooled_users: Iterable[str] = (),
                 work: TargetWork | None = None) -> None:
        self.inputs = inputs
        self._pooled_users = set(pooled_users)
        self._pooled: PooledSample | None = None
        self.work = TargetWork() if work is None else work
        self.work.bind(inputs)

    def rng(self) -> np.random.Generator:
        """A fresh generator from the request's seed (one per metric, never shared)."""
        return np.random.default_rng(self.inputs.seed)

    @property
    def rows(self) -> tuple[Matrix, Matrix]:
        """Source and target rows; not applicable when either side came as a summary."""
        x_source, x_target = self.inputs.x_source, self.inputs.x_target
        if x_source is None or x_target is None:
            raise MetricNotApplicable(NEEDS_ROWS)
        return x_source, x_target

    @property
    def source(self) -> Summary:
        """The source summary; not applicable without source data."""
        if self.inputs.source is None:
            raise MetricNotApplicable(NEEDS_SOURCE)
        return self.inputs.source

    @cached_property
    def source_fit(self) -> GaussianFit:
        """The source summary's Gaussian fit (with the rows, when they make it singular)."""
        return GaussianFit.of(self.source, self.inputs.x_source)

    @property
    def target_fit(self) -> GaussianFit:
        """The target summary's Gaussian fit; once per `TargetWork`."""
        fit = self.work.computed.get("target_fit")
        if not isinstance(fit, GaussianFit):
            fit = GaussianFit.of(self.inputs.target, self.inputs.x_target)
            self.work.computed["target_fit"] = fit
        return fit

    @property
    def labeled(self) -> tuple[Matrix, Labels]:
        """The labeled target rows and their labels; not applicable without them."""
        labeled = self.inputs.labeled_target
        if labeled is None:
            raise MetricNotApplicable(NEEDS_TARGET_LABELS)
        return labeled

    @property
    def target_halves(self) -> TargetHalves | None:
        """Two random halves of the target rows, or of a Gaussian sample from its summary.

        None when the target has fewer than `MIN_BASELINE_ROWS` rows (or count). Computed once
        per `TargetWork`.
        """
        if "halves" not in self.work.computed:
            self.work.computed["halves"] = self._split_target()
        halves = self.work.computed["halves"]
        return halves if isinstance(halves, TargetHalves) else None

    def _split_target(self) -> TargetHalves | None:
        rng = self.rng()
        x = self.inputs.x_target
        if x is not None:
            if len(x) < MIN_BASELINE_ROWS:
                return None
            order = rng.permutation(len(x))
            half = len(x) // 2
            return TargetHalves.split(x[order[:half]], x[order[half:]],
                                      "same metric between two random halves of the target rows",
                                      1.0)
        target = self.inputs.target
        if target.count < MIN_BASELINE_ROWS:
            return None
        rows = min(target.count, PARAMETRIC_BASELINE_MAX_ROWS)
        x = _draw(self.target_fit, rng, rows)
        x += target.mean
        rule = (f"parametric: two halves of {rows} rows drawn from a Gaussian with the target "
                "summary's mean and covariance (no target rows were sent)")
        size_factor = half_split_bias(target.count) / half_split_bias(rows)
        half = rows // 2  # independent draws: any split is a random one
        return TargetHalves.split(x[:half], x[half:], rule, size_factor)

    @cached_property
    def low_rank_pair(self) -> LowRankPair | None:
        """Source and target rows reduced for the Gaussian metrics, when n_s + n_t < d.

        None (the d × d path) without rows on both sides or with more rows than that.
        """
        inputs = self.inputs
        x_source, x_target = inputs.x_source, inputs.x_target
        if x_source is None or x_target is None:
            return None
        if (inputs.source is None or len(x_source) != inputs.source.count
                or len(x_target) != inputs.target.count):
            return None  # rows that are not the summarised ones: the summaries decide
        if not low_rank_applies(len(x_source), len(x_target), inputs.source.dim):
            return None
        return LowRankPair.from_rows(x_source, x_target)

    @property
    def low_rank_halves(self) -> LowRankPair | None:
        """The two target halves reduced for the Gaussian baselines, when they have rows < d."""
        if "low_rank_halves" not in self.work.computed:
            halves = self.target_halves
            self.work.computed["low_rank_halves"] = (
                None if halves is None or halves.rows is None
                else LowRankPair.from_rows(*halves.rows))
        pair = self.work.computed["low_rank_halves"]
        return pair if isinstance(pair, LowRankPair) else None

    @cached_property
    def source_probs(self) -> tuple[Matrix, str]:
        """Source-model probabilities on the labeled target rows, and where they came from.

        The client's `source_probs` when sent, else a pseudo source head fit once on the
        labeled source rows (LEEP and NCE share it).
        """
        if self.inputs.source_probs is not None:
            return self.inputs.source_probs, "target.source_probs"
        x_target, _ = self.labeled
        x_source, y_source = self.inputs.x_source, self.inputs.y_source
        if x_source is None or y_source is None:
            raise MetricNotApplicable(NEEDS_SOURCE_HEAD)
        probs = pseudo_source_probs(x_source[: len(y_source)], y_source, x_target, rng=self.rng())
        return probs, PSEUDO_HEAD_ORIGIN

    def take_pooled(self, user: str) -> tuple[PooledSample, bool]:
        """The pooled sample of source and target rows, and whether `user` may overwrite it.

        Built on first use. `user` is its last user when no other selected metric still needs
        it; the context then forgets the sample, so nobody reads the overwritten matrix.
        """
        pooled = self._pooled
        if pooled is None:
            pooled = pool_samples(*self.rows, rng=self.rng())
        self._pooled_users.discard(user)
        last_use = not self._pooled_users
        self._pooled = None if last_use else pooled
        return pooled, last_use



def _draw(fit: GaussianFit, rng: np.random.Generator, rows: int) -> Matrix:
    """`rows` draws (rows, d) from N(0, Σ) as z Fᵀ, z standard normal, F = `fit.root`.

    The Cholesky factor is the target's Fréchet uses too; with it the product is triangular
    (BLAS trmm, half the flops of a general one).
    """
    root = fit.root
    z = rng.standard_normal((rows, root.factor.shape[1]))
    if not root.lower:
        return np.asarray(z @ root.factor.T)
    # (L zᵀ)ᵀ: zᵀ is Fortran-ordered, so BLAS takes it without a copy
    return np.asarray(scipy.linalg.blas.dtrmm(1.0, root.factor, z.T, lower=1, overwrite_b=1)).T
