from typing import Literal

GetAssessmentStatsBucket = Literal['day', 'hour', 'week']

GET_ASSESSMENT_STATS_BUCKET_VALUES: set[GetAssessmentStatsBucket] = { 'day', 'hour', 'week',  }

def check_get_assessment_stats_bucket(value: str) -> GetAssessmentStatsBucket:
    if value in GET_ASSESSMENT_STATS_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_ASSESSMENT_STATS_BUCKET_VALUES!r}")
