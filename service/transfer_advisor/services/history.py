"""History as use cases: pages of summaries (keyset on the chain's seq), stats per bucket and the
dashboard's overview.

Stats read whole days from the daily rollup (day and week buckets), whole hours from the hourly
rollup, partial hours and name filters from the records themselves, merged into the contract's
bucket shape: exact at any number of records.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..dashboard import LATEST, TREND_POINTS, Overview, build_overview, build_trend, score_edges
from ..db.repositories import AssessmentRepository, Bucket, BucketCount, Cells
from ..domain.record import HistoryFilter, RecordSummary, day_start, hour_start
from ..domain.vocabulary import Strategy
from ..errors import InvalidInput

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def ceil_hour(t: datetime) -> datetime:
    floor = hour_start(t)
    return floor if floor == t else floor + HOUR


def ceil_day(t: datetime) -> datetime:
    floor = day_start(t)
    return floor if floor == t else floor + DAY


def encode_cursor(seq: int) -> str:
    """Opaque cursor: the `seq` of the last item on the page."""
    raw = json.dumps({"seq": seq}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Inverse of encode_cursor; InvalidInput on anything this service did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        value = None
    seq = value.get("seq") if isinstance(value, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2**63:
        raise InvalidInput.at("cursor", "is not a cursor this service issued")
    return seq


@dataclasses.dataclass(frozen=True)
class Page:
    items: Sequence[RecordSummary]
    next_cursor: str | None


def page(sessions: sessionmaker[Session], tenant: str, flt: HistoryFilter, limit: int,
         cursor: str | None = None) -> Page:
    """Newest first; `next_cursor` continues after the last item (see repository.history)."""
    before = decode_cursor(cursor) if cursor else None
    with sessions() as session:
        rows = AssessmentRepository(session, tenant).history(flt, limit + 1, before)
    next_cursor = encode_cursor(rows[limit - 1].seq) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor)


def bucket_counts(repo: AssessmentRepository, bucket: Bucket,
                  flt: HistoryFilter) -> list[BucketCount]:
    """(bucket, strategy) cells for the filter, reading the rollups wherever they apply."""
    if flt.names_any:
        return repo.bucket_counts([repo.row_cells(bucket, flt)])  # no rollup per name
    if bucket == "hour":
        return repo.bucket_counts(hour_parts(repo, bucket, flt))
    lo = ceil_day(flt.since) if flt.since is not None else None
    hi = day_start(flt.until) if flt.until is not None else None
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
    hi = hour_start(flt.until) if flt.until is not None else None
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
    counts: dict[datetime, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Strategy, 0))
    sums: dict[datetime, float] = defaultdict(float)
    for cell in cells:
        counts[cell.start][cell.strategy] = counts[cell.start].get(cell.strategy, 0) + cell.n
        sums[cell.start] += cell.score_sum
    buckets = []
    totals: dict[str, int] = dict.fromkeys(Strategy, 0)
    for start in sorted(counts):
        n = sum(counts[start].values())
        for strategy, k in counts[start].items():
            totals[strategy] = totals.get(strategy, 0) + k
        buckets.append({"start": start, "counts": counts[start], "total": n,
                        "mean_transfer_score": sums[start] / n if n else None})
    return {"bucket": bucket, "buckets": buckets, "totals": totals, "total": sum(totals.values())}


def overview(sessions: sessionmaker[Session], tenant: str, flt: HistoryFilter,
             cursor: str | None = None, pair: tuple[str, str] | None = None) -> Overview:
    """The dashboard's selection: exact counts from the rollups (or SQL over the matching rows
    where a filter has no rollup), the score histogram in SQL, one page of records after
    `cursor`, and with `pair` (both names filtered) that pair's trend."""
    before = decode_cursor(cursor) if cursor else None
    with sessions() as session:
        repo = AssessmentRepository(session, tenant)
        cells = bucket_counts(repo, "day", flt)
        histogram = repo.score_histogram(flt, score_edges())
        rows = repo.history(flt, LATEST + 1, before)
        series = repo.metric_series(flt, TREND_POINTS) if pair is not None else None
    per_day: dict[date, dict[str, int]] = defaultdict(dict)
    for cell in cells:
        day = per_day[cell.start.date()]
        day[cell.strategy] = day.get(cell.strategy, 0) + cell.n
    next_cursor = encode_cursor(rows[LATEST - 1].seq) if len(rows) > LATEST else None
    trend = build_trend(pair, series) if pair is not None and series is not None else None
    return build_overview(per_day, sum(c.score_sum for c in cells), histogram, rows[:LATEST],
                          next_cursor, trend)
