from typing import Literal

AssessmentSummaryNegativeTransferRisk = Literal['high', 'low', 'medium']

ASSESSMENT_SUMMARY_NEGATIVE_TRANSFER_RISK_VALUES: set[AssessmentSummaryNegativeTransferRisk] = { 'high', 'low', 'medium',  }

def check_assessment_summary_negative_transfer_risk(value: str) -> AssessmentSummaryNegativeTransferRisk:
    if value in ASSESSMENT_SUMMARY_NEGATIVE_TRANSFER_RISK_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESSMENT_SUMMARY_NEGATIVE_TRANSFER_RISK_VALUES!r}")
