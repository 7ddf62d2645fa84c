"""The metric registry: which metrics exist, what each needs, and running a selection.

`compute_metrics` is the one place that turns decoded inputs into `{name: MetricResult}`.
A metric that cannot run on the input is omitted with a human-readable reason: a missing
requirement, `MetricNotApplicable`, or a failed factorisation (`np.linalg.LinAlgError`).
Any other exception is a bug and propagates.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidInput, TimeBudgetExceeded
from .metric_context import (
    NEEDS_SCRATCH,
    Labels,
    Matrix,
    MetricContext,
    MetricInputs,
    TargetWork,
)
from .metric_requirements import (
    Requirement,
    needs_class_statistics,
    needs_rows,
    needs_scratch_features,
    needs_source,
    needs_source_head,
    needs_target_labels,
)
from .results import MetricNotApplicable, MetricResult
from .shift import gaussian, lowrank
from .shift.energy_distance import energy_distance
from .shift.gaussian_fit import GaussianFit
from .shift.mmd import mmd_distance
from .shift.proxy_a import proxy_a_distance
from .shift.sliced import ks_fdr_share, sliced_wasserstein_distance
from .summary import Summary  # noqa: F401 - the doctests' namespace
from .transfer.gbc import gbc_score
from .transfer.hscore import h_score, h_score_from_summary, shrinkage_h_score
from .transfer.leep import leep_score, nce_score
from .transfer.logme import logme_from_summary, logme_score
from .transfer.probe import knn_accuracy, linear_probe_accuracy
from .transfer.transrate import transrate_score

__all__ = ["REGISTRY", "SCRATCH_PERMUTATIONS", "MetricContext", "MetricInputs", "MetricRun",
           "MetricSpec", "TargetWork", "compute_metrics", "needs_class_statistics", "needs_rows",
           "needs_scratch_features", "needs_source", "needs_source_head", "needs_target_labels",
           "select_metrics"]

@dataclass(frozen=True)
class MetricSpec:
    """A registry entry: how to run a metric and what it needs from the inputs."""

    name: str
    run: Callable[[MetricContext], MetricResult]
    requires: tuple[Requirement, ...] = ()
    default: bool = True  # part of the set computed when the request names no metrics
    uses_pooled: bool = False  # reads the pooled Gram matrix shared by MMD and energy
    # What the result depends on: "pair" (source and target), "target" (the target rows and
    # labels only) or "scratch" (the scratch features and labels only). Target-only results
    # are computed once per `TargetWork`.
    scope: str = "pair"


# --- Shift between Gaussians fitted to each side: need only summaries. ---

FullPath = Callable[[GaussianFit, GaussianFit], MetricResult]
LowRankPath = Callable[[lowrank.LowRankPair], MetricResult]


def _with_baseline(context: MetricContext, fn: FullPath, low_rank: LowRankPath | None = None
                   ) -> MetricResult:
    """A summary metric, reported next to its value between two halves of the target.

    Raw values grow with d and shrink with n (finite-sample bias), so the same metric between
    two random halves of the target is the yardstick for "no shift". Without target rows the
    halves come from a Gaussian sample with the target summary's count, mean and covariance.
    `low_rank` computes the same value from the rows when there are fewer than d of them; the
    context reduces each pair once for every metric. Otherwise every metric reads the same
    `GaussianFit`s (source, target, each half), so each covariance is factorised once.
    """
    pair = context.low_rank_pair if low_rank is not None else None
    if low_rank is not None and pair is not None:
        result = low_rank(pair)
    else:
        result = fn(context.source_fit, context.target_fit)
    halves = context.target_halves
    if halves is None:
        return result
    baseline = context.work.baselines.get(fn.__name__)
    if baseline is None:  # target-only: once per TargetWork
        halves_pair = context.low_rank_halves if low_rank is not None else None
        if low_rank is not None and halves_pair is not None:
            baseline = low_rank(halves_pair).value * halves.size_factor
        else:
            baseline = fn(*halves.fits).value * halves.size_factor
        context.work.baselines[fn.__name__] = baseline
    details = dict(result.details)
    details["baseline"] = baseline
    details["baseline_rule"] = halves.rule
    details["ratio_to_baseline"] = result.value / baseline if baseline > 0 else None
    return MetricResult(result.value, result.p_value, details)


def _frechet(context: MetricContext) -> MetricResult:
    return _with_baseline(context, gaussian.frechet_distance, lowrank.frechet_distance)


def _coral(context: MetricContext) -> MetricResult:
    return _with_baseline(context, gaussian.coral_distance, lowrank.coral_distance)


def _mean_cosine(context: MetricContext) -> MetricResult:
    return _with_baseline(context, gaussian.mean_cosine_distance, lowrank.mean_cosine_distance)


def _gaussian_kl(context: MetricContext) -> MetricResult:
    return _with_baseline(context, gaussian.gaussian_kl_divergence, lowrank.gaussian_kl_divergence)


def _bhattacharyya(context: MetricContext) -> MetricResult:
    return _with_baseline(context, gaussian.bhattacharyya_distance, lowrank.bhattacharyya_distance)


# --- Sample-based two-sample tests: need rows on both sides. ---

def _with_seed(result: MetricResult, seed: int) -> MetricResult:
    """Record the request's seed beside a result whose randomness came from it."""
    return MetricResult(result.value, result.p_value, {**result.details, "seed": seed})


