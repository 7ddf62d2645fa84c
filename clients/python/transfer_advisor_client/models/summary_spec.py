from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SummarySpec")



@_attrs_define
class SummarySpec:
    """ Client-side moments: count, mean, unbiased covariance (divisor count − 1).

        Attributes:
            count (int):
            covariance (list[list[float]]):
            mean (list[float]):
            class_counts (list[int] | None | Unset):
            class_means (list[list[float]] | None | Unset):
     """

    count: int
    covariance: list[list[float]]
    mean: list[float]
    class_counts: list[int] | None | Unset = UNSET
    class_means: list[list[float]] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        count = self.count

        covariance = []
        for covariance_item_data in self.covariance:
            covariance_item = covariance_item_data


            covariance.append(covariance_item)



        mean = self.mean



        class_counts: list[int] | None | Unset
        if isinstance(self.class_counts, Unset):
            class_counts = UNSET
        elif isinstance(self.class_counts, list):
            class_counts = self.class_counts


        else:
            class_counts = self.class_counts

        class_means: list[list[float]] | None | Unset
        if isinstance(self.class_means, Unset):
            class_means = UNSET
        elif isinstance(self.class_means, list):
            class_means = []
            for class_means_type_0_item_data in self.class_means:
                class_means_type_0_item = class_means_type_0_item_data


                class_means.append(class_means_type_0_item)


        else:
            class_means = self.class_means


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "count": count,
            "covariance": covariance,
            "mean": mean,
        })
        if class_counts is not UNSET:
            field_dict["class_counts"] = class_counts
        if class_means is not UNSET:
            field_dict["class_means"] = class_means

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        covariance = []
        _covariance = d.pop("covariance")
        for covariance_item_data in (_covariance):
            covariance_item = cast(list[float], covariance_item_data)

            covariance.append(covariance_item)


        mean = cast(list[float], d.pop("mean"))


        def _parse_class_counts(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_counts_type_0 = cast(list[int], data)

                return class_counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        class_counts = _parse_class_counts(d.pop("class_counts", UNSET))


        def _parse_class_means(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_means_type_0 = []
                _class_means_type_0 = data
                for class_means_type_0_item_data in (_class_means_type_0):
                    class_means_type_0_item = cast(list[float], class_means_type_0_item_data)

                    class_means_type_0.append(class_means_type_0_item)

                return class_means_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        class_means = _parse_class_means(d.pop("class_means", UNSET))


        summary_spec = cls(
            count=count,
            covariance=covariance,
            mean=mean,
            class_counts=class_counts,
            class_means=class_means,
        )

        return summary_spec

