from typing import Literal

ListAssessmentsAssessmentsGetStrategyType0 = Literal['feature_extraction', 'fine_tune', 'train_from_scratch']

LIST_ASSESSMENTS_ASSESSMENTS_GET_STRATEGY_TYPE_0_VALUES: set[ListAssessmentsAssessmentsGetStrategyType0] = { 'feature_extraction', 'fine_tune', 'train_from_scratch',  }

def check_list_assessments_assessments_get_strategy_type_0(value: str) -> ListAssessmentsAssessmentsGetStrategyType0:
    if value in LIST_ASSESSMENTS_ASSESSMENTS_GET_STRATEGY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_ASSESSMENTS_ASSESSMENTS_GET_STRATEGY_TYPE_0_VALUES!r}")
