"""The metric registry: which metrics exist, what each needs, and running a selection.

`compute_metrics` is the one place that turns decoded inputs into `{name: MetricResult}`;
a metric that cannot run on the input is omitted with a human-readable reason.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput, TimeBudgetExceeded
from .linalg import psd_eigh
from .results import MetricNotApplicable, MetricResult
from .shift import gaussian
from .shift._pairwise import PooledSample, pool_samples
from .shift.energy_distance import energy_distance_test
from .shift.mmd import mmd_test
from .shift.proxy_a import proxy_a_distance
from .shift.sliced import ks_fdr_share, sliced_wasserstein
from .summary import Summary
from .transfer import gbc as transfer_gbc
from .transfer import hscore as transfer_hscore
from .transfer import leep as transfer_leep
from .transfer import logme as transfer_logme
from .transfer import probe as transfer_probe
from .transfer import transrate as transfer_transrate

Matrix = NDArray[np.float64]
Labels = NDArray[np.int64]

# Target rows below this count give too noisy a same-distribution baseline to report.
MIN_BASELINE_ROWS = 8


@dataclass(frozen=True)
class MetricInputs:
    """Everything a metric may use. Rows are None when the side came as a summary."""

    source: Summary
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
    # Intermediate results shared by metrics of one request (e.g. pooled distances).
    scratch: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def labeled_target(self) -> tuple[Matrix, Labels] | None:
        if self.x_target is None or self.y_target is None or len(self.y_target) == 0:
            return None
        return self.x_target[: len(self.y_target)], self.y_target


Requirement = Callable[[MetricInputs], str | None]


def needs_rows(inputs: MetricInputs) -> str | None:
    if inputs.x_source is None or inputs.x_target is None:
        return "needs embeddings (rows) for both source and target; a summary was given"
    return None


def needs_target_labels(inputs: MetricInputs) -> str | None:
    if inputs.labeled_target is None:
        return "needs target embeddings with target labels"
    if inputs.task_type != "classification":
        return "defined for classification tasks only"
    return None


def needs_source_probs(inputs: MetricInputs) -> str | None:
    if inputs.source_probs is None:
        return "needs target.source_probs (source model probabilities on the labeled rows)"
    return needs_target_labels(inputs)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: str  # "shift" or "transferability"
    run: Callable[[MetricInputs], MetricResult]
    requires: Sequence[Requirement] = ()
    default: bool = True


def _gaussian(fn: Callable[[Summary, Summary], MetricResult]) -> Callable[[MetricInputs], MetricResult]:
    """A summary metric, reported next to its value between two halves of the target.

    Raw values grow with d and shrink with n (finite-sample bias), so the same metric between
    two random halves of the target is the yardstick for "no shift". Without target rows the
    halves come from a Gaussian sample with the target summary's count, mean and covariance.
    """

    def run(inputs: MetricInputs) -> MetricResult:
        result = fn(inputs.source, inputs.target)
        halves = _target_halves(inputs)
        if halves is None:
            return result
        (half_a, half_b), rule, size_factor = halves
        baseline = fn(half_a, half_b).value * size_factor
        details = dict(result.details)
        details["baseline"] = baseline
        details["baseline_rule"] = rule
        details["ratio_to_baseline"] = result.value / baseline if baseline > 0 else None
        return MetricResult(result.value, result.p_value, details)

    return run


# Rows drawn for a parametric baseline (summary-only target): bounds the work at any count.
PARAMETRIC_BASELINE_MAX_ROWS = 4000

Halves = tuple[tuple[Summary, Summary], str, float]


def _target_halves(inputs: MetricInputs) -> Halves | None:
    """Two seeded random halves of the target, summarised once per request.

    Returns the halves, how they were made, and the factor that rescales a metric between them
    to halves of the full target count (finite-sample bias ∝ 1/n_a + 1/n_b) when a parametric
    sample had to be smaller than the target.
    """
    cached = inputs.scratch.get("target_halves", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    halves: Halves | None = None
    rng = np.random.default_rng(inputs.seed)
    x = inputs.x_target
    if x is not None and len(x) >= MIN_BASELINE_ROWS:
        rule = "same metric between two random halves of the target rows"
        size_factor = 1.0
    elif x is None and inputs.target.count >= MIN_BASELINE_ROWS:
        target = inputs.target
        rows = min(target.count, PARAMETRIC_BASELINE_MAX_ROWS)
        values, vectors = psd_eigh(target.cov)
        x = target.mean + rng.standard_normal((rows, target.dim)) @ (vectors * np.sqrt(values)).T
        rule = (f"parametric: two halves of {rows} rows drawn from a Gaussian with the target "
                "summary's mean and covariance (no target rows were sent)")
        size_factor = _half_bias(target.count) / _half_bias(rows)
    if x is not None and (inputs.x_target is None or len(x) >= MIN_BASELINE_ROWS):
        order = rng.permutation(len(x))
        half = len(x) // 2
        halves = ((Summary.from_rows(x[order[:half]]), Summary.from_rows(x[order[half:]])),
                  rule, size_factor)
    inputs.scratch["target_halves"] = halves
    return halves


def _half_bias(n: int) -> float:
    h = n // 2
    return 1.0 / h + 1.0 / (n - h)


def needs_class_statistics(inputs: MetricInputs) -> str | None:
    """Labeled target rows, or a target summary carrying class means and counts."""
    if inputs.task_type != "classification":
        return "defined for classification tasks only"
    if inputs.labeled_target is None and not inputs.target.has_classes:
        return "needs target labels (with embeddings) or class_means/class_counts in the summary"
    return None


def needs_source_head(inputs: MetricInputs) -> str | None:
    """source_probs, or source embeddings with source labels to fit a pseudo source head."""
    if inputs.source_probs is None and (inputs.x_source is None or inputs.y_source is None):
        return ("needs target.source_probs, or source embeddings with source labels "
                "(to fit a pseudo source head)")
    return needs_target_labels(inputs)


def _rows(inputs: MetricInputs) -> tuple[Matrix, Matrix]:
    assert inputs.x_source is not None
    assert inputs.x_target is not None
    return inputs.x_source, inputs.x_target


def _labeled(inputs: MetricInputs) -> tuple[Matrix, Labels]:
    labeled = inputs.labeled_target
    assert labeled is not None  # checked by needs_target_labels
    return labeled


_POOLED_METRICS = frozenset({"mmd", "energy_distance"})


def _pooled(inputs: MetricInputs) -> tuple[PooledSample, bool]:
    """Gram matrix of the pooled rows, built once per request for MMD and energy, and whether
    this caller is its last user (who may overwrite it)."""
    pooled = inputs.scratch.get("pooled")
    if pooled is None:
        pooled = inputs.scratch["pooled"] = pool_samples(*_rows(inputs), seed=inputs.seed)
    assert isinstance(pooled, PooledSample)
    uses_left = int(inputs.scratch.get("pooled_uses_left", 1)) - 1  # type: ignore[call-overload]
    inputs.scratch["pooled_uses_left"] = uses_left
    return pooled, uses_left <= 0


def _mmd(inputs: MetricInputs) -> MetricResult:
    xs, xt = _rows(inputs)
    pooled, last_use = _pooled(inputs)
    return mmd_test(xs, xt, bandwidth=inputs.kernel_bandwidth, permutations=inputs.permutations,
                    seed=inputs.seed, pooled=pooled, consume_pooled=last_use)


def _energy(inputs: MetricInputs) -> MetricResult:
    xs, xt = _rows(inputs)
    pooled, last_use = _pooled(inputs)
    return energy_distance_test(xs, xt, permutations=inputs.permutations, seed=inputs.seed,
                                pooled=pooled, consume_pooled=last_use)


def _from_rows_or_summary(
    on_rows: Callable[[Matrix, Labels], MetricResult],
    on_summary: Callable[[Summary], MetricResult],
) -> Callable[[MetricInputs], MetricResult]:
    """Row-based when labeled rows exist, else from the summary's class moments."""

    def run(inputs: MetricInputs) -> MetricResult:
        if inputs.labeled_target is not None:
            return on_rows(*inputs.labeled_target)
        return on_summary(inputs.target)

    return run


