from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="PolicyFitRequest")



@_attrs_define
class PolicyFitRequest:
    """ 
        Attributes:
            include_shipped (bool | Unset): Fit on the shipped calibration scenarios as well as the tenant's outcomes.
                Default: True.
     """

    include_shipped: bool | Unset = True





    def to_dict(self) -> dict[str, Any]:
        include_shipped = self.include_shipped


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if include_shipped is not UNSET:
            field_dict["include_shipped"] = include_shipped

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        include_shipped = d.pop("include_shipped", UNSET)

        policy_fit_request = cls(
            include_shipped=include_shipped,
        )

        return policy_fit_request

