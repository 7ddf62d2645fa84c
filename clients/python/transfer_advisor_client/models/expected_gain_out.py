from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ExpectedGainOut")



@_attrs_define
class ExpectedGainOut:
    """ Accuracy gain of the best transfer strategy over training from scratch.

        Attributes:
            value (float): Point estimate (accuracy, −1..1).
            low (float): Lower end of the 80 % interval.
            high (float): Upper end of the 80 % interval.
     """

    value: float
    low: float
    high: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        value = self.value

        low = self.low

        high = self.high


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "value": value,
            "low": low,
            "high": high,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        value = d.pop("value")

        low = d.pop("low")

        high = d.pop("high")

        expected_gain_out = cls(
            value=value,
            low=low,
            high=high,
        )


        expected_gain_out.additional_properties = d
        return expected_gain_out

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
