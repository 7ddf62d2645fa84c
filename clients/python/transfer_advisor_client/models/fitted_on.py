from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="FittedOn")



@_attrs_define
class FittedOn:
    """ What a policy version was fitted on.

        Attributes:
            scenarios (int): Shipped calibration scenarios (0 when left out).
            outcomes (int): The tenant's assessments with an outcome (0 for a shipped policy).
     """

    scenarios: int
    outcomes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        scenarios = self.scenarios

        outcomes = self.outcomes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "scenarios": scenarios,
            "outcomes": outcomes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        scenarios = d.pop("scenarios")

        outcomes = d.pop("outcomes")

        fitted_on = cls(
            scenarios=scenarios,
            outcomes=outcomes,
        )


        fitted_on.additional_properties = d
        return fitted_on

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
