"""History stats as a use case: whole days from the daily rollup (day and week buckets), whole
hours from the hourly rollup, partial hours and name filters from the records themselves, merged
into the contract's bucket shape."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..db.repositories import AssessmentRepository, Bucket, BucketCount, Cells, HistoryFilter

STRATEGIES = ("fine_tune", "feature_extraction", "train_from_scratch")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def floor_hour(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def ceil_hour(t: datetime) -> datetime:
    floor = floor_hour(t)
    return floor if floor == t else floor + HOUR


def floor_day(t: datetime) -> datetime:
    return t.replace(hour=0, minute=0, second=0, microsecond=0)


def ceil_day(t: datetime) -> datetime:
    floor = floor_day(t)
    return floor if floor == t else floor + DAY


def bucket_counts(repo: AssessmentRepository, bucket: Bucket,
                  flt: HistoryFilter) -> list[BucketCount]:
    """(bucket, strategy) cells for the filter, reading the rollups wherever they apply."""
    if flt.source_name is not None or flt.target_name is not None or flt.extractor is not None:
        return repo.bucket_counts([repo.row_cells(bucket, flt)])  # no rollup per name
    if bucket == "hour":
        return repo.bucket_counts(hour_parts(repo, bucket, flt))
    lo = ceil_day(flt.since) if flt.since is not None else None
    hi = floor_day(flt.until) if flt.until is not None else None
    if lo is not None and hi is not None and lo >= hi:  # no whole day inside the range
        return repo.bucket_counts(hour_parts(repo, bucket, flt))
    parts = [repo.day_cells(bucket, lo, hi, flt.strategy)]
    # Days and weeks are unions of whole days, so the edge hours fall into the same buckets.
    if flt.since is not None and lo is not None and lo != flt.since:
        parts += hour_parts(repo, bucket, dataclasses.replace(flt, until=lo))
    if flt.until is not None and hi is not None and hi != flt.until:
        parts += hour_parts(repo, bucket, dataclasses.replace(flt, since=hi))
    return repo.bucket_counts(parts)


def hour_parts(repo: AssessmentRepository, bucket: Bucket, flt: HistoryFilter) -> list[Cells]:
    """Cells for a filter without names: whole hours from the hourly rollup, edges from rows."""
    lo = ceil_hour(flt.since) if flt.since is not None else None
    hi = floor_hour(flt.until) if flt.until is not None else None
    if lo is not None and hi is not None and lo >= hi:  # no whole hour inside the range
        return [repo.row_cells(bucket, flt)]
    parts = [repo.hour_cells(bucket, lo, hi, flt.strategy)]
    # Every bucket is a union of whole hours, so the edge minutes fall into the same buckets.
    if flt.since is not None and lo is not None and lo != flt.since:
        parts.append(repo.row_cells(bucket, dataclasses.replace(flt, until=lo)))
    if flt.until is not None and hi is not None and hi != flt.until:
        parts.append(repo.row_cells(bucket, dataclasses.replace(flt, since=hi)))
    return parts


def stats(sessions: sessionmaker[Session], tenant: str, bucket: Bucket,
          flt: HistoryFilter) -> dict[str, Any]:
    with sessions() as session:
        cells = bucket_counts(AssessmentRepository(session, tenant), bucket, flt)
    counts: dict[datetime, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STRATEGIES, 0))
    sums: dict[datetime, float] = defaultdict(float)
    for cell in cells:
        counts[cell.start][cell.strategy] = counts[cell.start].get(cell.strategy, 0) + cell.n
        sums[cell.start] += cell.score_sum
    buckets = []
    totals = dict.fromkeys(STRATEGIES, 0)
    for start in sorted(counts):
        n = sum(counts[start].values())
        for strategy, k in counts[start].items():
            totals[strategy] = totals.get(strategy, 0) + k
        buckets.append({"start": start, "counts": counts[start], "total": n,
                        "mean_transfer_score": sums[start] / n if n else None})
    return {"bucket": bucket, "buckets": buckets, "totals": totals, "total": sum(totals.values())}
