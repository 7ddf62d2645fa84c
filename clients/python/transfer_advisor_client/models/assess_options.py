from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AssessOptions")



@_attrs_define
class AssessOptions:
    """ 
        Attributes:
            kernel_bandwidth (float | None | Unset):
            metrics (list[str] | None | Unset):
            permutations (int | Unset):  Default: 200.
            seed (int | Unset):  Default: 0.
     """

    kernel_bandwidth: float | None | Unset = UNSET
    metrics: list[str] | None | Unset = UNSET
    permutations: int | Unset = 200
    seed: int | Unset = 0





    def to_dict(self) -> dict[str, Any]:
        kernel_bandwidth: float | None | Unset
        if isinstance(self.kernel_bandwidth, Unset):
            kernel_bandwidth = UNSET
        else:
            kernel_bandwidth = self.kernel_bandwidth

        metrics: list[str] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, list):
            metrics = self.metrics


        else:
            metrics = self.metrics

        permutations = self.permutations

        seed = self.seed


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if kernel_bandwidth is not UNSET:
            field_dict["kernel_bandwidth"] = kernel_bandwidth
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if permutations is not UNSET:
            field_dict["permutations"] = permutations
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_kernel_bandwidth(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        kernel_bandwidth = _parse_kernel_bandwidth(d.pop("kernel_bandwidth", UNSET))


        def _parse_metrics(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                metrics_type_0 = cast(list[str], data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))


        permutations = d.pop("permutations", UNSET)

        seed = d.pop("seed", UNSET)

        assess_options = cls(
            kernel_bandwidth=kernel_bandwidth,
            metrics=metrics,
            permutations=permutations,
            seed=seed,
        )

        return assess_options

