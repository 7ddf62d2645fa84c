from typing import Literal

RecommendationOutStrategy = Literal['feature_extraction', 'fine_tune', 'train_from_scratch']

RECOMMENDATION_OUT_STRATEGY_VALUES: set[RecommendationOutStrategy] = { 'feature_extraction', 'fine_tune', 'train_from_scratch',  }

def check_recommendation_out_strategy(value: str) -> RecommendationOutStrategy:
    if value in RECOMMENDATION_OUT_STRATEGY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RECOMMENDATION_OUT_STRATEGY_VALUES!r}")