def _mmd(context: MetricContext) -> MetricResult:
    pooled, last_use = context.take_pooled("mmd")
    inputs = context.inputs
    result = mmd_distance(*context.rows, bandwidth=inputs.kernel_bandwidth, rng=context.rng(),
                          permutations=inputs.permutations, pooled=pooled, consume_pooled=last_use)
    return _with_seed(result, inputs.seed)


def _energy(context: MetricContext) -> MetricResult:
    pooled, last_use = context.take_pooled("energy_distance")
    inputs = context.inputs
    result = energy_distance(*context.rows, permutations=inputs.permutations, rng=context.rng(),
                             pooled=pooled, consume_pooled=last_use)
    return _with_seed(result, inputs.seed)


def _proxy_a(context: MetricContext) -> MetricResult:
    return _with_seed(proxy_a_distance(*context.rows, rng=context.rng()), context.inputs.seed)


def _sliced(context: MetricContext) -> MetricResult:
    return sliced_wasserstein_distance(*context.rows, seed=context.inputs.seed)


def _ks_fdr(context: MetricContext) -> MetricResult:
    return ks_fdr_share(*context.rows)


# --- Transferability: need target labels (or class statistics for LogME and H-score). ---

def _logme(context: MetricContext) -> MetricResult:
    labeled = context.inputs.labeled_target
    return logme_score(*labeled) if labeled is not None else logme_from_summary(context.inputs.target)


def _h_score(context: MetricContext) -> MetricResult:
    labeled = context.inputs.labeled_target
    return h_score(*labeled) if labeled is not None else h_score_from_summary(context.inputs.target)


def _shrinkage_h_score(context: MetricContext) -> MetricResult:
    return shrinkage_h_score(*context.labeled)


def _with_source_probs(context: MetricContext,
                       fn: Callable[[Matrix, Labels], MetricResult]) -> MetricResult:
    probs, origin = context.source_probs
    result = fn(probs, context.labeled[1])
    return MetricResult(result.value, result.p_value, {**result.details, "source_probs_from": origin})


def _leep(context: MetricContext) -> MetricResult:
    return _with_source_probs(context, leep_score)


def _nce(context: MetricContext) -> MetricResult:
    return _with_source_probs(context, nce_score)


def _transrate(context: MetricContext) -> MetricResult:
    return transrate_score(*context.labeled)


def _gbc(context: MetricContext) -> MetricResult:
    return gbc_score(*context.labeled)


def _linear_probe(context: MetricContext) -> MetricResult:
    return linear_probe_accuracy(*context.labeled, permutations=context.inputs.permutations,
                                 rng=context.rng())


def _knn(context: MetricContext) -> MetricResult:
    return knn_accuracy(*context.labeled, permutations=context.inputs.permutations,
                        rng=context.rng())


