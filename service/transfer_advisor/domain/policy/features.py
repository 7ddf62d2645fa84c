"""The policy's features: one table of what each is, computes from, may push, and is called.

A feature function returns None when its evidence is missing or not a finite number; it checks
that explicitly, so any exception it raises is a bug and propagates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..baseline import baseline_size_factor
from ..results import MetricResult
from .inputs import TaskInfo


@dataclass(frozen=True)
class Observation:
    """One feature's value and where it came from, for the reasons."""

    value: float
    source: str  # e.g. "linear_probe_accuracy = 0.81 (chance 0.17)"


FeatureFn = Callable[[Mapping[str, MetricResult], TaskInfo], Observation | None]


@dataclass(frozen=True)
class Feature:
    """One policy feature: how it is computed, its fit direction and its words."""
    name: str
    compute: FeatureFn
    # Which way it may push P(transfer beats scratch): +1 up, −1 down (a fit constraint).
    direction: int
    label: str
    # The evidence behind it, for "missing" reasons.
    evidence: str
    # Needs labeled target rows: a summary-only request can never observe it.
    needs_rows: bool = False
    # A shift measure: on a modality mismatch it may be taken as the largest calibrated shift.
    shift: bool = False
    # The values the feature can take at all: a flip point outside is not printed.
    possible: tuple[float, float] = (-math.inf, math.inf)


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _lift(metrics: Mapping[str, MetricResult], name: str, task: TaskInfo) -> Observation | None:
    """Probe ``name``'s accuracy as the share of the way from chance to perfect.

    None for leave-one-out (some class has a single labeled example: held out, it can never
    be predicted, so the accuracy says nothing about the features).
    """
    result = metrics.get(name)
    if result is None or result.details.get("scheme") == "leave-one-out":
        return None
    accuracy = _finite(result.value)
    chance = _finite(result.details.get("chance"))
    if chance is None and task.num_classes:
        chance = 1.0 / task.num_classes
    if accuracy is None or chance is None or not 0.0 <= chance < 1.0:
        return None
    p = "" if result.p_value is None else f", permutation p = {result.p_value:.3g}"
    return Observation((accuracy - chance) / (1.0 - chance),
                       f"{name} = {accuracy:.3f} (chance {chance:.3f}{p})")


