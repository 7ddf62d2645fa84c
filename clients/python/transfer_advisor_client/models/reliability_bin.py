from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ReliabilityBin")



@_attrs_define
class ReliabilityBin:
    """ One equal-width bin of `transfer_score`: [low, high), the last one closed.

        Attributes:
            low (float): Lower edge of the transfer_score bin (inclusive).
            high (float): Upper edge (exclusive, except 1.0 for the last bin).
            n (int): Scored decisions whose transfer_score falls in the bin.
            mean_score (float | None): Mean transfer_score in the bin (null when empty).
            observed_rate (float | None): Share of these decisions where transfer beat scratch (measured gain > 0; null when
                empty).
     """

    low: float
    high: float
    n: int
    mean_score: float | None
    observed_rate: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        low = self.low

        high = self.high

        n = self.n

        mean_score: float | None
        mean_score = self.mean_score

        observed_rate: float | None
        observed_rate = self.observed_rate


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "low": low,
            "high": high,
            "n": n,
            "mean_score": mean_score,
            "observed_rate": observed_rate,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        low = d.pop("low")

        high = d.pop("high")

        n = d.pop("n")

        def _parse_mean_score(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_score = _parse_mean_score(d.pop("mean_score"))


        def _parse_observed_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        observed_rate = _parse_observed_rate(d.pop("observed_rate"))


        reliability_bin = cls(
            low=low,
            high=high,
            n=n,
            mean_score=mean_score,
            observed_rate=observed_rate,
        )


        reliability_bin.additional_properties = d
        return reliability_bin

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