def _source_probs(inputs: MetricInputs) -> tuple[Matrix, str]:
    if inputs.source_probs is not None:
        return inputs.source_probs, "target.source_probs"
    probs = inputs.scratch.get("pseudo_source_probs")
    if probs is None:  # fit once per request; LEEP and NCE share it
        x_target, _ = _labeled(inputs)
        assert inputs.x_source is not None
        assert inputs.y_source is not None
        x_source = inputs.x_source[: len(inputs.y_source)]
        probs = inputs.scratch["pseudo_source_probs"] = transfer_leep.pseudo_source_probs(
            x_source, inputs.y_source, x_target, seed=inputs.seed)
    assert isinstance(probs, np.ndarray)
    return probs, "pseudo source head (logistic model fit on the labeled source rows)"


def _with_probs(fn: Callable[[Matrix, Labels], MetricResult]) -> Callable[[MetricInputs], MetricResult]:
    def run(inputs: MetricInputs) -> MetricResult:
        probs, origin = _source_probs(inputs)
        result = fn(probs, _labeled(inputs)[1])
        return MetricResult(result.value, result.p_value,
                            {**result.details, "source_probs_from": origin})

    return run


def _on_labeled(fn: Callable[..., MetricResult], **kwargs: object) -> Callable[[MetricInputs], MetricResult]:
    def run(inputs: MetricInputs) -> MetricResult:
        options = {k: (inputs.seed if v is _SEED else inputs.permutations if v is _PERMS else v)
                   for k, v in kwargs.items()}
        return fn(*_labeled(inputs), **options)

    return run


_SEED, _PERMS = object(), object()
ROWS = (needs_rows,)
LABELS = (needs_target_labels,)

