from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="StrategyCounts")



@_attrs_define
class StrategyCounts:
    """ Records per recommended strategy.

        Attributes:
            fine_tune (int | Unset): Records recommending `fine_tune`. Default: 0.
            feature_extraction (int | Unset): Records recommending `feature_extraction`. Default: 0.
            train_from_scratch (int | Unset): Records recommending `train_from_scratch`. Default: 0.
     """

    fine_tune: int | Unset = 0
    feature_extraction: int | Unset = 0
    train_from_scratch: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        fine_tune = self.fine_tune

        feature_extraction = self.feature_extraction

        train_from_scratch = self.train_from_scratch


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if fine_tune is not UNSET:
            field_dict["fine_tune"] = fine_tune
        if feature_extraction is not UNSET:
            field_dict["feature_extraction"] = feature_extraction
        if train_from_scratch is not UNSET:
            field_dict["train_from_scratch"] = train_from_scratch

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fine_tune = d.pop("fine_tune", UNSET)

        feature_extraction = d.pop("feature_extraction", UNSET)

        train_from_scratch = d.pop("train_from_scratch", UNSET)

        strategy_counts = cls(
            fine_tune=fine_tune,
            feature_extraction=feature_extraction,
            train_from_scratch=train_from_scratch,
        )


        strategy_counts.additional_properties = d
        return strategy_counts

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
