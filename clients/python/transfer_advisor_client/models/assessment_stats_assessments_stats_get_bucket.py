from typing import Literal

AssessmentStatsAssessmentsStatsGetBucket = Literal['day', 'hour', 'week']

ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_BUCKET_VALUES: set[AssessmentStatsAssessmentsStatsGetBucket] = { 'day', 'hour', 'week',  }

def check_assessment_stats_assessments_stats_get_bucket(value: str) -> AssessmentStatsAssessmentsStatsGetBucket:
    if value in ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESSMENT_STATS_ASSESSMENTS_STATS_GET_BUCKET_VALUES!r}")
