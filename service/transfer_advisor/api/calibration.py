"""GET /calibration: only HTTP translation to the calibration use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from ..schemas.assess import no_nul_or_none
from ..schemas.outcomes import Calibration
from ..services import calibration
from .assessments import FilterDep
from .deps import ReadCaller, SessionsDep

router = APIRouter(tags=["calibration"])

Version = Annotated[str | None, Query(min_length=1, max_length=100),
                    AfterValidator(no_nul_or_none)]


@router.get("/calibration", response_model=Calibration)
def get_calibration(caller: ReadCaller, sessions: SessionsDep, flt: FilterDep,
                    policy_version: Version = None) -> Calibration:
    """The tenant's decisions scored against the latest outcome reported on each (contract
    `scenarios.md`): decision accuracy, negative-transfer recall, Spearman of transfer_score vs
    the measured gain, three-way accuracy, expected-gain MAE and reliability bins; null where
    nothing can be scored.

    Filters as GET /assessments. Without `policy_version`, the decisions as made (replays left
    out); with it, per assessment the latest record decided under that version, the assessment
    itself or a replay of it (shadow evaluation of a candidate policy)."""
    return Calibration.model_validate(
        calibration.calibrate(sessions, caller.tenant, flt, policy_version))
