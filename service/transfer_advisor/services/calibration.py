"""GET /calibration as a use case: the tenant's decisions scored against their outcomes.

Which decisions: without `policy_version`, the assessments as made (replays left out), each with
the latest outcome reported on it. With `policy_version`, for each assessment with an outcome,
the latest record decided under that version: the assessment itself or a replay of it (a shadow
evaluation of a candidate policy is scored on the outcomes of the assessments it replayed). The
figures are `domain.calibration.score`'s, as `scenarios.md` defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ..db.chain import ChainEntryRepository
from ..domain import calibration
from ..domain.chain import ChainEntry
from ..domain.outcome import check_outcome
from ..domain.record import AssessmentRecord, HistoryFilter
from ..errors import AdvisorError
from .policy_fit import latest_outcomes, root_of


@dataclass(frozen=True)
class Loaded:
    """What the scores read: records, the latest outcome per root, replay links."""

    records: list[AssessmentRecord]
    outcomes: dict[str, ChainEntry]
    links: dict[str, str]


def load(session: Session, tenant: str, flt: HistoryFilter,
         policy_version: str | None = None) -> Loaded:
    repo = ChainEntryRepository(session, tenant)
    return Loaded(repo.records_with_outcomes(flt, policy_version), latest_outcomes(session, tenant),
                  repo.replay_links())


def decision_of(record: AssessmentRecord) -> calibration.Decision | None:
    rec = record.recommendation if isinstance(record.recommendation, dict) else {}
    try:
        gain = rec.get("expected_gain")
        return calibration.Decision(str(rec["strategy"]), float(rec["transfer_score"]),
                                    str(rec["negative_transfer_risk"]),
                                    None if not gain else float(gain["value"]))
    except (KeyError, TypeError, ValueError):
        return None


def scores_of(loaded: Loaded, policy_version: str | None) -> calibration.Scores:
    """The figures for one version (None: the decisions as made)."""
    chosen: dict[str, AssessmentRecord] = {}
    for record in loaded.records:  # chain order: a later record under the version wins
        if policy_version is None and record.replay_of is not None:
            continue
        if policy_version is not None and record.policy_version != policy_version:
            continue
        root = root_of(str(record.id), loaded.links)
        if root in loaded.outcomes:
            chosen[root] = record
    decisions, measured = [], []
    for root, record in chosen.items():
        decision = decision_of(record)
        try:
            truth = check_outcome(loaded.outcomes[root].data)
        except AdvisorError:
            continue
        if decision is not None:
            decisions.append(decision)
            measured.append(truth.measured())
    return calibration.score(decisions, measured)


def calibration_wire(scores: calibration.Scores, policy_version: str | None) -> dict[str, Any]:
    return {"n": scores.n, "policy_version": policy_version,
            "decision_accuracy": scores.decision_accuracy,
            "negative_transfer_recall": scores.negative_transfer_recall,
            "spearman_score_vs_gain": scores.spearman_score_vs_gain,
            "three_way_accuracy": scores.three_way_accuracy,
            "expected_gain_mae": scores.expected_gain_mae,
            "reliability": [{"low": b.low, "high": b.high, "n": b.n, "mean_score": b.mean_score,
                             "observed_rate": b.observed_rate} for b in scores.reliability]}


def calibrate(sessions: sessionmaker[Session], tenant: str, flt: HistoryFilter,
              policy_version: str | None = None) -> dict[str, Any]:
    with sessions() as session:
        loaded = load(session, tenant, flt, policy_version)
    return calibration_wire(scores_of(loaded, policy_version), policy_version)


def overview(sessions: sessionmaker[Session], tenant: str) -> dict[str, Any]:
    """The dashboard's calibration section: the decisions as made, then per policy version."""
    with sessions() as session:
        loaded = load(session, tenant, HistoryFilter())
    versions = sorted({r.policy_version for r in loaded.records})
    per = [calibration_wire(scores_of(loaded, v), v) for v in versions]
    return {"as_made": calibration_wire(scores_of(loaded, None), None),
            "versions": sorted((c for c in per if c["n"]), key=lambda c: (-c["n"],
                                                                         c["policy_version"]))}
