from typing import Literal

AssessmentSummaryStrategy = Literal['feature_extraction', 'fine_tune', 'train_from_scratch']

ASSESSMENT_SUMMARY_STRATEGY_VALUES: set[AssessmentSummaryStrategy] = { 'feature_extraction', 'fine_tune', 'train_from_scratch',  }

def check_assessment_summary_strategy(value: str) -> AssessmentSummaryStrategy:
    if value in ASSESSMENT_SUMMARY_STRATEGY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESSMENT_SUMMARY_STRATEGY_VALUES!r}")