REGISTRY: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        # Shift between Gaussians fitted to each side: need only summaries.
        MetricSpec("frechet_distance", "shift", _gaussian(gaussian.frechet_distance)),
        MetricSpec("coral_distance", "shift", _gaussian(gaussian.coral_distance)),
        MetricSpec("mean_cosine_distance", "shift", _gaussian(gaussian.mean_cosine_distance)),
        MetricSpec("gaussian_kl", "shift", _gaussian(gaussian.gaussian_kl)),
        MetricSpec("bhattacharyya_distance", "shift", _gaussian(gaussian.bhattacharyya_distance)),
        # Sample-based two-sample tests: need rows on both sides.
        MetricSpec("mmd", "shift", _mmd, ROWS),
        MetricSpec("energy_distance", "shift", _energy, ROWS, default=False),
        MetricSpec("proxy_a_distance", "shift",
                   lambda i: proxy_a_distance(*_rows(i), seed=i.seed), ROWS),
        MetricSpec("sliced_wasserstein", "shift",
                   lambda i: sliced_wasserstein(*_rows(i), seed=i.seed), ROWS),
        MetricSpec("ks_fdr_share", "shift", lambda i: ks_fdr_share(*_rows(i)), ROWS, default=False),
        # Transferability: need target labels (or class statistics for LogME and H-score).
        MetricSpec("logme", "transferability",
                   _from_rows_or_summary(transfer_logme.logme_score,
                                         transfer_logme.logme_from_summary),
                   (needs_class_statistics,)),
        MetricSpec("hscore", "transferability",
                   _from_rows_or_summary(transfer_hscore.hscore, transfer_hscore.hscore_from_summary),
                   (needs_class_statistics,)),
        MetricSpec("hscore_shrinkage", "transferability",
                   _on_labeled(transfer_hscore.hscore_shrinkage), LABELS),
        MetricSpec("leep", "transferability", _with_probs(transfer_leep.leep_score),
                   (needs_source_head,)),
        MetricSpec("nce", "transferability", _with_probs(transfer_leep.nce_score),
                   (needs_source_head,)),
        MetricSpec("transrate", "transferability",
                   _on_labeled(transfer_transrate.transrate_score), LABELS),
        MetricSpec("gbc", "transferability", _on_labeled(transfer_gbc.gbc_score), LABELS),
        MetricSpec("linear_probe_accuracy", "transferability",
                   _on_labeled(transfer_probe.linear_probe_accuracy, permutations=_PERMS,
                               seed=_SEED), LABELS),
        MetricSpec("knn_accuracy", "transferability",
                   _on_labeled(transfer_probe.knn_accuracy, permutations=_PERMS, seed=_SEED),
                   LABELS),
    )
}


@dataclass
class MetricRun:
    results: dict[str, MetricResult] = field(default_factory=dict)
    omitted: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def select_metrics(names: Sequence[str] | None) -> list[MetricSpec]:
    """The default set when `names` is None; unknown names are a client error."""
    if names is None:
        return [spec for spec in REGISTRY.values() if spec.default]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise InvalidInput.at("options.metrics",
                              f"unknown metric(s) {unknown}; known: {sorted(REGISTRY)}")
    return [REGISTRY[n] for n in dict.fromkeys(names)]


def compute_metrics(inputs: MetricInputs, names: Sequence[str] | None = None,
                    deadline: float | None = None) -> MetricRun:
    """`deadline` is a `time.monotonic()` instant; it is checked before each metric starts, so
    a request over budget ends with a clear problem instead of occupying a worker indefinitely."""
    run = MetricRun()
    selected = select_metrics(names)
    inputs.scratch["pooled_uses_left"] = sum(spec.name in _POOLED_METRICS for spec in selected)
    for i, spec in enumerate(selected):
        missing = next((why for req in spec.requires if (why := req(inputs))), None)
        if missing:
            run.omitted[spec.name] = missing
            continue
        if deadline is not None and time.monotonic() > deadline:
            pending = [s.name for s in selected[i:]]
            raise TimeBudgetExceeded(
                "metric work exceeded its time budget (metric_time_budget_seconds) after "
                f"{sorted(run.results) or 'no metric'}; "
                f"not computed: {pending}. Select fewer metrics (options.metrics), fewer "
                "permutations or fewer rows", extra={"limit": "metric_time_budget_seconds"})
        started = time.perf_counter()
        try:
            run.results[spec.name] = _finite_details(spec.run(inputs))
        except (MetricNotApplicable, np.linalg.LinAlgError, ValueError) as exc:
            run.omitted[spec.name] = str(exc) or type(exc).__name__
        run.seconds[spec.name] = time.perf_counter() - started
    return run


def _finite_details(result: MetricResult) -> MetricResult:
    """Non-finite numbers in details become None: records are strict JSON (RFC 8259 has no
    NaN/Inf) and a 500 at storage time would be worse than a missing detail."""

    def clean(value: Any) -> Any:
        if isinstance(value, float | np.floating):
            return float(value) if math.isfinite(value) else None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return MetricResult(result.value, result.p_value, clean(result.details))
