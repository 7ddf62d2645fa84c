"""Seed chained records through the real records.append() with chosen names, strategies, clocks."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from transfer_advisor.domain.record import AssessmentRecord
from transfer_advisor.domain.vocabulary import Strategy
from transfer_advisor.services import records

T0 = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # a Monday, mid-hour
STRATEGIES: tuple[str, ...] = tuple(Strategy)


@dataclasses.dataclass(frozen=True)
class Seeded:
    id: str
    seq: int
    created_at: datetime
    source_name: str
    target_name: str
    strategy: str
    transfer_score: float
    extractor: str | None
    negative_transfer_risk: str = "low"
    policy_version: str = "seed"


def record_template(tenant: str) -> dict[str, Any]:
    """A complete record body as assess() builds it (metrics/evidence from a small request)."""
    return {
        "tenant": tenant, "source_name": "s", "target_name": "t",
        "recommendation": {"strategy": "fine_tune", "transfer_score": 0.5,
                           "negative_transfer_risk": "low", "confidence": 0.5,
                           "reasons": ["seeded"]},
        "metrics": {"frechet_distance": {"value": 1.0, "p_value": None, "details": {}}},
        "policy_version": "seed", "service_version": "seed", "extractor": None,
        "input_sha256": "0" * 64,
        "evidence": {"source": {"form": "summary", "count": 10, "dim": 2, "labels": None,
                                "classes_summarised": False},
                     "target": {"form": "summary", "count": 10, "dim": 2, "labels": None,
                                "classes_summarised": False},
                     "task": {"type": "classification", "num_classes": 3, "labeled_examples": 30,
                              "source_modality": "image", "target_modality": "image",
                              "compute_budget_gpu_hours": None},
                     "options": {}, "omitted": {}},
        "replay_of": None,
    }


def spec(i: int) -> dict[str, Any]:
    """A deterministic spread of names, strategies, scores and extractors for record i."""
    return {"source_name": "abc"[i % 3], "target_name": "xy"[(i // 3) % 2],
            "strategy": STRATEGIES[(i * 7 // 5) % 3], "transfer_score": round((i * 37 % 100) / 100, 2),
            "extractor": "enc" if i % 4 == 0 else None,
            "negative_transfer_risk": ("low", "medium", "high")[(i * 5 // 3) % 3],
            "policy_version": "seed" if i % 5 else "seed-2"}


def seed(sessions: sessionmaker[Session], tenant: str, times: list[datetime]) -> list[Seeded]:
    """One record per time, stored by records.append() with its clock pinned to that time."""
    clock: Iterator[datetime] = iter(times)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(records, "utcnow", lambda: next(clock))
        out = [_store_one(sessions, tenant, i, when) for i, when in enumerate(times)]
    return out


def _store_one(sessions: sessionmaker[Session], tenant: str, i: int, when: datetime) -> Seeded:
    s = spec(i)
    rec = copy.deepcopy(record_template(tenant))
    rec["source_name"], rec["target_name"] = s["source_name"], s["target_name"]
    rec["recommendation"].update(strategy=s["strategy"], transfer_score=s["transfer_score"],
                                 negative_transfer_risk=s["negative_transfer_risk"])
    rec["policy_version"] = s["policy_version"]
    if s["extractor"]:
        rec["extractor"] = {"name": s["extractor"], "version": "1", "sha256": "f" * 64}
    stored = records.append(sessions, AssessmentRecord(**rec))
    assert stored.id is not None
    return Seeded(stored.id, i + 1, when, s["source_name"], s["target_name"],
                  s["strategy"], s["transfer_score"], s["extractor"], s["negative_transfer_risk"],
                  s["policy_version"])


def hourly(n: int, start: datetime = T0, step: timedelta = timedelta(minutes=50)) -> list[datetime]:
    return [start + i * step for i in range(n)]
