"""GET /calibration: only HTTP translation to the calibration use case."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas.outcomes import Calibration
from ..services import calibration
from .assessments import FilterDep
from .deps import ReadCaller, SessionsDep

router = APIRouter(tags=["calibration"])


@router.get("/calibration", response_model=Calibration,
            summary="Score the tenant's decisions against their outcomes")
def get_calibration(caller: ReadCaller, sessions: SessionsDep, flt: FilterDep) -> Calibration:
    """The tenant's decisions scored against the latest outcome reported on each (contract
    `scenarios.md`): decision accuracy, negative-transfer recall, Spearman of transfer_score vs
    the measured gain, three-way accuracy, expected-gain MAE and reliability bins; null where
    nothing can be scored.

    Filters as GET /assessments. Without `policy_version`, the decisions as made (replays left
    out); with it, per assessment the latest record decided under that version, the assessment
    itself or a replay of it (shadow evaluation of a candidate policy)."""
    # `policy_version` is the history filter's (one query parameter, one meaning): it selects
    # the records, and the scores then take the latest of them per assessment.
    return Calibration.model_validate(
        calibration.calibrate(sessions, caller.tenant, flt, flt.policy_version))
