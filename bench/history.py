"""Dashboard queries at a million records on PostgreSQL: p50/p95 of the latest history page, a
page filtered by source name, and stats by day over 90 days.

Creates a dedicated database, migrates it with Alembic, seeds N chained records for one tenant
(the worst case: every row is the dashboard tenant's) with COPY, builds the hourly and daily
rollups with the migrations' own backfill SQL, times the service calls the endpoints make (and the same
through HTTP with TestClient), prints a table, and drops the database.

    python bench/history.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                            [--records 1000000] [--repeat 200] [--keep]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from transfer_advisor.app import create_app
from transfer_advisor.db import migrate
from transfer_advisor.db.engine import make_engine, make_sessionmaker
from transfer_advisor.db.repositories import AssessmentRepository
from transfer_advisor.domain.audit import GENESIS, canonical_json, record_hash, sha256_hex
from transfer_advisor.domain.record import HistoryFilter
from transfer_advisor.domain.vocabulary import Strategy
from transfer_advisor.services import history
from transfer_advisor.settings import Settings

TENANT = "dashboard"
STRATEGIES: tuple[str, ...] = tuple(Strategy)
RISKS = ("low", "medium", "high")
COLUMNS = ("id", "tenant", "seq", "created_at", "source_name", "target_name", "strategy",
           "transfer_score", "negative_transfer_risk", "confidence", "policy_version",
           "service_version", "extractor_name", "input_sha256", "idempotency_key", "replay_of",
           "record", "record_sha256", "prev_record_sha256")


def seed(pg_url: str, n: int, end: datetime, days: int) -> float:
    """COPY n chained records spread evenly over `days` before `end`; returns seconds taken."""
    rng = random.Random(0)
    sources = [f"source-{i:03d}" for i in range(200)]
    targets = [f"target-{i:04d}" for i in range(1000)]
    start = end - timedelta(days=days)
    step = (end - start) / n
    prev = GENESIS
    t0 = time.perf_counter()
    with psycopg.connect(pg_url) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY assessment ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for seq in range(1, n + 1):
                created = start + step * seq
                strategy = rng.choice(STRATEGIES)
                score = round(rng.random(), 6)
                extractor = None if seq % 3 else {"name": "text-minilm", "version": "1",
                                                  "sha256": "ab" * 32}
                rid = f"{int(created.timestamp() * 1000):012x}{uuid.UUID(int=rng.getrandbits(128)).hex[:20]}"
                record = {
                    "id": rid, "created_at": created.isoformat(), "tenant": TENANT,
                    "source_name": rng.choice(sources), "target_name": rng.choice(targets),
                    "recommendation": {"strategy": strategy, "transfer_score": score,
                                       "negative_transfer_risk": rng.choice(RISKS),
                                       "confidence": round(rng.random(), 6),
                                       "reasons": ["seeded by bench/history.py",
                                                   f"transfer_score {score:.2f}"]},
                    "metrics": {"frechet_distance": {"value": rng.random() * 10, "p_value": None,
                                                     "details": {"dim": 64}},
                                "mmd": {"value": rng.random(), "p_value": 0.01, "details": {}}},
                    "policy_version": "bench", "service_version": "bench",
                    "extractor": extractor,
                    "input_sha256": sha256_hex(rid.encode()),
                    "evidence": {"task": {"type": "classification", "num_classes": 10,
                                          "labeled_examples": 200}},
                    "replay_of": None, "prev_record_sha256": prev,
                }
                digest = record_hash(record)
                copy.write_row((
                    rid, TENANT, seq, created, record["source_name"], record["target_name"],
                    strategy, score, record["recommendation"]["negative_transfer_risk"],
                    record["recommendation"]["confidence"], "bench", "bench",
                    extractor and extractor["name"], record["input_sha256"], None, None,
                    canonical_json(record).decode(), digest, prev))
                prev = digest
        cur.execute("INSERT INTO chain_head (tenant, seq, record_sha256) VALUES (%s, %s, %s)",
                    (TENANT, n, prev))
        for table, column, unit in (("assessment_hour", "hour_start", "hour"),
                                    ("assessment_day", "day_start", "day")):
            start = f"date_trunc('{unit}', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
            cur.execute(f"INSERT INTO {table} (tenant, {column}, strategy, n, score_sum) "
                        f"SELECT tenant, {start}, strategy, count(*), sum(transfer_score) "
                        f"FROM assessment GROUP BY tenant, {start}, strategy")
        conn.commit()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    return time.perf_counter() - t0


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 10) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e3)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="history spread over this many days")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    base = make_url(Settings(database_url=args.url).resolved_database_url)
    name = f"ta_bench_history_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        settings = Settings(database_url=url, default_tenant=TENANT, auth="disabled",
                            data_dir=Path(tempfile.mkdtemp()))
        engine = make_engine(settings)
        migrate.upgrade(engine)
        end = datetime.now(UTC).replace(microsecond=0)
        seconds = seed(url.replace("postgresql+psycopg", "postgresql"), args.records, end,
                       args.days)
        print(f"seeded {args.records:,} records over {args.days} days in {seconds:.0f} s "
              f"(COPY + rollup backfill + VACUUM ANALYZE)")
        sessions = make_sessionmaker(engine)
        rng = random.Random(1)
        since = end - timedelta(days=90, minutes=17)  # not hour-aligned: edge rows come from rows

        def latest() -> None:
            with sessions() as s:
                assert len(AssessmentRepository(s, TENANT).history(HistoryFilter(), 51)) == 51

        def by_source() -> None:
            flt = HistoryFilter(source_name=f"source-{rng.randrange(200):03d}")
            with sessions() as s:
                assert len(AssessmentRepository(s, TENANT).history(flt, 51)) == 51

        def stats_90d() -> None:
            out = history.stats(sessions, TENANT, "day", HistoryFilter(since=since))
            assert len(out["buckets"]) >= 90
            assert out["total"] > 0

        rows = []
        with TestClient(create_app(settings)) as client:
            def http(params: dict[str, Any], path: str = "/assessments") -> Callable[[], None]:
                def call() -> None:
                    q = {k: v() if callable(v) else v for k, v in params.items()}
                    assert client.get(path, params=q).status_code == 200
                return call

            cases = [
                ("latest page (50)", latest, http({"limit": 50})),
                ("page filtered by source_name", by_source,
                 http({"limit": 50, "source_name": lambda: f"source-{rng.randrange(200):03d}"})),
                ("stats by day over 90 days", stats_90d,
                 http({"bucket": "day", "since": since.isoformat()}, "/assessments/stats")),
            ]
            for label, service_call, http_call in cases:
                rows.append((label, *timed(service_call, args.repeat),
                             *timed(http_call, args.repeat)))
        total = history.stats(sessions, TENANT, "week", HistoryFilter())["total"]
        print(f"records in stats (all time): {total:,}; repeat={args.repeat}\n")
        print("| query | service p50 ms | service p95 ms | HTTP p50 ms | HTTP p95 ms | p95 ≤ 25 ms |")
        print("|---|---:|---:|---:|---:|---|")
        for label, sp50, sp95, hp50, hp95 in rows:
            print(f"| {label} | {sp50:.2f} | {sp95:.2f} | {hp50:.2f} | {hp95:.2f} | "
                  f"{'yes' if hp95 <= 25 else 'no'} |")
        engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
