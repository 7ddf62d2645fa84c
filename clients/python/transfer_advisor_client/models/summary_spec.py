from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.encoded_matrix import EncodedMatrix
  from ..models.encoded_vector import EncodedVector





T = TypeVar("T", bound="SummarySpec")



@_attrs_define
class SummarySpec:
    """ Client-side moments: count, mean, unbiased covariance (divisor count − 1).

    `mean`, `covariance` and `class_means` may each be sent encoded (base64, as embeddings): a
    d = 768 covariance is then 4.7 MB of float64 instead of 590k JSON numbers to parse.

        Attributes:
            count (int): Rows summarised.
            mean (EncodedVector | list[float]): Mean row (d values), a JSON list or encoded.
            covariance (EncodedMatrix | list[list[float]]): Unbiased sample covariance (d × d, divisor count − 1), JSON
                lists or encoded.
            class_means (EncodedMatrix | list[list[float]] | None | Unset): Optional: mean row per class (C × d), for LogME
                and H-score from a summary.
            class_counts (list[int] | None | Unset): Optional: rows per class (C), aligned with `class_means`; they count as
                labeled examples.
     """

    count: int
    mean: EncodedVector | list[float]
    covariance: EncodedMatrix | list[list[float]]
    class_means: EncodedMatrix | list[list[float]] | None | Unset = UNSET
    class_counts: list[int] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.encoded_matrix import EncodedMatrix # noqa: PLC0415
        from ..models.encoded_vector import EncodedVector # noqa: PLC0415
        count = self.count

        mean: dict[str, Any] | list[float]
        if isinstance(self.mean, EncodedVector):
            mean = self.mean.to_dict()
        else:
            mean = self.mean




        covariance: dict[str, Any] | list[list[float]]
        if isinstance(self.covariance, EncodedMatrix):
            covariance = self.covariance.to_dict()
        else:
            covariance = []
            for covariance_type_1_item_data in self.covariance:
                covariance_type_1_item = covariance_type_1_item_data


                covariance.append(covariance_type_1_item)




        class_means: dict[str, Any] | list[list[float]] | None | Unset
        if isinstance(self.class_means, Unset):
            class_means = UNSET
        elif isinstance(self.class_means, EncodedMatrix):
            class_means = self.class_means.to_dict()
        elif isinstance(self.class_means, list):
            class_means = []
            for class_means_type_1_item_data in self.class_means:
                class_means_type_1_item = class_means_type_1_item_data


                class_means.append(class_means_type_1_item)


        else:
            class_means = self.class_means

        class_counts: list[int] | None | Unset
        if isinstance(self.class_counts, Unset):
            class_counts = UNSET
        elif isinstance(self.class_counts, list):
            class_counts = self.class_counts


        else:
            class_counts = self.class_counts


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "count": count,
            "mean": mean,
            "covariance": covariance,
        })
        if class_means is not UNSET:
            field_dict["class_means"] = class_means
        if class_counts is not UNSET:
            field_dict["class_counts"] = class_counts

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.encoded_matrix import EncodedMatrix # noqa: PLC0415
        from ..models.encoded_vector import EncodedVector # noqa: PLC0415
        d = dict(src_dict)
        count = d.pop("count")

        def _parse_mean(data: object) -> EncodedVector | list[float]:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mean_type_0 = EncodedVector.from_dict(data)



                return mean_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            mean_type_1 = cast(list[float], data)

            return mean_type_1

        mean = _parse_mean(d.pop("mean"))


        def _parse_covariance(data: object) -> EncodedMatrix | list[list[float]]:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                covariance_type_0 = EncodedMatrix.from_dict(data)



                return covariance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            covariance_type_1 = []
            _covariance_type_1 = data
            for covariance_type_1_item_data in (_covariance_type_1):
                covariance_type_1_item = cast(list[float], covariance_type_1_item_data)

                covariance_type_1.append(covariance_type_1_item)

            return covariance_type_1

        covariance = _parse_covariance(d.pop("covariance"))


        def _parse_class_means(data: object) -> EncodedMatrix | list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                class_means_type_0 = EncodedMatrix.from_dict(data)



                return class_means_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_means_type_1 = []
                _class_means_type_1 = data
                for class_means_type_1_item_data in (_class_means_type_1):
                    class_means_type_1_item = cast(list[float], class_means_type_1_item_data)

                    class_means_type_1.append(class_means_type_1_item)

                return class_means_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EncodedMatrix | list[list[float]] | None | Unset, data)

        class_means = _parse_class_means(d.pop("class_means", UNSET))


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


        summary_spec = cls(
            count=count,
            mean=mean,
            covariance=covariance,
            class_means=class_means,
            class_counts=class_counts,
        )

        return summary_spec

