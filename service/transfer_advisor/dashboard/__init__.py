"""The dashboard's numbers: a pure function from exact history counts to what the page shows.

The page is rendered on the server (Jinja2) and its charts are drawn in the browser by the
vendored Chart.js (`static/vendor/`, refreshed by `scripts/vendor_dashboard_assets.sh`), so it
works with no internet access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ..domain.vocabulary import Strategy

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

STRATEGIES: tuple[str, ...] = tuple(Strategy)
SCORE_BINS = 10  # equal-width bins of the transfer score over [0, 1]
LATEST = 20


@dataclass(frozen=True)
class Overview:
    total: int
    counts: dict[str, int]
    mean_transfer_score: float | None
    days: list[str]
    per_day: dict[str, list[int]]
    score_edges: list[float]
    score_counts: list[int]
    latest: list[dict[str, Any]] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        """The JSON the page's script draws from."""
        return {"strategies": list(STRATEGIES), "days": self.days, "per_day": self.per_day,
                "score_edges": self.score_edges, "score_counts": self.score_counts}


def score_edges() -> list[float]:
    """Equal-width bin edges of the transfer score over [0, 1] (numpy.histogram's)."""
    return [float(e) for e in np.linspace(0.0, 1.0, SCORE_BINS + 1)]


def build_overview(per_day_counts: Mapping[date, Mapping[str, int]], score_sum: float,
                   score_counts: Sequence[int], latest: Iterable[Any]) -> Overview:
    """Exact counts per day and strategy, the score sum and histogram, the newest records."""
    counts: dict[str, int] = dict.fromkeys(STRATEGIES, 0)
    for day_counts in per_day_counts.values():
        for strategy, n in day_counts.items():
            counts[strategy] = counts.get(strategy, 0) + n
    days: list[date] = []
    if per_day_counts:
        # Every day between the first and last record, so quiet days show as gaps, not nothing.
        first, last = min(per_day_counts), max(per_day_counts)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    per_day = {s: [per_day_counts.get(d, {}).get(s, 0) for d in days] for s in STRATEGIES}
    total = sum(counts.values())
    shown = [{"id": r.id, "created_at": r.created_at, "source_name": r.source_name,
              "target_name": r.target_name, "strategy": r.strategy,
              "transfer_score": r.transfer_score, "negative_transfer_risk": r.negative_transfer_risk,
              "confidence": r.confidence} for r in latest]
    return Overview(
        total=total, counts=counts, mean_transfer_score=score_sum / total if total else None,
        days=[d.isoformat() for d in days], per_day=per_day,
        score_edges=[round(e, 10) for e in score_edges()], score_counts=list(score_counts),
        latest=shown[:LATEST])