# The scratch probe's p-value only has to say "above chance": 50 permutations resolve p down to
# 1/51, at a quarter of the default cost on up to 4,096 hashed TF-IDF columns.
SCRATCH_PERMUTATIONS = 50
# Hashed TF-IDF has d = 4,096 > n, so the probe factorises the n × n Gram matrix: its cost grows
# with n², and above this many labeled rows the scratch probe runs on a per-class subsample.
SCRATCH_MAX_ROWS = 1_500


def _scratch_probe(context: MetricContext) -> MetricResult:
    """`linear_probe_accuracy` on the scratch features of the labeled target rows.

    The probe's row subsample and fold assignment depend only on the labels and on the rng
    (drawn before any feature is read), and each metric's rng starts from the request's seed:
    this probe and the frozen-feature probe see the same rows in the same splits, so their
    accuracies differ only by the features (up to `SCRATCH_MAX_ROWS` labeled rows; above it this
    probe subsamples more; on large inputs the work budget may average fewer of the same splits
    for one of the two). Permutations: the request's, capped at `SCRATCH_PERMUTATIONS`. Cost:
    with n ≤ d the probe factorises the n × n Gram matrix (measured ~12 s at 2,000 labeled texts
    on a loaded two-core machine before the cap).
    """
    return _on_scratch_features(context, linear_probe_accuracy)


def _scratch_knn(context: MetricContext) -> MetricResult:
    """`knn_accuracy` on the scratch features: the non-linear plain model beside the linear one.

    A network trained from scratch beats a linear model of the raw inputs where the classes are
    local but not linearly separable (signals, pixels of shifted shapes); k-NN sees that, at the
    cost of one n × n similarity matrix on the rows and folds the scratch probe uses.
    """
    return _on_scratch_features(context, knn_accuracy)


def _on_scratch_features(context: MetricContext,
                         probe: Callable[..., MetricResult]) -> MetricResult:
    inputs = context.inputs
    x_scratch, y_target = inputs.x_scratch, inputs.y_target
    if x_scratch is None or y_target is None:  # guarded by needs_scratch_features
        raise MetricNotApplicable(NEEDS_SCRATCH)
    result = probe(x_scratch[: len(y_target)], y_target, rng=context.rng(),
                   permutations=min(inputs.permutations, SCRATCH_PERMUTATIONS),
                   max_rows=SCRATCH_MAX_ROWS)
    return MetricResult(result.value, result.p_value,
                        {**result.details, "scratch_features_from": inputs.scratch_from})


SOURCE = (needs_source,)
ROWS = (needs_rows,)
LABELS = (needs_target_labels,)
CLASS_STATISTICS = (needs_class_statistics,)
SOURCE_HEAD = (needs_source_head,)
SCRATCH = (needs_scratch_features,)

REGISTRY: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec("frechet_distance", _frechet, SOURCE),
        MetricSpec("coral_distance", _coral, SOURCE),
        MetricSpec("mean_cosine_distance", _mean_cosine, SOURCE),
        MetricSpec("gaussian_kl", _gaussian_kl, SOURCE),
        MetricSpec("bhattacharyya_distance", _bhattacharyya, SOURCE),
        MetricSpec("mmd", _mmd, ROWS, uses_pooled=True),
        MetricSpec("energy_distance", _energy, ROWS, default=False, uses_pooled=True),
        MetricSpec("proxy_a_distance", _proxy_a, ROWS),
        MetricSpec("sliced_wasserstein", _sliced, ROWS),
        MetricSpec("ks_fdr_share", _ks_fdr, ROWS, default=False),
        MetricSpec("logme", _logme, CLASS_STATISTICS, scope="target"),
        MetricSpec("hscore", _h_score, CLASS_STATISTICS, scope="target"),
        MetricSpec("hscore_shrinkage", _shrinkage_h_score, LABELS, scope="target"),
        MetricSpec("leep", _leep, SOURCE_HEAD),
        MetricSpec("nce", _nce, SOURCE_HEAD),
        MetricSpec("transrate", _transrate, LABELS, scope="target"),
        MetricSpec("gbc", _gbc, LABELS, scope="target"),
        MetricSpec("linear_probe_accuracy", _linear_probe, LABELS, scope="target"),
        MetricSpec("knn_accuracy", _knn, LABELS, scope="target"),
        MetricSpec("scratch_probe_accuracy", _scratch_probe, SCRATCH, scope="scratch"),
        MetricSpec("scratch_knn_accuracy", _scratch_knn, SCRATCH, scope="scratch"),
    )
}


