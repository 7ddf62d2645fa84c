from typing import Literal

AssessmentStatsAssessmentsStatsGetStrategyType0 = Literal['feature_extraction', 'fine_tune', 'train_from_scratch']

ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_STRATEGY_TYPE_0_VALUES: set[AssessmentStatsAssessmentsStatsGetStrategyType0] = { 'feature_extraction', 'fine_tune', 'train_from_scratch',  }

def check_assessment_stats_assessments_stats_get_strategy_type_0(value: str) -> AssessmentStatsAssessmentsStatsGetStrategyType0:
    if value in ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_STRATEGY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_STRATEGY_TYPE_0_VALUES!r}")
