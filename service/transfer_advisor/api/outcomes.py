"""POST /assessments/{id}/outcome: only HTTP translation to the outcomes use case."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ..schemas.assess import Outcome
from ..schemas.outcomes import OutcomeIn
from ..services import outcomes
from .deps import AssessCaller, AssessmentId, SessionsDep
from .responses import created, problems

router = APIRouter(tags=["outcomes"])


@router.post(
    "/assessments/{assessment_id}/outcome", status_code=201, response_model=Outcome,
    summary="Report what was measured after acting on an assessment",
    responses=created("/assessments/{id}") | problems(
        s404="No such assessment for this tenant (another tenant's id is also a 404); "
             "nothing stored.",
        s422="An accuracy outside [0, 1] or not finite, `acc_scratch` missing, or no transfer "
             "strategy's accuracy; `errors[].field` names it. Nothing stored."))
def record_outcome(assessment_id: AssessmentId, body: OutcomeIn, response: Response,
                   caller: AssessCaller, sessions: SessionsDep) -> Outcome:
    """Store what the team measured after acting on this assessment (append-only, in the
    tenant's hash chain; several per assessment are allowed and the latest counts).

    Accuracies are in [0, 1]; `acc_scratch` and at least one transfer strategy are required.
    `Location` is the assessment, which lists its outcomes."""
    entry = outcomes.record_outcome(sessions, caller.tenant, assessment_id,
                                    body.model_dump(mode="json"))
    response.headers["Location"] = f"/assessments/{assessment_id}"
    return Outcome.model_validate(outcomes.outcome_wire(entry))
