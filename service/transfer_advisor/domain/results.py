"""Result types shared by every metric."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


class MetricNotApplicable(Exception):
    """A metric cannot run on this input; the message becomes a reason in the recommendation.

    `compute_metrics` reports it as an omission (as it does `np.linalg.LinAlgError`); any other
    exception from a metric is a bug and propagates.
    """


class NonFiniteValue(MetricNotApplicable, ValueError):
    """A metric's formula overflowed on this input (e.g. a tiny covariance beside a large mean gap).

    Not applicable to a metric run; still a ValueError to code that rebuilds results from data.
    """


@dataclass(frozen=True)
class MetricResult:
    """One metric's outcome: a finite value, an optional p-value and JSON-safe details.

    A non-finite value raises `NonFiniteValue` (not applicable); a p-value outside (0, 1] is a
    bug and raises ValueError.

    >>> MetricResult(0.25, p_value=0.01, details={"permutations": 99})
    MetricResult(value=0.25, p_value=0.01, details={'permutations': 99})
    >>> MetricResult(float("inf"))
    Traceback (most recent call last):
    ...
    transfer_advisor.domain.results.NonFiniteValue: metric value must be finite, got inf
    >>> MetricResult(0.25, p_value=0.0)
    Traceback (most recent call last):
    ...
    ValueError: p-value must lie in (0, 1], got 0.0
    """

    value: float
    p_value: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse a non-finite value (not applicable) and a p-value outside (0, 1] (a bug)."""
        if not math.isfinite(self.value):
            raise NonFiniteValue(f"metric value must be finite, got {self.value!r}")
        if self.p_value is not None and not (0.0 < self.p_value <= 1.0):
            raise ValueError(f"p-value must lie in (0, 1], got {self.p_value!r}")