def _probe_lift(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    return _lift(metrics, "linear_probe_accuracy", task) or _lift(metrics, "knn_accuracy", task)


def _knn_lift(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    # only beside the linear probe: alone, the k-NN accuracy already stands in as probe_lift
    if _lift(metrics, "linear_probe_accuracy", task) is None:
        return None
    return _lift(metrics, "knn_accuracy", task)


def _log2_labels_per_class(
    metrics: Mapping[str, MetricResult], task: TaskInfo
) -> Observation | None:
    classes = task.num_classes if task.type == "classification" and task.num_classes else 1
    # log2 needs at least one label in all; the reason states the true count
    per_class = max(task.labeled_examples, 1) / max(classes, 1)
    return Observation(math.log2(per_class), f"labeled_examples per class = "
                       f"{task.labeled_examples / max(classes, 1):.3g}")


def _log_shift_excess(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    result = metrics.get("frechet_distance")
    if result is None:
        return None
    value = _finite(result.value)
    baseline = _finite(result.details.get("baseline"))
    if value is None or baseline is None or baseline <= 0.0:
        return None
    # The baseline compares two halves of the target: rescale it to the sizes actually compared.
    n_s, n_t = _finite(result.details.get("n_source")), _finite(result.details.get("n_target"))
    adjusted = baseline * (baseline_size_factor(n_s, n_t) if n_s and n_t and n_t >= 2 else 1.0)
    if adjusted == 0.0:  # sizes that cancel (n_source = −n_target) or underflow: no baseline
        return None
    ratio = value / adjusted
    return Observation(
        math.log(max(ratio, 1e-12)),
        f"frechet_distance = {value:.4g} = {ratio:.3g}× its same-distribution baseline "
        f"({adjusted:.4g}, size-adjusted)")


def _logme(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    result = metrics.get("logme")
    value = None if result is None else _finite(result.value)
    if result is None or value is None:
        return None
    origin = ("the summary's class statistics" if result.details.get("moments_from") == "summary"
              else "the labeled rows")
    return Observation(value, f"logme = {value:.3f} (log evidence per example, from {origin})")


def _scratch_gap(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    """Probe lift on the frozen features minus the better plain model's lift on scratch features.

    How much the pretrained features add over a model of the raw inputs. Scratch training means
    the better of a linear model and a small network, so the proxy is the better of the linear
    probe and k-NN on the scratch features (k-NN only when it ran: older records lack it).
    """
    frozen = _lift(metrics, "linear_probe_accuracy", task)
    scratch = _lift(metrics, "scratch_probe_accuracy", task)
    if frozen is None or scratch is None:
        return None
    local = _lift(metrics, "scratch_knn_accuracy", task)
    best = scratch if local is None or scratch.value >= local.value else local
    return Observation(frozen.value - best.value, f"{frozen.source} vs {best.source}")


def _proxy_a(metrics: Mapping[str, MetricResult], task: TaskInfo) -> Observation | None:
    result = metrics.get("proxy_a_distance")
    value = None if result is None else _finite(result.value)
    if value is None:
        return None
    return Observation(value, f"proxy_a_distance = {value:.3g} (0 = indistinguishable, "
                              "2 = perfectly separable)")


FEATURE_TABLE: tuple[Feature, ...] = (
    Feature("probe_lift", _probe_lift, +1, "probe lift over chance",
            "linear_probe_accuracy / knn_accuracy (need target embeddings with labels, "
            "at least 2 per class)", needs_rows=True, possible=(-1.0, 1.0)),
    Feature("knn_lift", _knn_lift, +1, "k-NN lift over chance",
            "knn_accuracy beside linear_probe_accuracy (need target embeddings with "
            "labels, at least 2 per class)", needs_rows=True, possible=(-1.0, 1.0)),
    Feature("log2_labels_per_class", _log2_labels_per_class, -1, "log2 labels per class",
            "task.labeled_examples and task.num_classes", possible=(0.0, math.inf)),
    Feature("log_shift_excess", _log_shift_excess, -1, "log shift over baseline",
            "frechet_distance with its same-distribution baseline (needs target rows)",
            shift=True),
    Feature("scratch_gap", _scratch_gap, +1, "probe lift over the scratch proxy's",
            "scratch_probe_accuracy (and scratch_knn_accuracy) beside linear_probe_accuracy "
            "(need target.scratch_features or raw target inputs, with labels)",
            needs_rows=True, possible=(-2.0, 2.0)),
    # no labels needed: source and target rows only (the shift-only negative head)
    Feature("proxy_a", _proxy_a, -1, "proxy-A distance",
            "proxy_a_distance (needs source and target rows)", shift=True, possible=(0.0, 2.0)),
    # more label evidence in the frozen features never argues for scratch
    Feature("logme", _logme, +1, "LogME evidence per example",
            "logme (needs target labels with embeddings, or class_means/class_counts in the "
            "target summary)"),
)
# By name. bench/feature_screen.py adds candidates here for the length of one screen.
FEATURES: dict[str, Feature] = {f.name: f for f in FEATURE_TABLE}


def row_features() -> tuple[str, ...]:
    """Features that need labeled target rows."""
    return tuple(name for name, f in FEATURES.items() if f.needs_rows)


def shift_features() -> tuple[str, ...]:
    """Features that measure shift between source and target."""
    return tuple(name for name, f in FEATURES.items() if f.shift)


def policy_features(
    metrics: Mapping[str, MetricResult], task: TaskInfo
) -> dict[str, Observation]:
    """All features computable from these metrics (missing or non-finite ones are left out)."""
    out: dict[str, Observation] = {}
    for name, feature in FEATURES.items():
        obs = feature.compute(metrics, task)
        if obs is not None and math.isfinite(obs.value):
            out[name] = obs
    return out
