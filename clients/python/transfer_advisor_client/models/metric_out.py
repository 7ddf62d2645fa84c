from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.metric_out_details import MetricOutDetails





T = TypeVar("T", bound="MetricOut")



@_attrs_define
class MetricOut:
    """ One metric's result.

        Attributes:
            value (float): The metric's value (see its name for the direction: `_distance` lower = closer, `_score`/accuracy
                higher = more transferable).
            p_value (float | None | Unset): Permutation p-value where the metric is a test (e.g. `mmd`).
            details (MetricOutDetails | Unset): Metric-specific figures (path, baseline, chance level, permutations…).
     """

    value: float
    p_value: float | None | Unset = UNSET
    details: MetricOutDetails | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.metric_out_details import MetricOutDetails # noqa: PLC0415
        value = self.value

        p_value: float | None | Unset
        if isinstance(self.p_value, Unset):
            p_value = UNSET
        else:
            p_value = self.p_value

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "value": value,
        })
        if p_value is not UNSET:
            field_dict["p_value"] = p_value
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_out_details import MetricOutDetails # noqa: PLC0415
        d = dict(src_dict)
        value = d.pop("value")

        def _parse_p_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        p_value = _parse_p_value(d.pop("p_value", UNSET))


        _details = d.pop("details", UNSET)
        details: MetricOutDetails | Unset
        if isinstance(_details,  Unset):
            details = UNSET
        else:
            details = MetricOutDetails.from_dict(_details)




        metric_out = cls(
            value=value,
            p_value=p_value,
            details=details,
        )


        metric_out.additional_properties = d
        return metric_out

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
