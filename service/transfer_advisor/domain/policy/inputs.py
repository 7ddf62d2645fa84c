"""What the policy is told about a request besides the metrics: the task and the kinds of input."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaskInfo:
    """The task as the request states it."""
    type: str
    num_classes: int | None
    labeled_examples: int
    source_modality: str
    target_modality: str
    compute_budget_gpu_hours: float | None = None

    @property
    def labels_per_class(self) -> float | None:
        """Labeled examples per class (None for regression)."""
        if self.type != "classification" or not self.num_classes:
            return None
        return self.labeled_examples / self.num_classes

    @property
    def modality_match(self) -> bool:
        """Whether source and target share a modality."""
        return self.source_modality == self.target_modality


@dataclass(frozen=True)
class Evidence:
    """Which kinds of input the metrics saw: rows on each side, labeled rows, class statistics."""

    source_rows: bool
    target_rows: bool
    target_labeled_rows: int = 0
    class_statistics: bool = False
    omitted: Mapping[str, str] = field(default_factory=dict)
    # Whether source data was given at all (a ranking candidate may come without any).
    source: bool = True

    @property
    def summary_only(self) -> bool:
        """Whether either side that was given came as a summary only."""
        return not ((self.source_rows or not self.source) and self.target_rows)
