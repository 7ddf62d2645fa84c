from typing import Literal

Strategy = Literal['feature_extraction', 'fine_tune', 'train_from_scratch']

STRATEGY_VALUES: set[Strategy] = { 'feature_extraction', 'fine_tune', 'train_from_scratch',  }

def check_strategy(value: str) -> Strategy:
    if value in STRATEGY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STRATEGY_VALUES!r}")
