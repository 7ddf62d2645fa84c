"""What each metric needs from the inputs: a requirement returns why it cannot run, or None."""

from __future__ import annotations

from collections.abc import Callable

from .metric_context import (
    NEEDS_ROWS,
    NEEDS_SCRATCH,
    NEEDS_SOURCE,
    NEEDS_SOURCE_HEAD,
    NEEDS_TARGET_LABELS,
    MetricInputs,
)

Requirement = Callable[[MetricInputs], str | None]


def needs_source(inputs: MetricInputs) -> str | None:
    """Source data in any form."""
    return NEEDS_SOURCE if inputs.source is None else None


def needs_rows(inputs: MetricInputs) -> str | None:
    """Rows on both sides (not summaries)."""
    return NEEDS_ROWS if inputs.x_source is None or inputs.x_target is None else None


def needs_target_labels(inputs: MetricInputs) -> str | None:
    """Labeled target rows, classification task."""
    if inputs.labeled_target is None:
        return NEEDS_TARGET_LABELS
    if inputs.task_type != "classification":
        return "defined for classification tasks only"
    return None


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
        return NEEDS_SOURCE_HEAD
    return needs_target_labels(inputs)


def needs_scratch_features(inputs: MetricInputs) -> str | None:
    """target.scratch_features (sent, or derived from raw target inputs) and target labels."""
    if inputs.x_scratch is None:
        return NEEDS_SCRATCH
    if inputs.y_target is None or len(inputs.y_target) == 0:
        return "needs target labels for the rows of target.scratch_features"
    if inputs.task_type != "classification":
        return "defined for classification tasks only"
    return None
