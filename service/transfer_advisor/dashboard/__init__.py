"""The dashboard's numbers: a pure function from history rows to what the page shows.

The page is rendered on the server (Jinja2) and its charts are drawn in the browser by the
vendored Chart.js (`static/vendor/`, refreshed by `scripts/vendor_dashboard_assets.sh`), so it
works with no internet access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

STRATEGIES = ("fine_tune", "feature_extraction", "train_from_scratch")
SCORE_BINS = 10  # equal-width bins of the transfer score over [0, 1]
LATEST = 20


class HistoryRow(Protocol):
    """What the overview reads of a stored assessment (db.models.AssessmentRow fits)."""

    id: str
    created_at: datetime
    source_name: str
    target_name: str
    strategy: str
    transfer_score: float
    negative_transfer_risk: str
    confidence: float


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
    truncated: bool = False

    def chart_data(self) -> dict[str, Any]:
        """The JSON the page's script draws from."""
        return {"strategies": list(STRATEGIES), "days": self.days, "per_day": self.per_day,
                "score_edges": self.score_edges, "score_counts": self.score_counts}


def build_overview(rows: Iterable[HistoryRow], truncated: bool = False) -> Overview:
    """Rows newest first (as GET /assessments returns them) → totals, per-day series, histogram."""
    rows = list(rows)
    counts = dict.fromkeys(STRATEGIES, 0)
    by_day: dict[date, dict[str, int]] = {}
    for row in rows:
        counts[row.strategy] = counts.get(row.strategy, 0) + 1
        day = by_day.setdefault(row.created_at.date(), dict.fromkeys(STRATEGIES, 0))
        day[row.strategy] = day.get(row.strategy, 0) + 1
    days: list[date] = []
    if by_day:
        # Every day between the first and last record, so quiet days show as gaps, not nothing.
        first, last = min(by_day), max(by_day)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    per_day = {s: [by_day.get(d, {}).get(s, 0) for d in days] for s in STRATEGIES}
    scores = np.asarray([r.transfer_score for r in rows], dtype=np.float64)
    hist, edges = np.histogram(scores, bins=SCORE_BINS, range=(0.0, 1.0))
    latest = [{"id": r.id, "created_at": r.created_at, "source_name": r.source_name,
               "target_name": r.target_name, "strategy": r.strategy,
               "transfer_score": r.transfer_score, "negative_transfer_risk": r.negative_transfer_risk,
               "confidence": r.confidence} for r in rows[:LATEST]]
    return Overview(
        total=len(rows), counts=counts,
        mean_transfer_score=float(scores.mean()) if len(scores) else None,
        days=[d.isoformat() for d in days], per_day=per_day,
        score_edges=[round(float(e), 10) for e in edges], score_counts=[int(c) for c in hist],
        latest=latest, truncated=truncated)
