from typing import Literal

AssessmentStatsBucket = Literal['day', 'hour', 'week']

ASSESSMENT_STATS_BUCKET_VALUES: set[AssessmentStatsBucket] = { 'day', 'hour', 'week',  }

def check_assessment_stats_bucket(value: str) -> AssessmentStatsBucket:
    if value in ASSESSMENT_STATS_BUCKET_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESSMENT_STATS_BUCKET_VALUES!r}")
