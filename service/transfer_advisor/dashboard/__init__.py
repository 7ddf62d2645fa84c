"""The dashboard's numbers: pure functions from exact history counts to what the page shows.

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
from .glossary import SHIFT_HELP

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

STRATEGIES: tuple[str, ...] = tuple(Strategy)
SCORE_BINS = 10  # equal-width bins of the transfer score over [0, 1]
LATEST = 20  # rows per page of the table; older ones through the cursor
TREND_POINTS = 200  # newest records of one pair drawn in its trend
SHIFT_METRICS: tuple[str, ...] = tuple(SHIFT_HELP)


@dataclass(frozen=True)
class Trend:
    """One source/target pair over time, oldest first: score, risk and every shift metric."""

    source_name: str
    target_name: str
    points: list[dict[str, Any]]
    metrics: list[str]  # shift metrics present in at least one point, in glossary order
    ratio_metrics: list[str]  # those with a same-distribution baseline ratio stored

    def chart_data(self) -> dict[str, Any]:
        return {
            "labels": [p["created_at"].strftime("%m-%d %H:%M") for p in self.points],
            "ids": [p["id"] for p in self.points],
            "transfer_score": [p["transfer_score"] for p in self.points],
            "confidence": [p["confidence"] for p in self.points],
            "ratios": {m: [p["ratios"].get(m) for p in self.points] for m in self.ratio_metrics},
        }


def build_trend(pair: tuple[str, str], series: Iterable[tuple[Any, Mapping[str, Any]]]) -> Trend:
    """Trend points from (record summary, stored metrics) pairs, oldest first."""
    points = []
    for r, metrics in series:
        values: dict[str, float] = {}
        ratios: dict[str, float] = {}
        for name in SHIFT_METRICS:
            m = metrics.get(name)
            if not isinstance(m, Mapping) or not isinstance(m.get("value"), (int, float)):
                continue
            values[name] = float(m["value"])
            details = m.get("details")
            ratio = details.get("ratio_to_baseline") if isinstance(details, Mapping) else None
            if isinstance(ratio, (int, float)) and np.isfinite(ratio):
                ratios[name] = float(ratio)
        points.append({"id": r.id, "created_at": r.created_at, "strategy": r.strategy,
                       "transfer_score": r.transfer_score, "confidence": r.confidence,
                       "negative_transfer_risk": r.negative_transfer_risk,
                       "values": values, "ratios": ratios})
    present = [m for m in SHIFT_METRICS if any(m in p["values"] for p in points)]
    with_ratio = [m for m in SHIFT_METRICS if any(m in p["ratios"] for p in points)]
    return Trend(pair[0], pair[1], points, present, with_ratio)


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
    next_cursor: str | None = None
    trend: Trend | None = None

    def chart_data(self) -> dict[str, Any]:
        """The JSON the page's script draws from."""
        return {"strategies": list(STRATEGIES), "days": self.days, "per_day": self.per_day,
                "score_edges": self.score_edges, "score_counts": self.score_counts,
                "trend": self.trend.chart_data() if self.trend and self.trend.points else None}


def score_edges() -> list[float]:
    """Equal-width bin edges of the transfer score over [0, 1] (numpy.histogram's)."""
    return [float(e) for e in np.linspace(0.0, 1.0, SCORE_BINS + 1)]


def build_overview(per_day_counts: Mapping[date, Mapping[str, int]], score_sum: float,
                   score_counts: Sequence[int], latest: Iterable[Any],
                   next_cursor: str | None = None, trend: Trend | None = None) -> Overview:
    """Exact counts per day and strategy, the score sum and histogram, one page of records."""
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
              "confidence": r.confidence, "extractor": r.extractor,
              "policy_version": r.policy_version} for r in latest]
    return Overview(
        total=total, counts=counts, mean_transfer_score=score_sum / total if total else None,
        days=[d.isoformat() for d in days], per_day=per_day,
        score_edges=[round(e, 10) for e in score_edges()], score_counts=list(score_counts),
        latest=shown[:LATEST], next_cursor=next_cursor, trend=trend)
