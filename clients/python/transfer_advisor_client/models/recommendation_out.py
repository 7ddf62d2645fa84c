from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.risk import check_risk
from ..models.risk import Risk
from ..models.strategy import check_strategy
from ..models.strategy import Strategy
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.expected_gain_out import ExpectedGainOut





T = TypeVar("T", bound="RecommendationOut")



@_attrs_define
class RecommendationOut:
    """ The decision and why.

        Attributes:
            strategy (Strategy): What to do with the source: adapt it end to end, freeze it, or leave it.
            transfer_score (float): Estimated probability that transfer beats training from scratch.
            negative_transfer_risk (Risk): Reporting band of P(negative transfer).
            confidence (float): How sure the policy is (lower when evidence is missing).
            reasons (list[str]): Human-readable reasons naming each metric, its value and the threshold that mattered.
            expected_gain (ExpectedGainOut | None | Unset): Accuracy points of the best transfer strategy over training from
                scratch, with an 80 % interval (contract v1.1).
     """

    strategy: Strategy
    transfer_score: float
    negative_transfer_risk: Risk
    confidence: float
    reasons: list[str]
    expected_gain: ExpectedGainOut | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.expected_gain_out import ExpectedGainOut # noqa: PLC0415
        strategy: str = self.strategy

        transfer_score = self.transfer_score

        negative_transfer_risk: str = self.negative_transfer_risk

        confidence = self.confidence

        reasons = self.reasons



        expected_gain: dict[str, Any] | None | Unset
        if isinstance(self.expected_gain, Unset):
            expected_gain = UNSET
        elif isinstance(self.expected_gain, ExpectedGainOut):
            expected_gain = self.expected_gain.to_dict()
        else:
            expected_gain = self.expected_gain


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "strategy": strategy,
            "transfer_score": transfer_score,
            "negative_transfer_risk": negative_transfer_risk,
            "confidence": confidence,
            "reasons": reasons,
        })
        if expected_gain is not UNSET:
            field_dict["expected_gain"] = expected_gain

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.expected_gain_out import ExpectedGainOut # noqa: PLC0415
        d = dict(src_dict)
        strategy = check_strategy(d.pop("strategy"))




        transfer_score = d.pop("transfer_score")

        negative_transfer_risk = check_risk(d.pop("negative_transfer_risk"))




        confidence = d.pop("confidence")

        reasons = cast(list[str], d.pop("reasons"))


        def _parse_expected_gain(data: object) -> ExpectedGainOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                expected_gain_type_0 = ExpectedGainOut.from_dict(data)



                return expected_gain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExpectedGainOut | None | Unset, data)

        expected_gain = _parse_expected_gain(d.pop("expected_gain", UNSET))


        recommendation_out = cls(
            strategy=strategy,
            transfer_score=transfer_score,
            negative_transfer_risk=negative_transfer_risk,
            confidence=confidence,
            reasons=reasons,
            expected_gain=expected_gain,
        )


        recommendation_out.additional_properties = d
        return recommendation_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
