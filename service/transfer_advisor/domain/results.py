"""Result types shared by every metric."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MetricResult:
    """One metric's outcome: a finite value, an optional p-value and JSON-safe details.

    >>> MetricResult(0.25, p_value=0.01, details={"permutations": 99})
    MetricResult(value=0.25, p_value=0.01, details={'permutations': 99})
    >>> MetricResult(0.25, p_value=0.0)
    Traceback (most recent call last):
    ...
    ValueError: p-value must lie in (0, 1], got 0.0
    """

    value: float
    p_value: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse what no metric may return: a non-finite value or a p-value outside (0, 1]."""
        if not math.isfinite(self.value):
            raise ValueError(f"metric value must be finite, got {self.value!r}")
        if self.p_value is not None and not (0.0 < self.p_value <= 1.0):
            raise ValueError(f"p-value must lie in (0, 1], got {self.p_value!r}")


class MetricNotApplicable(Exception):
    """A metric cannot run on this input; the message becomes a reason in the recommendation.

    `compute_metrics` reports it as an omission (as it does `np.linalg.LinAlgError`); any other
    exception from a metric is a bug and propagates.
    """
