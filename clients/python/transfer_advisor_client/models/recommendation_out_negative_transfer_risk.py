from typing import Literal

RecommendationOutNegativeTransferRisk = Literal['high', 'low', 'medium']

RECOMMENDATION_OUT_NEGATIVE_TRANSFER_RISK_VALUES: set[RecommendationOutNegativeTransferRisk] = { 'high', 'low', 'medium',  }

def check_recommendation_out_negative_transfer_risk(value: str) -> RecommendationOutNegativeTransferRisk:
    if value in RECOMMENDATION_OUT_NEGATIVE_TRANSFER_RISK_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RECOMMENDATION_OUT_NEGATIVE_TRANSFER_RISK_VALUES!r}")