@dataclass
class MetricRun:
    """Results by metric name, reasons for the omitted ones, and seconds spent per metric."""

    results: dict[str, MetricResult] = field(default_factory=dict)
    omitted: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def select_metrics(names: Sequence[str] | None) -> list[MetricSpec]:
    """The default set when `names` is None; unknown names are a client error.

    >>> [spec.name for spec in select_metrics(["mmd", "logme", "mmd"])]
    ['mmd', 'logme']
    """
    if names is None:
        return [spec for spec in REGISTRY.values() if spec.default]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise InvalidInput.at("options.metrics",
                              f"unknown metric(s) {unknown}; known: {sorted(REGISTRY)}")
    return [REGISTRY[n] for n in dict.fromkeys(names)]


def compute_metrics(inputs: MetricInputs, names: Sequence[str] | None = None,
                    deadline: float | None = None, work: TargetWork | None = None) -> MetricRun:
    """Run the selected metrics (the default set when `names` is None) on one request's inputs.

    `deadline` is a `time.monotonic()` instant; it is checked before each metric starts, so
    a request over budget ends with a clear problem instead of occupying a worker indefinitely.
    `work`: target-only work shared with other runs over the same target (see `TargetWork`);
    a result taken from it counts 0 seconds here.

    >>> x = np.random.default_rng(0).normal(size=(30, 2))
    >>> run = compute_metrics(MetricInputs(Summary.from_rows(x), Summary.from_rows(x + 1.0)),
    ...                       ["frechet_distance", "mmd"])
    >>> round(run.results["frechet_distance"].value, 6)
    2.0
    >>> run.omitted
    {'mmd': 'needs embeddings (rows) for both source and target; a summary was given'}
    """
    run = MetricRun()
    selected = select_metrics(names)
    context = MetricContext(inputs, pooled_users=[s.name for s in selected if s.uses_pooled],
                            work=work)
    for i, spec in enumerate(selected):
        missing = next((why for req in spec.requires if (why := req(inputs))), None)
        if missing:
            run.omitted[spec.name] = missing
            continue
        memo = _memo(context.work, spec.scope)
        if memo is not None and spec.name in memo:
            _take(run, spec.name, memo[spec.name])
            continue
        if deadline is not None and time.monotonic() > deadline:
            pending = [s.name for s in selected[i:]]
            raise TimeBudgetExceeded(
                "metric work exceeded its time budget (metric_time_budget_seconds) after "
                f"{sorted(run.results) or 'no metric'}; "
                f"not computed: {pending}. Select fewer metrics (options.metrics), fewer "
                "permutations or fewer rows", extra={"limit": "metric_time_budget_seconds"})
        started = time.perf_counter()
        outcome: MetricResult | str
        try:
            outcome = _finite_details(spec.run(context))
        except (MetricNotApplicable, np.linalg.LinAlgError) as exc:
            outcome = str(exc) or type(exc).__name__
        _take(run, spec.name, outcome)
        if memo is not None:
            memo[spec.name] = outcome
        run.seconds[spec.name] = time.perf_counter() - started
    return run


def _memo(work: TargetWork, scope: str) -> dict[str, MetricResult | str] | None:
    """Where a metric of this scope keeps its outcome for other runs (None: not shareable)."""
    return {"target": work.results, "scratch": work.scratch}.get(scope)


def _take(run: MetricRun, name: str, outcome: MetricResult | str) -> None:
    if isinstance(outcome, str):
        run.omitted[name] = outcome
    else:
        run.results[name] = outcome


def _finite_details(result: MetricResult) -> MetricResult:
    """Non-finite numbers in details become None.

    Records are strict JSON (RFC 8259 has no NaN/Inf) and a 500 at storage time would be worse
    than a missing detail.
    """

    def clean(value: Any) -> Any:
        if isinstance(value, float | np.floating):
            return float(value) if math.isfinite(value) else None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return MetricResult(result.value, result.p_value, clean(result.details))
